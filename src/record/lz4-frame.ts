// A small LZ4 *frame* compressor for MCAP chunks (compression "lz4"). The npm LZ4 packages here
// only decompress (@foxglove/wasm-lz4) or need a native build; greedy single-probe matching is
// enough for recordings, and any LZ4 frame decoder (lz4 CLI, @mcap/support) reads the output.

const MAGIC = 0x184d2204;
const MIN_MATCH = 4;
// Format rules: the last 5 bytes of a block are literals, and no match starts within the last 12.
const LAST_LITERALS = 5;
const MATCH_FIND_LIMIT = 12;
const MAX_OFFSET = 0xffff;
const HASH_BITS = 16;
// 4 MiB blocks: the largest the frame format allows, so typical chunks are a single block.
const BLOCK_MAX = 4 * 1024 * 1024;
const BD_4MB = 7 << 4;
// Version 01, independent blocks, no checksums, no content size, no dictionary.
const FLG = (1 << 6) | (1 << 5);

const PRIME32_1 = 2654435761;
const PRIME32_2 = 2246822519;
const PRIME32_3 = 3266489917;
const PRIME32_4 = 668265263;
const PRIME32_5 = 374761393;

const rotl32 = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;

/** xxHash32 of fewer than 16 bytes (all the frame header checksum needs). */
export function xxh32Short(bytes: Uint8Array, seed = 0): number {
  if (bytes.length >= 16) throw new RangeError(`xxh32Short: input of ${bytes.length} bytes, expected < 16`);
  let h = (seed + PRIME32_5 + bytes.length) >>> 0;
  let i = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (; i + 4 <= bytes.length; i += 4) {
    h = (h + Math.imul(view.getUint32(i, true), PRIME32_3)) >>> 0;
    h = Math.imul(rotl32(h, 17), PRIME32_4) >>> 0;
  }
  for (; i < bytes.length; i++) {
    h = (h + Math.imul(bytes[i] ?? 0, PRIME32_5)) >>> 0;
    h = Math.imul(rotl32(h, 11), PRIME32_1) >>> 0;
  }
  h ^= h >>> 15;
  h = Math.imul(h, PRIME32_2) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, PRIME32_3) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

const read32 = (src: Uint8Array, i: number): number =>
  ((src[i] ?? 0) | ((src[i + 1] ?? 0) << 8) | ((src[i + 2] ?? 0) << 16) | ((src[i + 3] ?? 0) << 24)) >>> 0;

class ByteSink {
  buf: Uint8Array;
  pos = 0;
  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
  }
  byte(b: number): void {
    this.buf[this.pos++] = b;
  }
  bytes(src: Uint8Array, start: number, end: number): void {
    this.buf.set(src.subarray(start, end), this.pos);
    this.pos += end - start;
  }
  /** LZ4's length continuation: 255-bytes then the remainder. */
  length(rest: number): void {
    for (; rest >= 255; rest -= 255) this.byte(255);
    this.byte(rest);
  }
}

function emitSequence(out: ByteSink, src: Uint8Array, anchor: number, ip: number, offset: number, matchLen: number): void {
  const literals = ip - anchor;
  const m = matchLen - MIN_MATCH;
  out.byte((Math.min(literals, 15) << 4) | Math.min(m, 15));
  if (literals >= 15) out.length(literals - 15);
  out.bytes(src, anchor, ip);
  out.byte(offset & 0xff);
  out.byte(offset >>> 8);
  if (m >= 15) out.length(m - 15);
}

/** One LZ4 block (raw format, no header). */
export function compressBlock(src: Uint8Array): Uint8Array {
  const n = src.length;
  const out = new ByteSink(n + Math.ceil(n / 255) + 16);
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  let anchor = 0;
  let ip = 0;
  const matchLimit = n - MATCH_FIND_LIMIT;
  while (ip < matchLimit) {
    const seq = read32(src, ip);
    const h = Math.imul(seq, PRIME32_1) >>> (32 - HASH_BITS);
    const ref = table[h] ?? -1;
    table[h] = ip;
    if (ref >= 0 && ip - ref <= MAX_OFFSET && read32(src, ref) === seq) {
      let len = MIN_MATCH;
      while (ip + len < n - LAST_LITERALS && src[ref + len] === src[ip + len]) len++;
      emitSequence(out, src, anchor, ip, ip - ref, len);
      ip += len;
      anchor = ip;
    } else {
      // Skip faster through data that does not compress (the reference encoder's acceleration).
      ip += 1 + ((ip - anchor) >>> 6);
    }
  }
  const literals = n - anchor;
  out.byte(Math.min(literals, 15) << 4);
  if (literals >= 15) out.length(literals - 15);
  out.bytes(src, anchor, n);
  return out.buf.subarray(0, out.pos);
}

/** An LZ4 frame (magic, descriptor, blocks, end mark), as MCAP's "lz4" compression expects. */
export function compressLz4Frame(src: Uint8Array): Uint8Array {
  const blocks: Uint8Array[] = [];
  let total = 7 + 4;
  for (let start = 0; start < src.length; start += BLOCK_MAX) {
    const raw = src.subarray(start, Math.min(src.length, start + BLOCK_MAX));
    const packed = compressBlock(raw);
    const stored = packed.length < raw.length;
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, stored ? packed.length : (raw.length | 0x80000000) >>> 0, true);
    blocks.push(header, stored ? packed : raw);
    total += 4 + (stored ? packed.length : raw.length);
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  out[4] = FLG;
  out[5] = BD_4MB;
  out[6] = (xxh32Short(out.subarray(4, 6)) >>> 8) & 0xff;
  let pos = 7;
  for (const block of blocks) {
    out.set(block, pos);
    pos += block.length;
  }
  view.setUint32(pos, 0, true);
  return out;
}
