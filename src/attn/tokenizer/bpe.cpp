// Gpt2Tokenizer implementation: asset parsing and validation, hash tables, BPE merge loops, offsets, decoding.
// Not the pre-tokenizer (pretokenize.hpp) nor the UTF-8 helpers (unicode.hpp).
#include "attn/tokenizer/bpe.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>

#include "attn/tokenizer/pretokenize.hpp"
#include "attn/tokenizer/unicode.hpp"

namespace attn::tok {

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr std::size_t kHeaderSize = 32;
constexpr std::size_t kScanMaxBytes = 128;  // pieces longer than this use the heap merge loop

std::uint32_t read_u32(const unsigned char* p) {
  return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[3]) << 24);
}
std::uint32_t read_u16(const unsigned char* p) { return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8); }

std::uint64_t hash_bytes(const unsigned char* p, std::size_t n) {
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xFF51AFD7ED558CCDull);
  while (n >= 8) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    h = (h ^ v) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  std::uint64_t v = 0;  // the last 0..7 bytes (a loop, not memcpy: a variable-length memcpy is a call in wasm)
  for (std::size_t i = 0; i < n; ++i) v |= std::uint64_t(p[i]) << (8 * i);
  h = (h ^ v) * 0x94D049BB133111EBull;
  h ^= h >> 29;
  return h;
}

// memcmp(a, b, n) == 0 for the short strings of the hash tables, inlined (memcmp is an out-of-line call in wasm).
inline bool bytes_equal(const void* a, const void* b, std::size_t n) {
  const auto* x = static_cast<const unsigned char*>(a);
  const auto* y = static_cast<const unsigned char*>(b);
  for (; n >= 8; n -= 8, x += 8, y += 8) {
    std::uint64_t u, w;
    std::memcpy(&u, x, 8);
    std::memcpy(&w, y, 8);
    if (u != w) return false;
  }
  for (std::size_t i = 0; i < n; ++i)
    if (x[i] != y[i]) return false;
  return true;
}

std::size_t table_size_for(std::size_t entries) {  // power of two, load factor <= 0.5
  std::size_t s = 16;
  while (s < entries * 2) s <<= 1;
  return s;
}

// Per-thread cache of BPE results for short pieces that are not tokens themselves (natural text repeats them a lot).
// Direct-mapped by the piece's hash; entries carry the generation of the tokenizer that made them, so tokenizers
// never see each other's entries, and a const encode stays thread-safe (each thread has its own cache).
struct PieceCache {
  static constexpr std::size_t kSlots = 8192;  // 8192 * 72 bytes = 576 KiB per thread that encodes
  static constexpr std::size_t kMaxBytes = 22;
  static constexpr std::size_t kMaxTokens = 12;
  struct Entry {
    std::uint64_t hash;
    std::uint32_t generation;  // 0 = empty
    std::uint8_t len, count;
    unsigned char bytes[kMaxBytes];
    std::uint16_t ids[kMaxTokens];
    std::uint8_t starts[kMaxTokens];
  };
  Entry entries[kSlots];
};

PieceCache& piece_cache() {
  thread_local std::unique_ptr<PieceCache> cache;  // heap-allocated: only a pointer lives in each thread's TLS
  if (!cache) {
    cache = std::make_unique<PieceCache>();
    for (auto& e : cache->entries) e.generation = 0;
  }
  return *cache;
}

std::atomic<std::uint32_t> g_generation{0};

}  // namespace

struct Gpt2Tokenizer::Impl {
  std::uint32_t n_tokens = 0;
  std::string bytes;                      // all ordinary tokens' bytes, in id order
  std::vector<std::uint32_t> offset;      // n_tokens + 1 offsets into `bytes`
  std::vector<std::string> special;       // special token i has id n_tokens + i
  std::uint32_t byte_id[256] = {};        // id of each single-byte token
  std::size_t max_token_len = 0;
  // bytes -> id (open addressing, linear probing; id kNone = empty). `tag` (high hash bits) skips most mismatches
  // without touching the token bytes.
  struct TokenSlot {
    std::uint32_t id;
    std::uint32_t tag;
  };
  std::vector<TokenSlot> token_slots;
  std::size_t token_mask = 0;
  // (left id, right id) -> id of their concatenation (tiktoken's merge rank); val kNone = empty
  struct PairSlot {
    std::uint32_t key;
    std::uint32_t val;
  };
  std::vector<PairSlot> pair_slots;
  std::size_t pair_mask = 0;
  int pair_shift = 0;
  // Rank of every pair of single-byte tokens, indexed by (byte << 8 | byte): the first round of every merge loop.
  std::vector<std::uint16_t> byte_pair_rank;  // kNoRank16 = no merge
  static constexpr std::uint16_t kNoRank16 = 0xFFFF;
  BpeAlgorithm algorithm = BpeAlgorithm::automatic;
  std::uint32_t generation = 0;  // unique per successful load (piece cache key)

