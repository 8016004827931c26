// safetensors (attn/io): the format's golden headers, writer → reader round trips, every reader rule broken by a
// crafted file (each refused with its rule named, a good file still read after), exact F16/BF16 conversion over all
// 65,536 patterns against ldexp, and unaligned data.
#include <catch2/catch_test_macros.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "attn/core/rng.hpp"
#include "attn/io/json.hpp"
#include "attn/io/safetensors.hpp"

using namespace attn::io;

namespace {

std::vector<std::uint8_t> f32_bytes(const std::vector<float>& v) {
  std::vector<std::uint8_t> b(v.size() * 4);
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

/// A file from a literal header and data bytes (the length prefix computed).
std::vector<std::uint8_t> file_of(const std::string& json, std::size_t data_bytes) {
  std::vector<std::uint8_t> f(8 + json.size() + data_bytes, 0);
  for (int k = 0; k < 8; ++k) f[k] = std::uint8_t(std::uint64_t(json.size()) >> (8 * k));
  std::memcpy(f.data() + 8, json.data(), json.size());
  return f;
}

std::string refusal(const std::vector<std::uint8_t>& f) {
  SafetensorsFile sf;
  const attn::Status st = read_safetensors(f.data(), f.size(), sf);
  CHECK(st.code == (st.ok() ? attn::Code::ok : attn::Code::invalid_data));
  return st.message;
}

/// The reference value of a binary16 pattern, computed another way than the library: sign · m · 2^e with ldexp.
double f16_reference(std::uint16_t h) {
  const int e = (h >> 10) & 31, m = h & 1023;
  const double sign = (h & 0x8000) ? -1.0 : 1.0;
  if (e == 31) return m ? NAN : sign * INFINITY;
  if (e == 0) return sign * std::ldexp(double(m), -24);
  return sign * std::ldexp(double(1024 + m), e - 25);
}

}  // namespace

TEST_CASE("writer: the reference's golden headers (64 bytes, 72 with padding, the empty file)", "[io]") {
  std::vector<std::uint8_t> out;
  REQUIRE(write_safetensors({{"attn.0", DType::F32, {1, 2, 3}, f32_bytes({0, 1, 2, 3, 4, 5})}}, {}, out).ok());
  CHECK(out.size() == 8 + 64 + 24);
  CHECK(std::string(out.begin() + 8, out.begin() + 72) ==
        R"({"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}})");
  REQUIRE(write_safetensors({{"attn0", DType::F32, {1, 1, 2, 3}, f32_bytes({0, 1, 2, 3, 4, 5})}}, {}, out).ok());
  CHECK(out[0] == 72);
  CHECK(std::string(out.begin() + 8, out.begin() + 80) ==
        R"({"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}})" + std::string(7, ' '));
  REQUIRE(write_safetensors({}, {}, out).ok());
  CHECK(out == std::vector<std::uint8_t>{8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '});
  SafetensorsFile f;
  REQUIRE(read_safetensors(out.data(), out.size(), f).ok());
  CHECK(f.header.tensors.empty());
}

TEST_CASE("writer → reader: names, dtypes, shapes, metadata and bytes survive, 0-rank and empty tensors too", "[io]") {
  attn::Rng rng(3);
  std::vector<TensorToWrite> ts;
  for (int i = 0; i < 20; ++i) {
    const DType types[] = {DType::F32, DType::F16, DType::BF16, DType::I32, DType::U8, DType::F64, DType::I64};
    TensorToWrite t;
    t.name = "t." + std::to_string(i) + (i % 3 ? "" : ".\xe4\xbb\x96\"q\\");  // UTF-8, a quote, a backslash
    t.dtype = types[i % 7];
    for (int d = 0; d < i % 4; ++d) t.shape.push_back(rng.next_u64() % 4);  // includes 0-rank and empty
    std::uint64_t n = 1;
    for (auto d : t.shape) n *= d;
    t.bytes.resize(n * dtype_size(t.dtype));
    for (auto& b : t.bytes) b = std::uint8_t(rng.next_u64());
    ts.push_back(t);
  }
  const std::map<std::string, std::string> meta = {{"format", "pt"}, {"n_head", "4"}, {"note", "line\nbreak \xf0\x9f\x98\x80"}};
  std::vector<std::uint8_t> file;
  REQUIRE(write_safetensors(ts, meta, file).ok());
  CHECK((file[0] | file[1] << 8) % 8 == 0);
  std::vector<std::uint8_t> shifted(file.size() + 1);  // an unaligned copy reads the same
  std::memcpy(shifted.data() + 1, file.data(), file.size());
  for (const std::uint8_t* p : {file.data(), shifted.data() + 1}) {
    SafetensorsFile f;
    REQUIRE(read_safetensors(p, file.size(), f).ok());
    CHECK(f.header.metadata == meta);
    REQUIRE(f.header.tensors.size() == ts.size());
    for (const auto& t : ts) {
      const TensorInfo* info = f.header.find(t.name);
      REQUIRE(info);
      CHECK(info->dtype == t.dtype);
      CHECK(info->shape == t.shape);
      CHECK(std::vector<std::uint8_t>(f.bytes_of(*info), f.bytes_of(*info) + (info->end - info->begin)) == t.bytes);
    }
  }
  CHECK_FALSE(write_safetensors({ts[0], ts[0]}, {}, file).ok());  // duplicate names
  TensorToWrite wrong = ts[1];
  wrong.bytes.push_back(0);
  CHECK_FALSE(write_safetensors({wrong}, {}, file).ok());
}

TEST_CASE("reader: every broken rule is refused and named; a good file still reads after", "[io]") {
  const std::string good = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[2],"data_offsets":[8,12]}})";
  CHECK(refusal(file_of(good, 12)).empty());
  const std::vector<std::uint8_t> whole = file_of(good, 12), truncated(whole.begin(), whole.begin() + 40);
  const std::pair<std::vector<std::uint8_t>, const char*> cases[] = {
      {std::vector<std::uint8_t>{1, 2, 3}, "fewer than the 8-byte header length"},
      {truncated, "runs past the end"},
      {file_of(good, 11), "need 12 bytes of data but the file has 11"},
      {file_of(good, 13), "1 bytes after the last tensor"},
      {file_of(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[2],"data_offsets":[9,13]}})", 13), "a gap of 1 bytes"},
      {file_of(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[2],"data_offsets":[6,10]}})", 10), "overlap"},
      {file_of(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8), "are not product(shape)"},
      {file_of(R"({"a":{"dtype":"F4","shape":[2],"data_offsets":[0,1]}})", 1), "unknown dtype \"F4\""},
      {file_of(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})", 16), "duplicate key \"a\""},
      {file_of(R"([1,2])", 0), "not a JSON object"},
      {file_of("{\"a\xff\":1}", 0), "not valid UTF-8"},
      {file_of(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})", 8), "expected ',' or '}'"},
      {file_of(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8), "unexpected '-'"},
      {file_of(R"({"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}})", 8), "not an integer"},
      {file_of(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}})", 8), "overflows"},
      {file_of(R"({"a":{"dtype":"F32","shape":[2]}})", 0), "\"data_offsets\" is missing"},
      {file_of(R"({"__metadata__":{"n":4}})", 0), "is not a string"},
      {file_of(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", 8), "is before begin"},
      {file_of(R"({"a":"\ud800"})", 0), "lone high surrogate"},
      {file_of(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":1}})", 8), "unexpected key \"extra\""},
      {file_of(std::string(20, '[') + std::string(20, ']'), 0), "nesting deeper"},
  };
  for (const auto& [file, rule] : cases) {
    const std::string message = refusal(file);
    INFO(message);
    CHECK(message.find(rule) != std::string::npos);
  }
  std::vector<std::uint8_t> huge(16, 0);
  huge[4] = 0x10;  // N = 2^36 > 100 MB
  CHECK(refusal(huge).find("over the limit") != std::string::npos);
  CHECK(refusal(file_of(good, 12)).empty());  // nothing was left behind by the refusals
}

