// The safetensors reader, converters and writer (safetensors.hpp), every rule in the order a reader meets it.
#include "attn/io/safetensors.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "attn/io/json.hpp"

namespace attn::io {
namespace {

struct DTypeEntry {
  DType type;
  const char* name;
  std::size_t size;
};
constexpr DTypeEntry kDTypes[] = {
    {DType::BOOL, "BOOL", 1}, {DType::U8, "U8", 1},   {DType::I8, "I8", 1},     {DType::F8_E5M2, "F8_E5M2", 1},
    {DType::F8_E4M3, "F8_E4M3", 1}, {DType::I16, "I16", 2}, {DType::U16, "U16", 2}, {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2}, {DType::I32, "I32", 4}, {DType::U32, "U32", 4}, {DType::F32, "F32", 4},
    {DType::F64, "F64", 8},   {DType::I64, "I64", 8}, {DType::U64, "U64", 8}};

Status bad(const std::string& tensor, const std::string& rule) {
  return Status::invalid_data("safetensors: " + (tensor.empty() ? std::string() : "tensor \"" + tensor + "\": ") + rule);
}

std::uint64_t read_u64le(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int k = 7; k >= 0; --k) v = (v << 8) | p[k];
  return v;
}

template <class T>
T load_le(const std::uint8_t* p) {  // little-endian, unaligned
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

const char* dtype_name(DType t) {
  for (const auto& e : kDTypes)
    if (e.type == t) return e.name;
  return "?";
}
std::size_t dtype_size(DType t) {
  for (const auto& e : kDTypes)
    if (e.type == t) return e.size;
  return 0;
}
bool dtype_from_name(std::string_view name, DType& out) {
  for (const auto& e : kDTypes)
    if (name == e.name) return out = e.type, true;
  return false;
}

std::uint64_t TensorInfo::count() const {
  std::uint64_t n = 1;
  for (auto d : shape) n *= d;  // checked against overflow when parsed
  return n;
}

const TensorInfo* SafetensorsHeader::find(std::string_view name) const {
  for (const auto& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

Status safetensors_header_length(const std::uint8_t* first8, std::uint64_t file_size, std::uint64_t& n) {
  if (file_size < 8) return bad("", "the file has " + std::to_string(file_size) + " bytes, fewer than the 8-byte header length");
  n = read_u64le(first8);
  if (n > kMaxHeaderBytes)
    return bad("", "header length " + std::to_string(n) + " is over the limit of " + std::to_string(kMaxHeaderBytes) + " bytes");
  if (n > file_size - 8)
    return bad("", "header length " + std::to_string(n) + " runs past the end of the file (" + std::to_string(file_size) + " bytes)");
  return Status::success();
}

Status parse_safetensors_header(const std::uint8_t* json, std::uint64_t n, std::uint64_t file_size,
                                SafetensorsHeader& out) {
  if (n > kMaxHeaderBytes || file_size < 8 || n > file_size - 8)
    return bad("", "header length " + std::to_string(n) + " does not fit a file of " + std::to_string(file_size) + " bytes");
  JsonValue root;
  if (Status st = parse_json(std::string_view(reinterpret_cast<const char*>(json), n), root); !st.ok())
    return Status::invalid_data("safetensors: " + st.message);
  if (root.kind != JsonValue::Kind::object) return bad("", "the header is not a JSON object");
  SafetensorsHeader h;
  h.header_bytes = n;
  for (const auto& [name, v] : root.members) {
    if (name == "__metadata__") {
      if (v.kind != JsonValue::Kind::object) return bad("", "__metadata__ is not an object of strings");
      for (const auto& [key, text] : v.members) {
        if (text.kind != JsonValue::Kind::string) return bad("", "__metadata__ \"" + key + "\" is not a string");
        h.metadata[key] = text.text;
      }
      continue;
    }
    if (v.kind != JsonValue::Kind::object) return bad(name, "its entry is not an object");
    TensorInfo t;
    t.name = name;
    const JsonValue* dtype = v.member("dtype");
    const JsonValue* shape = v.member("shape");
    const JsonValue* offsets = v.member("data_offsets");
    if (!dtype || dtype->kind != JsonValue::Kind::string) return bad(name, "\"dtype\" is missing or not a string");
    if (!dtype_from_name(dtype->text, t.dtype)) return bad(name, "unknown dtype \"" + dtype->text + "\"");
    if (!shape || shape->kind != JsonValue::Kind::array) return bad(name, "\"shape\" is missing or not an array");
    std::uint64_t count = 1;
    for (const auto& d : shape->items) {
      if (d.kind != JsonValue::Kind::integer) return bad(name, "\"shape\" holds something other than integers");
      if (d.integer != 0 && count > std::numeric_limits<std::uint64_t>::max() / d.integer)
        return bad(name, "product(shape) overflows 64 bits");
      count *= d.integer;
      t.shape.push_back(d.integer);
    }
    if (!offsets || offsets->kind != JsonValue::Kind::array || offsets->items.size() != 2 ||
        offsets->items[0].kind != JsonValue::Kind::integer || offsets->items[1].kind != JsonValue::Kind::integer)
      return bad(name, "\"data_offsets\" is missing or not [begin, end]");
    t.begin = offsets->items[0].integer, t.end = offsets->items[1].integer;
    if (t.end < t.begin) return bad(name, "data_offsets end " + std::to_string(t.end) + " is before begin " + std::to_string(t.begin));
    const std::uint64_t size = dtype_size(t.dtype);
    if (count > std::numeric_limits<std::uint64_t>::max() / size) return bad(name, "product(shape) × dtype size overflows 64 bits");
    if (t.end - t.begin != count * size)
      return bad(name, "its " + std::to_string(t.end - t.begin) + " bytes are not product(shape) × " + std::to_string(size) +
                           " = " + std::to_string(count * size));
    for (const auto& [other, unused] : v.members)
      if (other != "dtype" && other != "shape" && other != "data_offsets") return bad(name, "unexpected key \"" + other + "\"");
    h.tensors.push_back(std::move(t));
  }
  // The byte ranges tile the data exactly: from 0, no gap, no overlap, up to the end of the file.
  std::stable_sort(h.tensors.begin(), h.tensors.end(),
                   [](const TensorInfo& a, const TensorInfo& b) { return a.begin < b.begin || (a.begin == b.begin && a.end < b.end); });
  std::uint64_t at = 0;
  for (const auto& t : h.tensors) {
    if (t.begin < at) return bad(t.name, "its bytes overlap the previous tensor's (begin " + std::to_string(t.begin) + " < " + std::to_string(at) + ")");
    if (t.begin > at) return bad(t.name, "a gap of " + std::to_string(t.begin - at) + " bytes before it");
    at = t.end;
  }
  const std::uint64_t data_bytes = file_size - 8 - n;
  if (at != data_bytes)
    return bad("", at < data_bytes ? std::to_string(data_bytes - at) + " bytes after the last tensor"
                                   : "the tensors need " + std::to_string(at) + " bytes of data but the file has " + std::to_string(data_bytes));
  out = std::move(h);
  return Status::success();
}

Status read_safetensors(const std::uint8_t* file, std::size_t size, SafetensorsFile& out) {
  if (!file && size) return Status::invalid_argument("safetensors: null bytes");
  std::uint64_t n = 0;
  if (Status st = safetensors_header_length(file, size, n); !st.ok()) return st;
  SafetensorsFile f;
  if (Status st = parse_safetensors_header(file + 8, n, size, f.header); !st.ok()) return st;
  f.data = file + 8 + n;
  out = std::move(f);
  return Status::success();
}

float f16_to_float(std::uint16_t h) {
  const std::uint32_t sign = std::uint32_t(h & 0x8000u) << 16, exponent = (h >> 10) & 0x1fu, fraction = h & 0x3ffu;
  std::uint32_t bits;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (fraction << 13);  // ±∞, NaN (payload kept)
  } else if (exponent != 0) {
    bits = sign | ((exponent + 127 - 15) << 23) | (fraction << 13);
  } else {  // zero or subnormal: fraction · 2^−24, exact in float32
    float f = float(fraction) * (1.0f / 16777216.0f);
    std::memcpy(&bits, &f, sizeof bits);
    bits |= sign;
  }
  float out;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}

std::uint16_t float_to_f16(float x) {
  std::uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const std::uint16_t sign = std::uint16_t((bits >> 16) & 0x8000u);
  const std::uint32_t abs = bits & 0x7fffffffu;
  if (abs >= 0x7f800000u) return std::uint16_t(sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u : 0u));  // ∞, NaN
  if (abs >= 0x477ff000u) return std::uint16_t(sign | 0x7c00u);  // rounds past 65504: ∞
  if (abs < 0x38800000u) {  // below 2^−14: a subnormal half, fraction = round(|x| · 2^24)
    float a;
    std::memcpy(&a, &abs, sizeof a);
    return std::uint16_t(sign | std::uint16_t(std::nearbyint(a * 16777216.0f)));  // default rounding: to even
  }
  // Normal: drop 13 fraction bits with round-to-nearest-even; a carry into the exponent is correct as is.
  const std::uint32_t rebased = abs - ((127u - 15u) << 23);
  const std::uint32_t half = rebased >> 13, rest = rebased & 0x1fffu;
  return std::uint16_t(sign | (half + (rest > 0x1000u || (rest == 0x1000u && (half & 1u)))));
}

Status to_float32(DType dtype, const std::uint8_t* src, std::uint64_t count, float* dst, std::string_view name) {
  switch (dtype) {
    case DType::F32:
      if (count) std::memcpy(dst, src, count * 4);  // an empty tensor may come with null pointers
      return Status::success();
    case DType::F16:
      for (std::uint64_t i = 0; i < count; ++i) dst[i] = f16_to_float(load_le<std::uint16_t>(src + 2 * i));
      return Status::success();
    case DType::BF16:
      for (std::uint64_t i = 0; i < count; ++i) {
        const std::uint32_t bits = std::uint32_t(load_le<std::uint16_t>(src + 2 * i)) << 16;
        std::memcpy(dst + i, &bits, 4);
      }
      return Status::success();
    case DType::F64:
      for (std::uint64_t i = 0; i < count; ++i) dst[i] = float(load_le<double>(src + 8 * i));
      return Status::success();
    default:
      return bad(std::string(name), std::string("dtype ") + dtype_name(dtype) + " is not a floating-point type");
  }
}

Status to_int64(DType dtype, const std::uint8_t* src, std::uint64_t count, std::int64_t* dst, std::string_view name) {
  for (std::uint64_t i = 0; i < count; ++i) {
    switch (dtype) {
      case DType::U8: dst[i] = src[i]; break;
      case DType::I8: dst[i] = std::int8_t(src[i]); break;
      case DType::I16: dst[i] = load_le<std::int16_t>(src + 2 * i); break;
      case DType::U16: dst[i] = load_le<std::uint16_t>(src + 2 * i); break;
      case DType::I32: dst[i] = load_le<std::int32_t>(src + 4 * i); break;
      case DType::U32: dst[i] = load_le<std::uint32_t>(src + 4 * i); break;
      case DType::I64: dst[i] = load_le<std::int64_t>(src + 8 * i); break;
      case DType::U64: {
        const std::uint64_t v = load_le<std::uint64_t>(src + 8 * i);
        if (v > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
          return bad(std::string(name), "value " + std::to_string(v) + " at index " + std::to_string(i) + " does not fit int64");
        dst[i] = std::int64_t(v);
        break;
      }
      default: return bad(std::string(name), std::string("dtype ") + dtype_name(dtype) + " is not an integer type");
    }
  }
  return Status::success();
}

Status write_safetensors(const std::vector<TensorToWrite>& tensors, const std::map<std::string, std::string>& metadata,
                         std::vector<std::uint8_t>& out) {
  std::vector<const TensorToWrite*> order;
  for (const auto& t : tensors) {
    if (t.name == "__metadata__") return bad(t.name, "the name is reserved");
    for (const auto* o : order)
      if (o->name == t.name) return bad(t.name, "the name appears twice");
    std::uint64_t count = 1;
    for (auto d : t.shape) count *= d;
    if (t.bytes.size() != count * dtype_size(t.dtype))
      return bad(t.name, std::to_string(t.bytes.size()) + " bytes for shape × dtype size " + std::to_string(count * dtype_size(t.dtype)));
    order.push_back(&t);
  }
  std::stable_sort(order.begin(), order.end(), [](const TensorToWrite* a, const TensorToWrite* b) {
    const std::size_t sa = dtype_size(a->dtype), sb = dtype_size(b->dtype);
    return sa != sb ? sa > sb : a->name < b->name;
  });
  const auto quoted = [](const std::string& s) {
    std::string q = "\"";
    for (const unsigned char c : s) {
      if (c == '"' || c == '\\') q += '\\', q += char(c);
      else if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        q += buf;
      } else q += char(c);
    }
    return q + "\"";
  };
  std::string json = "{";
  if (!metadata.empty()) {
    json += "\"__metadata__\":{";
    bool first = true;
    for (const auto& [k, v] : metadata) json += (first ? "" : ",") + quoted(k) + ":" + quoted(v), first = false;
    json += "}";
  }
  std::uint64_t at = 0;
  for (const auto* t : order) {
    if (json.size() > 1) json += ",";
    json += quoted(t->name) + ":{\"dtype\":\"" + dtype_name(t->dtype) + "\",\"shape\":[";
    for (std::size_t i = 0; i < t->shape.size(); ++i) json += (i ? "," : "") + std::to_string(t->shape[i]);
    json += "],\"data_offsets\":[" + std::to_string(at) + "," + std::to_string(at + t->bytes.size()) + "]}";
    at += t->bytes.size();
  }
  json += "}";
  json.append((8 - json.size() % 8) % 8, ' ');  // data starts 8-byte aligned
  out.assign(8, 0);
  const std::uint64_t n = json.size();
  for (int k = 0; k < 8; ++k) out[k] = std::uint8_t(n >> (8 * k));
  out.insert(out.end(), json.begin(), json.end());
  for (const auto* t : order) out.insert(out.end(), t->bytes.begin(), t->bytes.end());
  return Status::success();
}

}  // namespace attn::io