  std::string_view token(std::uint32_t id) const { return {bytes.data() + offset[id], offset[id + 1] - offset[id]}; }

  std::uint32_t find_token(const unsigned char* p, std::size_t n) const { return find_token(p, n, hash_bytes(p, n)); }
  std::uint32_t find_token(const unsigned char* p, std::size_t n, std::uint64_t hash) const {
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    std::size_t h = static_cast<std::size_t>(hash) & token_mask;
    for (;;) {
      const TokenSlot slot = token_slots[h];
      if (slot.id == kNone) return kNone;
      if (slot.tag == tag && offset[slot.id + 1] - offset[slot.id] == n && bytes_equal(bytes.data() + offset[slot.id], p, n))
        return slot.id;
      h = (h + 1) & token_mask;
    }
  }

  static std::uint32_t pair_key(std::uint32_t a, std::uint32_t b) { return (a << 16) | b; }
  std::size_t pair_home(std::uint32_t key) const {
    return static_cast<std::size_t>((std::uint64_t(key) * 0x9E3779B97F4A7C15ull) >> pair_shift);
  }

  std::uint32_t pair_rank(std::uint32_t a, std::uint32_t b) const {
    const std::uint32_t key = pair_key(a, b);
    std::size_t h = pair_home(key);
    for (;;) {
      const PairSlot s = pair_slots[h];
      if (s.val == kNone) return kNone;
      if (s.key == key) return s.val;
      h = (h + 1) & pair_mask;
    }
  }

  Status parse(const unsigned char* data, std::size_t size);
  void build_tables();

  // Appends the tokens of piece p[0, n) (n >= 1) to ids; if starts, also each token's byte offset (base + local).
  void encode_piece(const unsigned char* p, std::size_t n, std::uint32_t base, std::vector<std::uint32_t>& ids,
                    std::vector<std::uint32_t>* starts, std::vector<std::uint64_t>& scratch) const;
  void merge_scan(const unsigned char* p, std::size_t n, std::uint32_t base, std::vector<std::uint32_t>& ids,
                  std::vector<std::uint32_t>* starts) const;
  void merge_heap(const unsigned char* p, std::size_t n, std::uint32_t base, std::vector<std::uint32_t>& ids,
                  std::vector<std::uint32_t>* starts, std::vector<std::uint64_t>& scratch) const;
  void encode_impl(std::string_view text, SpecialTokens special, std::vector<std::uint32_t>& ids,
                   std::vector<std::uint32_t>* starts) const;
};

