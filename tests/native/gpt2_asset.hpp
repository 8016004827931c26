// The GPT-2 vocabulary asset the build makes (gpt2-bpe.bin, cmake/gpt2_asset.cmake) for the tests that need GPT-2
// ids: its path, and a tokenizer read from it once per test program. Not the tokenizer's own tests (test_tokenizer).
#pragma once
#include <catch2/catch_test_macros.hpp>

#include "attn/tokenizer/bpe.hpp"

namespace attn_test {

inline const char* const kGpt2Asset = ATTN_BINARY_DIR "/gpt2-bpe.bin";

/// A new tokenizer read from kGpt2Asset (for a test that changes its settings); the test fails if it cannot be read.
inline attn::tok::Gpt2Tokenizer load_gpt2_tokenizer() {
  attn::tok::Gpt2Tokenizer t;
  const attn::Status st = t.load_file(kGpt2Asset);
  if (!st.ok()) FAIL("cannot load " << kGpt2Asset << ": " << st.message);
  return t;
}

/// One tokenizer shared by every test of the program (read on first use).
inline const attn::tok::Gpt2Tokenizer& gpt2_tokenizer() {
  static const attn::tok::Gpt2Tokenizer tok = load_gpt2_tokenizer();
  return tok;
}

}  // namespace attn_test
