// SHA-256 (FIPS 180-4) of a byte string, as lowercase hex: the corpus and model-file hashes.
// Not a crypto library: one-shot hashing only, no HMAC, no streaming API, no constant-time guarantees.
#pragma once
#include <cstddef>
#include <string>

namespace attn::train {

/// SHA-256 of bytes[0, n) as 64 lowercase hex digits.
std::string sha256_hex(const void* bytes, std::size_t n);

}  // namespace attn::train
