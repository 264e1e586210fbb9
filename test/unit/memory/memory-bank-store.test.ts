// MemoryBank keeps its entries in one contiguous store (merges in place, evictions by copyWithin).
// These tests hold it to a straightforward model of one array per entry, byte for byte, and check
// what is new: `entries` views built on demand, stable until the next change.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBank, type Eviction, type WriteResult } from '../../../src/memory/memory-bank.js';

interface Shape {
  capacity: number;
  tokens: number;
  dim: number;
}

// The bank as it was specified: one fresh array per entry, every pair's similarity recomputed.
class ReferenceBank {
  entries: { timestep: number; tokens: Float32Array }[] = [];

  constructor(
    readonly shape: Shape,
    readonly eviction: Eviction,
  ) {}

  write(timestep: number, tokens: Float32Array): WriteResult {
    this.entries.push({ timestep, tokens: tokens.slice() });
    if (this.eviction === 'fifo') {
      const evicted = Math.max(0, this.entries.length - this.shape.capacity);
      this.entries.splice(0, evicted);
      return { merges: 0, mergedAt: [], evicted };
    }
    const mergedAt: number[] = [];
    while (this.entries.length > this.shape.capacity) {
      let best = 0;
      let bestSimilarity = -Infinity;
      for (let i = 0; i + 1 < this.entries.length; i++) {
        const s = this.#similarity(this.entries[i]!.tokens, this.entries[i + 1]!.tokens);
        if (i === 0 || s > bestSimilarity) [best, bestSimilarity] = [i, s];
      }
      const [a, b] = [this.entries[best]!, this.entries[best + 1]!];
      const merged = new Float32Array(a.tokens.length);
      for (let k = 0; k < merged.length; k++) merged[k] = 0.5 * (a.tokens[k]! + b.tokens[k]!);
      const sum = a.timestep + b.timestep;
      this.entries.splice(best, 2, { timestep: Number.isFinite(sum) ? sum / 2 : a.timestep / 2 + b.timestep / 2, tokens: merged });
      mergedAt.push(best);
    }
    return { merges: mergedAt.length, mergedAt };
  }

  #similarity(a: Float32Array, b: Float32Array): number {
    const { tokens, dim } = this.shape;
    let sum = 0;
    for (let n = 0; n < tokens; n++) {
      let [dot, aa, bb] = [0, 0, 0];
      for (let k = n * dim; k < (n + 1) * dim; k++) {
        dot += a[k]! * b[k]!;
        aa += a[k]! * a[k]!;
        bb += b[k]! * b[k]!;
      }
      if (aa > 0 && bb > 0) sum += dot / (Math.sqrt(aa) * Math.sqrt(bb));
      else if (Number.isNaN(aa) || Number.isNaN(bb)) sum = NaN;
    }
    const mean = sum / tokens;
    return Number.isFinite(mean) ? mean : -Infinity;
  }
}

const bytesOf = (a: Float32Array): number[] => [...new Uint8Array(a.buffer, a.byteOffset, a.byteLength)];
const floatsFromBits = (bits: readonly number[]): Float32Array => new Float32Array(new Uint32Array(bits).buffer);
const f32 = (...v: number[]): Float32Array => new Float32Array(v);

// What `fill` writes into a slot of S positions, from the reference's entries.
function referenceFill(ref: ReferenceBank, positions: number): { bank: number[]; times: number[]; mask: number[] } {
  const stride = ref.shape.tokens * ref.shape.dim;
  const bank = new Float32Array(positions * stride);
  const times = new Float32Array(positions);
  const mask = new Float32Array(positions);
  ref.entries.forEach((e, i) => {
    bank.set(e.tokens, i * stride);
    times[i] = e.timestep;
    mask[i] = 1;
  });
  return { bank: bytesOf(bank), times: bytesOf(times), mask: bytesOf(mask) };
}

function expectSameAs(bank: MemoryBank, ref: ReferenceBank, positions: number): void {
  expect(bank.entries.map((e) => e.timestep)).toEqual(ref.entries.map((e) => e.timestep));
  expect(bank.entries.map((e) => bytesOf(e.tokens))).toEqual(ref.entries.map((e) => bytesOf(e.tokens)));
  // Into a used slot (garbage everywhere) of a graph with more positions than the capacity.
  const stride = bank.stride;
  const data = new Float32Array(2 * positions * stride).fill(7);
  const times = new Float32Array(2 * positions).fill(7);
  const mask = new Float32Array(2 * positions).fill(7);
  bank.fill(data, times, mask, 1, positions);
  const want = referenceFill(ref, positions);
  expect(bytesOf(data.subarray(positions * stride))).toEqual(want.bank);
  expect(bytesOf(times.subarray(positions))).toEqual(want.times);
  expect(bytesOf(mask.subarray(positions))).toEqual(want.mask);
  expect(data.subarray(0, positions * stride).every((x) => x === 7)).toBe(true);
}

const shapeArb: fc.Arbitrary<Shape> = fc.record({
  capacity: fc.integer({ min: 1, max: 6 }),
  tokens: fc.integer({ min: 1, max: 3 }),
  dim: fc.integer({ min: 1, max: 4 }),
});

// Any 32-bit pattern (NaN payloads, infinities, -0), or small values that give real merges.
const valueArb = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.float({ min: -4, max: 4, noNaN: true }).map((x) => new Uint32Array(f32(x).buffer)[0]!));

