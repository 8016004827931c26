// The training film: probe texts, the log-spaced schedule, frames through the runtime, tensors in and out.
#include "attn/train/film.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "attn/io/json.hpp"

namespace attn::train {

const std::vector<std::string>& film_texts() {
  static const std::vector<std::string> texts = {
      "A fluffy blue creature purrs. Again, the fluffy blue creature purrs.",
      "Tom and Anna went to the park. She dances. He sings.",
      "小明和小红去了公园。他唱歌。",
      "一只毛茸茸的蓝色怪兽打呼噜。",
      "我打他。他哭了。他打我。我哭了。",
      "red fox sings loud robot blue cat hisses red fox sings loud robot blue cat hisses",
  };
  return texts;
}

Film make_film(const tok::Gpt2Tokenizer& tokenizer, std::size_t context) {
  Film film;
  for (const std::string& text : film_texts()) {
    std::vector<std::uint32_t> ids{tok::kEndOfText};
    tokenizer.encode(text, tok::SpecialTokens::as_text, ids);
    if (ids.size() > context) ids.resize(context);  // a frame holds what the model can read, no more
    film.ids.push_back(std::move(ids));
  }
  film.frames.resize(film.ids.size());
  return film;
}

std::vector<std::size_t> film_schedule(std::size_t total, std::size_t count) {
  std::vector<std::size_t> steps{0};
  if (total < 2 || count < 2) return steps;
  for (std::size_t i = 1; i < count; ++i) {
    const double s = std::exp(std::log(double(total)) * double(i) / double(count - 1)) - 1.0;
    const std::size_t step = std::min(total - 1, std::size_t(std::llround(s)));
    if (step > steps.back()) steps.push_back(step);
  }
  return steps;
}

Status record_frame(const Gpt2Model& model, std::size_t step, Film& film) {
  const Gpt2Config& c = model.config();
  Gpt2ForwardOptions fo;
  fo.attention = true;
  fo.all_attention_max_tokens = c.context;
  fo.logits = LogitsFor::none;
  Gpt2ForwardResult r;
  Gpt2Session session = model.session();  // one for every probe: its caches and scratch are reused
  for (std::size_t p = 0; p < film.ids.size(); ++p) {
    const std::vector<std::uint32_t>& ids = film.ids[p];
    if (ids.size() > c.context)
      return Status::invalid_argument("film: probe " + std::to_string(p) + " has " + std::to_string(ids.size()) +
                                      " tokens, more than the model's context of " + std::to_string(c.context));
    const std::size_t T = ids.size();
    session.reset();
    if (Status st = session.append(ids.data(), T, fo, r); !st.ok()) return st;
    std::vector<std::uint8_t>& out = film.frames[p];
    for (std::size_t lh = 0; lh < c.layers * c.heads; ++lh)
      for (std::size_t i = 0; i < T; ++i)
        for (std::size_t j = 0; j <= i; ++j)
          out.push_back(std::uint8_t(std::lround(255.0f * std::clamp(r.attention[(lh * T + i) * T + j], 0.0f, 1.0f))));
  }
  film.steps.push_back(step);
  return Status::success();
}

std::vector<io::TensorToWrite> film_tensors(const Film& film) {
  std::vector<io::TensorToWrite> out;
  for (std::size_t p = 0; p < film.ids.size(); ++p) {
    const std::vector<std::uint32_t>& ids = film.ids[p];
    io::TensorToWrite t{"film." + std::to_string(p) + ".ids", io::DType::I32, {ids.size()}, {}};
    for (std::uint32_t id : ids)
      for (int b = 0; b < 4; ++b) t.bytes.push_back(std::uint8_t(id >> (8 * b)));
    out.push_back(std::move(t));
    const std::size_t frames = film.steps.size(), cells = ids.size() * (ids.size() + 1) / 2;
    const std::size_t heads = frames && cells ? film.frames[p].size() / (frames * cells) : 0;
    out.push_back({"film." + std::to_string(p) + ".attention", io::DType::U8, {frames, heads, cells}, film.frames[p]});
  }
  return out;
}

std::string film_steps_json(const Film& film) {
  std::string out = "[";
  for (std::size_t i = 0; i < film.steps.size(); ++i) out += (i ? ", " : "") + std::to_string(film.steps[i]);
  return out + "]";
}

Status film_from_file(const io::SafetensorsFile& file, Film& film) {
  const auto& meta = file.header.metadata;
  if (!meta.count("film_steps")) return Status::invalid_data("film: no film_steps in the metadata");
  io::JsonValue steps;
  if (Status st = io::parse_json(meta.at("film_steps"), steps); !st.ok()) return st;
  film.steps.clear();
  if (steps.kind != io::JsonValue::Kind::array) return Status::invalid_data("film: film_steps is not an array");
  for (const io::JsonValue& v : steps.items) {
    if (v.kind != io::JsonValue::Kind::integer) return Status::invalid_data("film: film_steps holds a non-integer");
    film.steps.push_back(std::size_t(v.integer));
  }
  for (std::size_t p = 0; p < film.ids.size(); ++p) {
    const std::string name = "film." + std::to_string(p) + ".attention";
    const auto it = std::find_if(file.header.tensors.begin(), file.header.tensors.end(),
                                 [&](const io::TensorInfo& t) { return t.name == name; });
    if (it == file.header.tensors.end() || it->dtype != io::DType::U8 || it->shape.empty() ||
        it->shape[0] != film.steps.size() || it->shape.back() != film.ids[p].size() * (film.ids[p].size() + 1) / 2)
      return Status::invalid_data("film: " + name + " is missing or does not match the probes");
    const std::uint8_t* bytes = file.bytes_of(*it);
    film.frames[p].assign(bytes, bytes + it->count());
  }
  return Status::success();
}

}  // namespace attn::train
