// Whole files for the trainer tools (train.cpp, live_sweep.cpp): read into bytes, and written through path.tmp and a
// rename, so that a run stopped mid-write leaves the previous file, not half of one. Not the library's I/O: the
// library takes bytes and gives bytes (io/safetensors.hpp).
#pragma once
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace attn::tools {

/// The file's bytes into `out`; false when it cannot be opened.
inline bool read_file(const std::string& path, std::vector<std::uint8_t>& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return true;
}

/// Writes `bytes` to `path` (via path.tmp, then a rename); on failure calls fail(reason), which must not return.
template <class Fail>
void write_file(const std::string& path, const std::vector<std::uint8_t>& bytes, Fail fail) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size())))
      fail("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot rename " + tmp + " to " + path);
}

}  // namespace attn::tools
