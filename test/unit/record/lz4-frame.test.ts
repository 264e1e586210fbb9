import { loadDecompressHandlers } from '@mcap/support';
import { describe, expect, it } from 'vitest';
import { compressLz4Frame, xxh32Short } from '../../../src/record/lz4-frame.js';

describe('compressLz4Frame', () => {
  it('hashes like the reference xxHash32', () => {
    expect(xxh32Short(new Uint8Array(0))).toBe(0x02cc5d05);
    expect(() => xxh32Short(new Uint8Array(16))).toThrow(RangeError);
  });

  it.each([
    ['empty', new Uint8Array(0)],
    ['tiny', Uint8Array.of(1, 2, 3)],
    ['runs', new Uint8Array(70_000).map((_, i) => (i >> 5) & 0xff)],
    ['noise', new Uint8Array(50_000).map((_, i) => Math.imul(i, 2654435761) >>> 24)],
    ['multi-block', new Uint8Array(4 * 1024 * 1024 + 123).map((_, i) => i % 97)],
  ])('round-trips %s through the lz4 decompressor MCAP readers use', async (_name, data) => {
    const handlers = await loadDecompressHandlers();
    const frame = compressLz4Frame(data);
    const back = handlers.lz4?.(frame, BigInt(data.length));
    expect(back && Buffer.from(back).equals(Buffer.from(data))).toBe(true);
  });

  it('compresses repetitive data', () => {
    const data = new Uint8Array(100_000).map((_, i) => i % 64);
    expect(compressLz4Frame(data).length).toBeLessThan(data.length / 20);
  });
});