Status Gpt2Tokenizer::Impl::parse(const unsigned char* data, std::size_t size) {
  const auto bad = [](const std::string& what) { return Status::invalid_data("GPT-2 BPE asset: " + what); };
  if (data == nullptr && size != 0) return Status::invalid_argument("GPT-2 BPE asset: data is null but size is " + std::to_string(size));
  if (size < kHeaderSize) return bad("too short (" + std::to_string(size) + " bytes, the header alone is 32)");
  if (std::memcmp(data, "ATTNBPE1", 8) != 0) return bad("wrong magic (expected \"ATTNBPE1\")");
  const std::uint32_t version = read_u32(data + 8);
  if (version != 1) return bad("unsupported format version " + std::to_string(version) + " (expected 1)");
  const std::uint32_t nt = read_u32(data + 12), nm = read_u32(data + 16), ns = read_u32(data + 20);
  const std::uint32_t total = read_u32(data + 24), checksum = read_u32(data + 28);
  if (nt < 256 || nt > 65535) return bad("n_tokens " + std::to_string(nt) + " is outside [256, 65535]");
  if (nm != nt - 256) return bad("n_merges " + std::to_string(nm) + " != n_tokens - 256 = " + std::to_string(nt - 256));
  if (ns > 1024) return bad("n_special " + std::to_string(ns) + " is implausible");
  std::uint32_t h = 0x811C9DC5u;
  for (std::size_t i = kHeaderSize; i < size; ++i) h = (h ^ data[i]) * 0x01000193u;
  if (h != checksum) return bad("checksum mismatch (file corrupt or truncated)");

  std::size_t pos = kHeaderSize;
  const auto need = [&](std::size_t k) { return size - pos >= k; };
  if (!need(std::size_t(nt) + total)) return bad("truncated token table");
  const unsigned char* lens = data + pos;
  pos += nt;
  offset.assign(std::size_t(nt) + 1, 0);
  std::uint64_t sum = 0;
  for (std::uint32_t i = 0; i < nt; ++i) {
    if (lens[i] == 0) return bad("token " + std::to_string(i) + " has length 0");
    offset[i] = static_cast<std::uint32_t>(sum);
    sum += lens[i];
    max_token_len = std::max<std::size_t>(max_token_len, lens[i]);
  }
  if (sum != total) return bad("token lengths add up to " + std::to_string(sum) + ", header says " + std::to_string(total));
  offset[nt] = total;
  bytes.assign(reinterpret_cast<const char*>(data + pos), total);
  pos += total;
  n_tokens = nt;

  if (!need(std::size_t(nm) * 4)) return bad("truncated merge table");
  const unsigned char* merges = data + pos;
  pos += std::size_t(nm) * 4;

  for (std::uint32_t i = 0; i < ns; ++i) {
    if (!need(5)) return bad("truncated special token " + std::to_string(i));
    const std::uint32_t id = read_u32(data + pos);
    const std::size_t len = data[pos + 4];
    pos += 5;
    if (id != nt + i) return bad("special token " + std::to_string(i) + " has id " + std::to_string(id) + ", expected " + std::to_string(nt + i));
    if (len == 0 || !need(len)) return bad("special token " + std::to_string(i) + " has a bad length");
    special.emplace_back(reinterpret_cast<const char*>(data + pos), len);
    pos += len;
  }
  if (pos != size) return bad(std::to_string(size - pos) + " unexpected trailing bytes");

  // Single bytes: each of the 256 byte values must be exactly one token (byte-level BPE can then encode anything).
  bool have[256] = {};
  for (std::uint32_t id = 0; id < nt; ++id) {
    if (offset[id + 1] - offset[id] != 1) continue;
    const unsigned char b = static_cast<unsigned char>(bytes[offset[id]]);
    if (have[b]) return bad("byte " + std::to_string(b) + " is two tokens");
    have[b] = true;
    byte_id[b] = id;
  }
  for (int b = 0; b < 256; ++b)
    if (!have[b]) return bad("no token for byte " + std::to_string(b));

  // Token map (also detects duplicates).
  token_slots.assign(table_size_for(nt), TokenSlot{kNone, 0});
  token_mask = token_slots.size() - 1;
  for (std::uint32_t id = 0; id < nt; ++id) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + offset[id]);
    const std::size_t n = offset[id + 1] - offset[id];
    const std::uint64_t hash = hash_bytes(p, n);
    std::size_t slot = static_cast<std::size_t>(hash) & token_mask;
    while (token_slots[slot].id != kNone) {
      const std::uint32_t other = token_slots[slot].id;
      if (offset[other + 1] - offset[other] == n && std::memcmp(bytes.data() + offset[other], p, n) == 0)
        return bad("tokens " + std::to_string(other) + " and " + std::to_string(id) + " have the same bytes");
      slot = (slot + 1) & token_mask;
    }
    token_slots[slot] = TokenSlot{id, static_cast<std::uint32_t>(hash >> 32)};
  }

  // Merges: merge r joins (left, right) into token 256 + r.
  for (std::uint32_t r = 0; r < nm; ++r) {
    const std::uint32_t a = read_u16(merges + 4 * r), b = read_u16(merges + 4 * r + 2), made = 256 + r;
    if (a >= nt || b >= nt) return bad("merge " + std::to_string(r) + " refers to a token id >= n_tokens");
    const std::string_view ta = token(a), tb = token(b), tm = token(made);
    if (tm.size() != ta.size() + tb.size() || tm.substr(0, ta.size()) != ta || tm.substr(ta.size()) != tb)
      return bad("merge " + std::to_string(r) + " (" + std::to_string(a) + ", " + std::to_string(b) + ") does not make token " + std::to_string(made));
  }
  build_tables();
  return Status::success();
}

