// Which characters GPT-2's byte pieces make up. GPT-2 reads UTF-8 bytes, so a Chinese character is often two or
// three tokens (他 = ⟨e4 bb⟩ + ⟨96⟩); here each token gets the text it completes (a character belongs to the token
// holding its last byte, where the model reads it) and the bytes it leaves unfinished, and each character split over
// several tokens is listed with its first and last token. Not tokenizing (the package's encodeWithOffsets does).

/** The length of the UTF-8 sequence a lead byte starts; 1 for a byte that cannot start one (read as U+FFFD). */
function sequenceLength(bytes, at) {
  const b = bytes[at];
  const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 1;
  for (let k = 1; k < n; k++) if (at + k >= bytes.length || (bytes[at + k] & 0xc0) !== 0x80) return 1;
  return n;
}

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('\u202f');

/**
 * For tokens with byte ranges [byteStart, byteEnd) over `bytes` (the UTF-8 text they were cut from, gap-free):
 * tokens[i] = { done: the characters whose last byte is in token i, tail: the hex of its bytes that only a later
 * token completes ('' when none) }, and chars = [{ text, first, last }] for each character spread over two or more
 * tokens (first and last are token indices).
 */
export function bytePieces(bytes, ranges) {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const chars = [];
  // Character boundaries: [start, end) byte ranges in text order.
  const bounds = [];
  for (let at = 0; at < bytes.length; ) {
    const n = sequenceLength(bytes, at);
    bounds.push([at, at + n]);
    at += n;
  }
  const tokenAt = (byte) => {  // the token holding a byte (ranges are sorted and gap-free)
    let lo = 0, hi = ranges.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ranges[mid].byteStart <= byte) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const done = ranges.map(() => []), tail = ranges.map(() => 0);
  for (const [start, end] of bounds) {
    const first = tokenAt(start), last = tokenAt(end - 1);
    const text = decoder.decode(bytes.subarray(start, end));
    done[last].push(text);
    if (first !== last) {
      chars.push({ text, first, last });
      tail[first] = ranges[first].byteEnd - start;  // the unfinished bytes at the end of the first token
      for (let t = first + 1; t < last; t++) tail[t] = ranges[t].byteEnd - ranges[t].byteStart;
    }
  }
  const tokens = ranges.map((r, i) => ({
    done: done[i].join(''),
    tail: tail[i] ? hex(bytes.subarray(r.byteEnd - tail[i], r.byteEnd)) : '',
  }));
  return { tokens, chars };
}
