// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON naming each tensor's dtype,
// shape and byte range, then the data. The reader checks every rule of the format and names the tensor and the rule
// it breaks; the writer writes what the reference writer does. Bytes in and out: no file I/O here.
// Not a model loader (attn/model maps names to weights) and not a general JSON library (json.hpp reads only
// what a header holds).
//
// Rules (each refusal is Code::invalid_data with a message naming the rule):
//  - N ≤ 100,000,000 and 8 + N ≤ file size; the header is UTF-8 JSON, an object of tensors plus an optional
//    "__metadata__" object of string → string;
//  - a tensor is {"dtype": known name, "shape": [non-negative integers], "data_offsets": [begin, end]};
//  - end − begin = product(shape) × dtype size (overflow checked); sorted by begin, the ranges start at 0, leave
//    no gap and do not overlap, and the last one ends exactly at the end of the file; names are unique.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "attn/core/status.hpp"

namespace attn::io {

/// Every dtype the format defines (newer 8/6/4-bit types are refused by name as unknown).
enum class DType { BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64 };
const char* dtype_name(DType t);
std::size_t dtype_size(DType t);
/// false when `name` is not a dtype this reader knows.
bool dtype_from_name(std::string_view name, DType& out);

/// One tensor as the header describes it. begin/end are byte offsets from the start of the data (after 8 + N).
struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<std::uint64_t> shape;
  std::uint64_t begin = 0, end = 0;
  std::uint64_t count() const;  ///< product(shape) (1 for a 0-rank tensor)
};

struct SafetensorsHeader {
  std::uint64_t header_bytes = 0;  ///< N
  std::vector<TensorInfo> tensors;  ///< in the order of their data
  std::map<std::string, std::string> metadata;

  std::uint64_t data_start() const { return 8 + header_bytes; }
  const TensorInfo* find(std::string_view name) const;
};

inline constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;

/// From the file's first 8 bytes and its size: N, checked against the limit and the file size.
Status safetensors_header_length(const std::uint8_t* first8, std::uint64_t file_size, std::uint64_t& header_bytes);

/// Parses and checks the N header bytes of a file of file_size bytes (the data itself is not needed).
Status parse_safetensors_header(const std::uint8_t* json, std::uint64_t header_bytes, std::uint64_t file_size,
                                SafetensorsHeader& out);

/// A whole file in memory: the header, and each tensor's bytes as a view into `file` (not copied, not aligned).
struct SafetensorsFile {
  SafetensorsHeader header;
  const std::uint8_t* data = nullptr;  ///< file + 8 + N

  const std::uint8_t* bytes_of(const TensorInfo& t) const { return data + t.begin; }
};
Status read_safetensors(const std::uint8_t* file, std::size_t size, SafetensorsFile& out);

/// Converts count values of a floating-point tensor (F32, F16, BF16, F64) to float32 exactly where float32 can hold
/// them (F16/BF16 always: subnormals, ±∞, NaN, −0 kept); src may be unaligned. Other dtypes are refused.
Status to_float32(DType dtype, const std::uint8_t* src, std::uint64_t count, float* dst, std::string_view name);
/// Converts count values of an integer tensor (I8…U64 except U64 above 2^63) to int64.
Status to_int64(DType dtype, const std::uint8_t* src, std::uint64_t count, std::int64_t* dst, std::string_view name);

/// binary16 bits → float32, exactly.
float f16_to_float(std::uint16_t bits);
/// float32 → binary16 bits, rounding to nearest even (overflow → ±∞, NaN stays NaN).
std::uint16_t float_to_f16(float x);

/// A tensor to write: its bytes must be count × dtype size long, little-endian.
struct TensorToWrite {
  std::string name;
  DType dtype = DType::F32;
  std::vector<std::uint64_t> shape;
  std::vector<std::uint8_t> bytes;
};
/// The file: tensors sorted by dtype alignment (largest first) then name, header padded with spaces to a multiple
/// of 8. Refuses duplicate names and byte counts that do not match shape × dtype.
Status write_safetensors(const std::vector<TensorToWrite>& tensors, const std::map<std::string, std::string>& metadata,
                         std::vector<std::uint8_t>& out);

}  // namespace attn::io