void Gpt2Tokenizer::Impl::build_tables() {
  // Pair ranks by tiktoken's rule: every split of a token into two tokens is a pair whose rank is that token's id.
  std::size_t count = 0;
  std::vector<PairSlot> pairs;
  pairs.reserve(n_tokens * 3);
  for (std::uint32_t id = 0; id < n_tokens; ++id) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + offset[id]);
    const std::size_t n = offset[id + 1] - offset[id];
    for (std::size_t k = 1; k < n; ++k) {
      const std::uint32_t a = find_token(p, k);
      if (a == kNone) continue;
      const std::uint32_t b = find_token(p + k, n - k);
      if (b == kNone) continue;
      pairs.push_back({pair_key(a, b), id});
    }
  }
  count = pairs.size();
  const std::size_t slots = table_size_for(count);
  pair_slots.assign(slots, PairSlot{0, kNone});
  pair_mask = slots - 1;
  int bits = 0;
  while ((std::size_t(1) << bits) < slots) ++bits;
  pair_shift = 64 - bits;
  for (const PairSlot& ps : pairs) {
    std::size_t h = pair_home(ps.key);
    while (pair_slots[h].val != kNone) h = (h + 1) & pair_mask;  // keys are unique: a pair concatenates to one string
    pair_slots[h] = ps;
  }
  byte_pair_rank.assign(65536, kNoRank16);
  for (unsigned a = 0; a < 256; ++a)
    for (unsigned b = 0; b < 256; ++b) {
      const std::uint32_t r = pair_rank(byte_id[a], byte_id[b]);
      if (r != kNone) byte_pair_rank[(a << 8) | b] = static_cast<std::uint16_t>(r);
    }
}

void Gpt2Tokenizer::Impl::merge_scan(const unsigned char* p, std::size_t n, std::uint32_t base,
                                     std::vector<std::uint32_t>& ids, std::vector<std::uint32_t>* starts) const {
  // Parts k = 0..m-1: token id[k] covering bytes [st[k], st[k+1]); rk[k] = rank of joining parts k and k+1.
  std::uint32_t id[kScanMaxBytes], rk[kScanMaxBytes], st[kScanMaxBytes + 1];
  std::size_t m = n;
  for (std::size_t k = 0; k < n; ++k) {
    id[k] = byte_id[p[k]];
    st[k] = static_cast<std::uint32_t>(k);
  }
  st[n] = static_cast<std::uint32_t>(n);
  for (std::size_t k = 0; k + 1 < n; ++k) {
    const std::uint16_t r = byte_pair_rank[(unsigned(p[k]) << 8) | p[k + 1]];
    rk[k] = r == kNoRank16 ? kNone : r;
  }
  rk[n - 1] = kNone;
  while (m > 1) {
    std::uint32_t best = kNone;
    std::size_t at = 0;
    for (std::size_t k = 0; k + 1 < m; ++k) {
      if (rk[k] < best) {
        best = rk[k];
        at = k;
      }
    }
    if (best == kNone) break;
    id[at] = best;
    // Remove part at+1 (short arrays: a plain loop beats a memmove call).
    for (std::size_t k = at + 1; k + 1 < m; ++k) {
      id[k] = id[k + 1];
      rk[k] = rk[k + 1];
      st[k] = st[k + 1];
    }
    st[m - 1] = st[m];
    --m;
    rk[at] = at + 1 < m ? pair_rank(id[at], id[at + 1]) : kNone;
    if (at > 0) rk[at - 1] = pair_rank(id[at - 1], id[at]);
  }
  for (std::size_t k = 0; k < m; ++k) {
    ids.push_back(id[k]);
    if (starts) starts->push_back(base + st[k]);
  }
}

