// libFuzzer target: any bytes given to the safetensors reader must be refused with a status or read consistently:
// every tensor's byte range inside the file, its conversion (when its dtype converts) touching only those bytes,
// and a writer → reader round trip of what was read giving the same header. Not a correctness reference
// (tests/native/test_io.cpp checks the rules one by one).
// Built by cmake/fuzz.cmake with clang++-14 -fsanitize=fuzzer,address,undefined.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "attn/io/safetensors.hpp"

using namespace attn::io;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  SafetensorsFile f;
  if (!read_safetensors(data, size, f).ok()) return 0;
  std::vector<TensorToWrite> again;
  for (const TensorInfo& t : f.header.tensors) {
    if (f.header.data_start() + t.end > size) std::abort();  // a range outside the file was accepted
    const std::uint64_t count = t.count();
    std::vector<float> floats(count);
    std::vector<std::int64_t> ints(count);
    (void)to_float32(t.dtype, f.bytes_of(t), count, floats.data(), t.name);
    (void)to_int64(t.dtype, f.bytes_of(t), count, ints.data(), t.name);
    again.push_back({t.name, t.dtype, t.shape, std::vector<std::uint8_t>(f.bytes_of(t), f.bytes_of(t) + (t.end - t.begin))});
  }
  std::vector<std::uint8_t> written;
  if (!write_safetensors(again, f.header.metadata, written).ok()) std::abort();
  SafetensorsFile back;
  if (!read_safetensors(written.data(), written.size(), back).ok()) std::abort();
  if (back.header.tensors.size() != f.header.tensors.size() || back.header.metadata != f.header.metadata) std::abort();
  return 0;
}