describe('MemoryBank store against a one-array-per-entry model', () => {
  for (const eviction of ['merge', 'fifo'] as const) {
    it(`${eviction}: same entries, results and fill bytes after every write`, () => {
      const arb = shapeArb.chain((shape) =>
        fc.tuple(
          fc.constant(shape),
          fc.array(
            fc.record({
              dt: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e3, noNaN: true })),
              bits: fc.array(valueArb, { minLength: shape.tokens * shape.dim, maxLength: shape.tokens * shape.dim }),
              // Sometimes write back one of the bank's own entries (a view into its store).
              own: fc.option(fc.nat(), { nil: undefined }),
            }),
            { maxLength: 40 },
          ),
        ),
      );
      fc.assert(
        fc.property(arb, ([shape, writes]) => {
          const bank = new MemoryBank({ stream: 's', ...shape, eviction });
          const ref = new ReferenceBank(shape, eviction);
          let t = 0;
          for (const w of writes) {
            t += w.dt;
            const own = w.own === undefined || bank.size === 0 ? undefined : w.own % bank.size;
            const tokens = own === undefined ? floatsFromBits(w.bits) : bank.entries[own]!.tokens;
            const want = ref.write(t, tokens);
            expect(bank.write(t, tokens)).toEqual(want);
            expectSameAs(bank, ref, shape.capacity + 2);
          }
        }),
        { numRuns: 300 },
      );
    });

    it(`${eviction}: same bytes over 5,000 writes of L = 16, reset and restore included`, () => {
      const shape = { capacity: 16, tokens: 4, dim: 8 };
      const bank = new MemoryBank({ stream: 'perceptual', ...shape, eviction });
      let ref = new ReferenceBank(shape, eviction);
      let s = 12345;
      const random = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
      const tokens = new Float32Array(shape.tokens * shape.dim);
      const bits = new Uint32Array(tokens.buffer);
      for (let step = 0; step < 5_000; step++) {
        for (let k = 0; k < tokens.length; k++) tokens[k] = random() * 2 - 1;
        // A few quiet and signalling NaNs with payloads, and infinities.
        if (step % 97 === 0) bits[step % tokens.length] = 0x7fc0_1234;
        if (step % 89 === 0) bits[(step + 3) % tokens.length] = 0xff80_0001;
        if (step % 83 === 0) tokens[(step + 5) % tokens.length] = -Infinity;
        if (step === 2_000) {
          bank.reset();
          ref = new ReferenceBank(shape, eviction);
        }
        if (step === 3_000) {
          const again = new MemoryBank({ stream: 'perceptual', ...shape, eviction });
          again.restore(bank.snapshot());
          expectSameAs(again, ref, shape.capacity);
        }
        expect(bank.write(step, tokens)).toEqual(ref.write(step, tokens));
        if (step % 50 === 0 || step > 4_950) expectSameAs(bank, ref, shape.capacity);
      }
    });
  }
});

describe('MemoryBank entries views', () => {
  it('are the same array and views on every read until the next write', () => {
    const bank = new MemoryBank({ stream: 's', capacity: 2, tokens: 1, dim: 2 });
    bank.write(0, f32(1, 0));
    bank.write(1, f32(1, 1));
    const first = bank.entries;
    expect(bank.entries).toBe(first);
    expect(bank.entries[1]!.tokens).toBe(first[1]!.tokens);
    expect([...first[1]!.tokens]).toEqual([1, 1]);
    bank.fill(new Float32Array(4), new Float32Array(2), new Float32Array(2));
    bank.snapshot();
    expect(bank.entries).toBe(first);

    // Both pairs have cosine 0.707: (0, 1) merges into row 0 (first on ties) and the new entry
    // moves into row 1, which the old views see.
    bank.write(2, f32(0, 1));
    expect(bank.entries).not.toBe(first);
    expect(bank.entries.map((e) => [e.timestep, ...e.tokens])).toEqual([
      [0.5, 1, 0.5],
      [2, 0, 1],
    ]);
    expect([...first[1]!.tokens]).toEqual([0, 1]);
  });

  it('are rebuilt after reset and restore, and show only the live entries', () => {
    const bank = new MemoryBank({ stream: 's', capacity: 3, tokens: 1, dim: 1 });
    for (let t = 0; t < 3; t++) bank.write(t, f32(t + 1));
    const snapshot = bank.snapshot();
    const before = bank.entries;
    bank.reset();
    expect(bank.entries).not.toBe(before);
    expect(bank.entries).toEqual([]);
    bank.write(9, f32(5));
    // The rows past the size still hold the last episode's tokens; nothing shows them.
    expect(bank.entries.map((e) => [e.timestep, ...e.tokens])).toEqual([[9, 5]]);
    const data = new Float32Array(4).fill(7);
    const times = new Float32Array(4).fill(7);
    const mask = new Float32Array(4).fill(7);
    bank.fill(data, times, mask, 0, 4);
    expect([...data, ...times, ...mask]).toEqual([5, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0]);

    const afterWrite = bank.entries;
    bank.restore(snapshot);
    expect(bank.entries).not.toBe(afterWrite);
    expect(bank.entries.map((e) => [e.timestep, ...e.tokens])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
  });

  it('do not change when a restore fails validation', () => {
    const bank = new MemoryBank({ stream: 's', capacity: 2, tokens: 1, dim: 1 });
    bank.write(0, f32(1));
    const before = bank.entries;
    expect(() => bank.restore({ stream: 's', capacity: 2, entries: [{ timestep: 1 }] })).toThrow(/'entries\[0\]\.tokens' is missing/);
    expect(bank.entries).toBe(before);
    expect([...before[0]!.tokens]).toEqual([1]);
  });
});