void Gpt2Tokenizer::Impl::merge_heap(const unsigned char* p, std::size_t n, std::uint32_t base,
                                     std::vector<std::uint32_t>& ids, std::vector<std::uint32_t>* starts,
                                     std::vector<std::uint64_t>& heap) const {
  // Parts are named by their first byte: part s covers [s, nxt[s]); prv links back; id[s] is its token.
  // Heap entries (rank << 32 | s) propose joining part s with its right neighbour. An entry is current iff part s is
  // alive and its right neighbour ends at s + length(token rank): parts only grow, so any change breaks that.
  std::vector<std::uint32_t> nxt(n), prv(n), id(n);
  std::vector<unsigned char> alive(n, 1);
  heap.clear();
  const auto push = [&](std::uint32_t s) {
    const std::uint32_t r = nxt[s];
    if (r >= n) return;
    const std::uint32_t rank = pair_rank(id[s], id[r]);
    if (rank == kNone) return;
    heap.push_back((std::uint64_t(rank) << 32) | s);
    std::push_heap(heap.begin(), heap.end(), std::greater<std::uint64_t>());
  };
  for (std::size_t k = 0; k < n; ++k) {
    nxt[k] = static_cast<std::uint32_t>(k + 1);
    prv[k] = static_cast<std::uint32_t>(k) - 1;  // wraps for k = 0; never read for the first part
    id[k] = byte_id[p[k]];
  }
  for (std::uint32_t k = 0; k + 1 < n; ++k) push(k);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<std::uint64_t>());
    const std::uint64_t e = heap.back();
    heap.pop_back();
    const auto rank = static_cast<std::uint32_t>(e >> 32);
    const auto s = static_cast<std::uint32_t>(e & 0xFFFFFFFFu);
    if (!alive[s]) continue;
    const std::uint32_t r = nxt[s];
    if (r >= n) continue;
    const std::uint32_t r_end = nxt[r];
    if (r_end - s != offset[rank + 1] - offset[rank]) continue;  // stale
    id[s] = rank;
    alive[r] = 0;
    nxt[s] = r_end;
    if (r_end < n) prv[r_end] = s;
    if (s > 0) push(prv[s]);
    push(s);
  }
  for (std::uint32_t s = 0; s < n; s = nxt[s]) {
    ids.push_back(id[s]);
    if (starts) starts->push_back(base + s);
  }
}

void Gpt2Tokenizer::Impl::encode_piece(const unsigned char* p, std::size_t n, std::uint32_t base,
                                       std::vector<std::uint32_t>& ids, std::vector<std::uint32_t>* starts,
                                       std::vector<std::uint64_t>& scratch) const {
  if (n == 1) {
    ids.push_back(byte_id[p[0]]);
    if (starts) starts->push_back(base);
    return;
  }
  std::uint64_t hash = 0;
  if (n <= max_token_len) {
    hash = hash_bytes(p, n);
    const std::uint32_t whole = find_token(p, n, hash);
    if (whole != kNone) {
      ids.push_back(whole);
      if (starts) starts->push_back(base);
      return;
    }
  }
  PieceCache::Entry* entry = nullptr;
  if (n <= PieceCache::kMaxBytes && algorithm == BpeAlgorithm::automatic) {
    entry = &piece_cache().entries[(hash >> 20) & (PieceCache::kSlots - 1)];
    if (entry->generation == generation && entry->hash == hash && entry->len == n && bytes_equal(entry->bytes, p, n)) {
      for (std::size_t k = 0; k < entry->count; ++k) {
        ids.push_back(entry->ids[k]);
        if (starts) starts->push_back(base + entry->starts[k]);
      }
      return;
    }
  }
  const std::size_t first = ids.size();
  const bool scan = algorithm == BpeAlgorithm::scan || (algorithm == BpeAlgorithm::automatic && n <= kScanMaxBytes);
  if (scan && n <= kScanMaxBytes)
    merge_scan(p, n, base, ids, starts);
  else
    merge_heap(p, n, base, ids, starts, scratch);
  if (entry && ids.size() - first <= PieceCache::kMaxTokens) {
    entry->generation = generation;
    entry->hash = hash;
    entry->len = static_cast<std::uint8_t>(n);
    entry->count = static_cast<std::uint8_t>(ids.size() - first);
    std::memcpy(entry->bytes, p, n);
    std::uint32_t local = 0;  // token starts relative to the piece, from the token lengths
    for (std::size_t k = 0; k < entry->count; ++k) {
      const std::uint32_t id = ids[first + k];
      entry->ids[k] = static_cast<std::uint16_t>(id);
      entry->starts[k] = static_cast<std::uint8_t>(local);
      local += offset[id + 1] - offset[id];
    }
  }
}

