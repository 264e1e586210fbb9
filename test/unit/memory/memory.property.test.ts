// Invariants of the memory state as properties: bank size <= L, timesteps non-decreasing,
// merging identical entries changes nothing, and snapshots round-trip byte-exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HamletWindow } from '../../../src/memory/hamlet-window.js';
import { MemoryBank } from '../../../src/memory/memory-bank.js';
import { decodeMemorySnapshot, encodeMemorySnapshot } from '../../../src/memory/snapshot.js';

interface Shape {
  capacity: number;
  tokens: number;
  dim: number;
}

const shapeArb: fc.Arbitrary<Shape> = fc.record({
  capacity: fc.integer({ min: 1, max: 6 }),
  tokens: fc.integer({ min: 1, max: 3 }),
  dim: fc.integer({ min: 1, max: 4 }),
});

// Writes for a bank of `shape`: non-negative timestep increments and token values.
function writesArb(shape: Shape, value: fc.Arbitrary<number>) {
  return fc.array(
    fc.record({
      dt: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e3, noNaN: true })),
      tokens: fc.array(value, { minLength: shape.tokens * shape.dim, maxLength: shape.tokens * shape.dim }),
    }),
    { maxLength: 30 },
  );
}

const smallFloat = fc.float({ min: -4, max: 4, noNaN: true });
// Any 32-bit pattern, NaN payloads and infinities included.
const anyBits = fc.integer({ min: 0, max: 0xffffffff });

function floatsFromBits(bits: number[]): Float32Array {
  return new Float32Array(new Uint32Array(bits).buffer);
}

function bytesOf(a: Float32Array): number[] {
  return [...new Uint8Array(a.buffer, a.byteOffset, a.byteLength)];
}

// Deterministic PRNG for the long run (mulberry32).
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('MemoryBank properties', () => {
  it('never exceeds L and keeps timesteps non-decreasing', () => {
    const arb = shapeArb.chain((shape) => fc.tuple(fc.constant(shape), writesArb(shape, smallFloat)));
    fc.assert(
      fc.property(arb, ([shape, writes]) => {
        const bank = new MemoryBank({ stream: 's', ...shape });
        let t = 0;
        let written = 0;
        for (const w of writes) {
          t += w.dt;
          const sizeBefore = bank.size;
          const result = bank.write(t, new Float32Array(w.tokens));
          written++;
          expect(bank.size).toBe(Math.min(written, shape.capacity));
          expect(result.merges).toBe(sizeBefore + 1 > shape.capacity ? 1 : 0);
          for (const at of result.mergedAt) expect(at).toBeLessThan(shape.capacity);
          const times = bank.entries.map((e) => e.timestep);
          for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1] ?? -Infinity);
          // Merged timesteps are averages of written ones, so they stay within what was written.
          expect(times[0]).toBeGreaterThanOrEqual(0);
          expect(times.at(-1)).toBeLessThanOrEqual(t);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('leaves identical entries unchanged when merging them', () => {
    const arb = shapeArb.chain((shape) =>
      fc.tuple(
        fc.constant(shape),
        fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), {
          minLength: shape.tokens * shape.dim,
          maxLength: shape.tokens * shape.dim,
        }),
        fc.integer({ min: 1, max: 20 }),
      ),
    );
    fc.assert(
      fc.property(arb, ([shape, values, count]) => {
        const tokens = new Float32Array(values);
        const bank = new MemoryBank({ stream: 's', ...shape });
        for (let i = 0; i < count; i++) bank.write(i, tokens);
        expect(bank.size).toBe(Math.min(count, shape.capacity));
        for (const e of bank.entries) expect(bytesOf(e.tokens)).toEqual(bytesOf(tokens));
      }),
      { numRuns: 200 },
    );
  });

  it('restore(snapshot(x)) re-encodes to identical bytes', () => {
    const arb = shapeArb.chain((shape) => fc.tuple(fc.constant(shape), writesArb(shape, anyBits)));
    fc.assert(
      fc.property(arb, ([shape, writes]) => {
        const bank = new MemoryBank({ stream: 'perceptual', ...shape });
        let t = -Math.PI;
        for (const w of writes) bank.write((t += w.dt), floatsFromBits(w.tokens));
        const bytes = encodeMemorySnapshot({ kind: 'memoryvla', step: writes.length, banks: [bank.snapshot()] });

        const restored = new MemoryBank({ stream: 'perceptual', ...shape });
        restored.restore(decodeMemorySnapshot(bytes).banks[0] ?? {});
        const again = encodeMemorySnapshot({ kind: 'memoryvla', step: writes.length, banks: [restored.snapshot()] });
        expect(again).toEqual(bytes);
        expect(restored.entries.map((e) => e.timestep)).toEqual(bank.entries.map((e) => e.timestep));
        restored.entries.forEach((e, i) => expect(bytesOf(e.tokens)).toEqual(bytesOf(bank.entries[i]?.tokens ?? e.tokens)));
      }),
      { numRuns: 200 },
    );
  });

  it('stays within L over 10,000 writes', () => {
    const shape = { capacity: 16, tokens: 4, dim: 8 };
    const bank = new MemoryBank({ stream: 'cognitive', ...shape });
    const random = prng(7);
    const tokens = new Float32Array(shape.tokens * shape.dim);
    let merges = 0;
    for (let step = 0; step < 10_000; step++) {
      for (let k = 0; k < tokens.length; k++) tokens[k] = random() * 2 - 1;
      merges += bank.write(step, tokens).merges;
      if (bank.size > shape.capacity) throw new Error(`size ${bank.size} > ${shape.capacity} at step ${step}`);
    }
    expect(bank.size).toBe(16);
    expect(merges).toBe(10_000 - 16);
    const times = bank.entries.map((e) => e.timestep);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBeGreaterThanOrEqual(0);
    expect(times.at(-1)).toBeLessThanOrEqual(9_999);
  });
});

describe('HamletWindow properties', () => {
  it('holds the last T pushes (first repeated at the start), and restore(snapshot(x)) re-encodes identically', () => {
    const arb = fc
      .record({ length: fc.integer({ min: 1, max: 5 }), tokens: fc.integer({ min: 1, max: 3 }), dim: fc.integer({ min: 1, max: 3 }) })
      .chain((o) =>
        fc.tuple(
          fc.constant(o),
          fc.array(fc.array(anyBits, { minLength: o.tokens * o.dim, maxLength: o.tokens * o.dim }), { maxLength: 12 }),
        ),
      );
    fc.assert(
      fc.property(arb, ([options, pushes]) => {
        const w = new HamletWindow(options);
        const steps = pushes.map(floatsFromBits);
        for (const s of steps) w.push(s);
        const snap = encodeMemorySnapshot({ kind: 'hamlet', window: w.snapshot() });
        const restored = new HamletWindow(options);
        restored.restore(decodeMemorySnapshot(snap).window ?? {});
        expect(encodeMemorySnapshot({ kind: 'hamlet', window: restored.snapshot() })).toEqual(snap);
        if (steps.length === 0) {
          expect(restored.size).toBe(0);
          return;
        }
        const first = steps[0] ?? new Float32Array(0);
        const expected = [...Array<Float32Array>(options.length).fill(first), ...steps].slice(-options.length);
        const out = new Float32Array(options.length * w.stride);
        restored.fill(out);
        expect(bytesOf(out)).toEqual(expected.flatMap(bytesOf));
      }),
      { numRuns: 200 },
    );
  });
});