TEST_CASE("F16 → float is exact for all 65,536 patterns; float → F16 round-trips and rounds to even", "[io]") {
  for (std::uint32_t h = 0; h < 65536; ++h) {
    const float got = f16_to_float(std::uint16_t(h));
    const double ref = f16_reference(std::uint16_t(h));
    if (std::isnan(ref)) {
      REQUIRE(std::isnan(got));
      continue;
    }
    REQUIRE(double(got) == ref);
    REQUIRE(std::signbit(got) == bool(h & 0x8000));  // −0 stays −0
    REQUIRE(float_to_f16(got) == h);
  }
  CHECK(float_to_f16(65520.0f) == 0x7c00);             // halfway past 65504 rounds up to ∞
  CHECK(float_to_f16(1.0f + 1.0f / 2048) == 0x3c00);   // a tie rounds to the even 1.0
  CHECK(float_to_f16(1.0f + 3.0f / 2048) == 0x3c02);   // a tie rounds to the even 1 + 2/1024
  CHECK(float_to_f16(std::ldexp(1.0f, -25)) == 0x0000);  // half the smallest subnormal: to even (0)
}

TEST_CASE("conversions: F16, BF16 and F64 to float32, integers to int64, refusals by dtype", "[io]") {
  const std::uint8_t f16[] = {0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00};  // 1, −2, the smallest subnormal
  float out[3];
  REQUIRE(to_float32(DType::F16, f16, 3, out, "x").ok());
  CHECK(out[0] == 1.0f);
  CHECK(out[1] == -2.0f);
  CHECK(out[2] == std::ldexp(1.0f, -24));
  const std::uint8_t bf16[] = {0x80, 0x3f, 0x80, 0x7f};  // 1.0, +∞
  REQUIRE(to_float32(DType::BF16, bf16, 2, out, "x").ok());
  CHECK(out[0] == 1.0f);
  CHECK(std::isinf(out[1]));
  CHECK(to_float32(DType::I32, bf16, 1, out, "ids").message.find("ids") != std::string::npos);
  const std::int32_t ids[] = {7, -1, 50256};
  std::int64_t wide[3];
  REQUIRE(to_int64(DType::I32, reinterpret_cast<const std::uint8_t*>(ids), 3, wide, "v").ok());
  CHECK((wide[0] == 7 && wide[1] == -1 && wide[2] == 50256));
  CHECK_FALSE(to_int64(DType::F32, reinterpret_cast<const std::uint8_t*>(ids), 1, wide, "v").ok());
  // An empty tensor (shape [0]) converts to nothing, with null pointers as an empty std::vector gives them.
  for (DType t : {DType::F32, DType::F16, DType::BF16, DType::F64}) CHECK(to_float32(t, nullptr, 0, nullptr, "e").ok());
  CHECK(to_int64(DType::I32, nullptr, 0, nullptr, "e").ok());
}