void Gpt2Tokenizer::Impl::encode_impl(std::string_view text, SpecialTokens special_mode, std::vector<std::uint32_t>& ids,
                                      std::vector<std::uint32_t>* starts) const {
  if (n_tokens == 0) return;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  std::vector<std::uint64_t> scratch;
  const auto encode_segment = [&](std::size_t from, std::size_t to) {
    pretokenize_gpt2(s + from, to - from, [&](std::size_t b, std::size_t e) {
      encode_piece(s + from + b, e - b, static_cast<std::uint32_t>(from + b), ids, starts, scratch);
    });
  };
  std::size_t pos = 0;
  if (special_mode == SpecialTokens::allow && !special.empty()) {
    for (;;) {
      std::size_t best = std::string_view::npos, which = 0;
      for (std::size_t i = 0; i < special.size(); ++i) {
        const std::size_t at = text.find(special[i], pos);
        if (at < best) {
          best = at;
          which = i;
        }
      }
      if (best == std::string_view::npos) break;
      encode_segment(pos, best);
      ids.push_back(n_tokens + static_cast<std::uint32_t>(which));
      if (starts) starts->push_back(static_cast<std::uint32_t>(best));
      pos = best + special[which].size();
    }
  }
  encode_segment(pos, text.size());
}

// ---- public API ----------------------------------------------------------------------------------------------

Gpt2Tokenizer::Gpt2Tokenizer() : impl_(std::make_unique<Impl>()) {}
Gpt2Tokenizer::~Gpt2Tokenizer() = default;
Gpt2Tokenizer::Gpt2Tokenizer(Gpt2Tokenizer&&) noexcept = default;
Gpt2Tokenizer& Gpt2Tokenizer::operator=(Gpt2Tokenizer&&) noexcept = default;

Status Gpt2Tokenizer::load(const void* data, std::size_t size) {
  auto fresh = std::make_unique<Impl>();
  if (impl_) fresh->algorithm = impl_->algorithm;
  Status st = fresh->parse(static_cast<const unsigned char*>(data), size);
  fresh->generation = ++g_generation;
  if (fresh->generation == 0) fresh->generation = ++g_generation;  // 0 marks empty cache entries
  if (!st.ok()) {
    const BpeAlgorithm a = fresh->algorithm;
    impl_ = std::make_unique<Impl>();
    impl_->algorithm = a;
    return st;
  }
  impl_ = std::move(fresh);
  return st;
}

Status Gpt2Tokenizer::load_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::invalid_argument("GPT-2 BPE asset: cannot open \"" + path + "\"");
  std::string data;
  char buf[1 << 16];
  std::size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, got);
  const bool err = std::ferror(f) != 0;
  std::fclose(f);
  if (err) return Status::invalid_argument("GPT-2 BPE asset: error reading \"" + path + "\"");
  Status st = load(data.data(), data.size());
  if (!st.ok()) st.message += " (file \"" + path + "\")";
  return st;
}

bool Gpt2Tokenizer::loaded() const { return impl_ && impl_->n_tokens != 0; }
std::size_t Gpt2Tokenizer::vocab_size() const { return loaded() ? impl_->n_tokens + impl_->special.size() : 0; }
std::size_t Gpt2Tokenizer::ordinary_vocab_size() const { return loaded() ? impl_->n_tokens : 0; }

std::int64_t Gpt2Tokenizer::special_token_id(std::string_view text) const {
  if (!loaded()) return -1;
  for (std::size_t i = 0; i < impl_->special.size(); ++i)
    if (impl_->special[i] == text) return std::int64_t(impl_->n_tokens) + std::int64_t(i);
  return -1;
}

void Gpt2Tokenizer::set_bpe_algorithm(BpeAlgorithm a) { impl_->algorithm = a; }

