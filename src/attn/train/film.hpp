// The training film: every head's attention on a few fixed probe sentences, recorded at log-spaced steps while a
// model trains, so the page can show heads forming. Stored in the model file as film.* tensors (the runtime's
// loader skips them): film.<p>.ids I32 [T_p] (GPT-2 ids, BOS first) and film.<p>.attention U8 [K, L, H, T_p·(T_p+1)/2]
// (each causal row i's weights for keys 0..i, row after row, as round(255·w)); metadata film_steps = JSON [K steps].
// Not a metric (head_report.hpp) and not a renderer.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "attn/core/status.hpp"
#include "attn/io/safetensors.hpp"
#include "attn/model/gpt2.hpp"
#include "attn/tokenizer/bpe.hpp"

namespace attn::train {

/// The probe sentences (English and Chinese: the tutorial's examples and a repeated span).
const std::vector<std::string>& film_texts();

struct Film {
  std::vector<std::vector<std::uint32_t>> ids;     ///< per probe: GPT-2 ids, BOS first
  std::vector<std::size_t> steps;                  ///< one per frame
  std::vector<std::vector<std::uint8_t>> frames;   ///< per probe: [frames, L, H, cells]
};

/// The probes, tokenized (BOS + text) and cut to the model's `context` tokens, no frames yet.
Film make_film(const tok::Gpt2Tokenizer& tokenizer, std::size_t context);
/// `count` distinct steps in [0, total), log-spaced from the first step (0) to the last (total − 1).
std::vector<std::size_t> film_schedule(std::size_t total, std::size_t count);
/// Runs the model on every probe and appends one frame recorded at `step`.
Status record_frame(const Gpt2Model& model, std::size_t step, Film& film);
/// The film as tensors and its steps as the metadata value film_steps.
std::vector<io::TensorToWrite> film_tensors(const Film& film);
std::string film_steps_json(const Film& film);
/// Restores a film from film_tensors' output (a resumed run); the probes must match `film.ids`.
Status film_from_file(const io::SafetensorsFile& file, Film& film);

}  // namespace attn::train