void Gpt2Tokenizer::encode(std::string_view text, SpecialTokens special, std::vector<std::uint32_t>& out) const {
  impl_->encode_impl(text, special, out, nullptr);
}

std::vector<std::uint32_t> Gpt2Tokenizer::encode(std::string_view text, SpecialTokens special) const {
  std::vector<std::uint32_t> out;
  out.reserve(text.size() / 4 + 8);
  impl_->encode_impl(text, special, out, nullptr);
  return out;
}

Status Gpt2Tokenizer::encode_with_offsets(std::string_view text, SpecialTokens special, Encoding& out) const {
  out.ids.clear();
  out.spans.clear();
  if (text.size() >= std::numeric_limits<std::uint32_t>::max())
    return Status::invalid_argument("encode_with_offsets: text has " + std::to_string(text.size()) + " bytes; offsets are 32-bit");
  std::vector<std::uint32_t> starts;
  out.ids.reserve(text.size() / 4 + 8);
  starts.reserve(text.size() / 4 + 8);
  impl_->encode_impl(text, special, out.ids, &starts);
  const std::size_t m = out.ids.size();
  out.spans.resize(m);
  // u16(b): UTF-16 offset of the first character boundary at or after byte b (starts are non-decreasing).
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t pos = 0;
  std::uint32_t units = 0;
  for (std::size_t i = 0; i < m; ++i) {
    const std::uint32_t b = starts[i];
    while (pos < b) {
      if (s[pos] < 0x80) {
        ++pos;
        ++units;
        continue;
      }
      const Utf8Char c = decode_utf8(s, n, pos);
      pos += c.len;
      units += c.cp >= 0x10000 ? 2 : 1;
    }
    out.spans[i].byte_start = b;
    out.spans[i].utf16_start = units;
    if (i > 0) {
      out.spans[i - 1].byte_end = b;
      out.spans[i - 1].utf16_end = units;
    }
  }
  if (m > 0) {
    out.spans[m - 1].byte_end = static_cast<std::uint32_t>(n);
    out.spans[m - 1].utf16_end = units + static_cast<std::uint32_t>(utf16_length(text.substr(pos)));
  }
  return Status::success();
}

Status Gpt2Tokenizer::decode_bytes(const std::uint32_t* ids, std::size_t n, std::string& out) const {
  out.clear();
  const Impl& im = *impl_;
  const std::size_t vocab = vocab_size();
  if (ids == nullptr && n != 0) return Status::invalid_argument("decode: ids is null but n is " + std::to_string(n));
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t id = ids[i];
    if (id >= vocab) {
      out.clear();
      return Status::out_of_range("decode: token id " + std::to_string(id) + " at index " + std::to_string(i) +
                                  " is out of range (valid ids: 0.." + std::to_string(vocab) + " exclusive" +
                                  (vocab == 0 ? "; tokenizer not loaded)" : ")"));
    }
    if (id < im.n_tokens)
      out.append(im.token(id));
    else
      out.append(im.special[id - im.n_tokens]);
  }
  return Status::success();
}

Status Gpt2Tokenizer::decode(const std::uint32_t* ids, std::size_t n, std::string& out) const {
  std::string raw;
  Status st = decode_bytes(ids, n, raw);
  out.clear();
  if (!st.ok()) return st;
  if (is_valid_utf8(raw)) {
    out = std::move(raw);
  } else {
    out.reserve(raw.size() + 8);
    append_utf8_replacing_invalid(out, raw);
  }
  return st;
}

Status Gpt2Tokenizer::token_bytes(std::uint32_t id, std::string_view& out) const {
  out = {};
  if (id >= vocab_size())
    return Status::out_of_range("token id " + std::to_string(id) + " is out of range (valid ids: 0.." + std::to_string(vocab_size()) + " exclusive)");
  out = id < impl_->n_tokens ? impl_->token(id) : std::string_view(impl_->special[id - impl_->n_tokens]);
  return Status::success();
}

Status Gpt2Tokenizer::token_text(std::uint32_t id, std::string& out) const {
  out.clear();
  std::string_view b;
  Status st = token_bytes(id, b);
  if (st.ok()) append_utf8_replacing_invalid(out, b);
  return st;
}

}  // namespace attn::tok
