// MemoryBank: consolidation cases computed by hand, fill layout, ownership of tensors, errors.
import { describe, expect, it } from 'vitest';
import { MemoryBank } from '../../../src/memory/memory-bank.js';

const f32 = (...values: number[]): Float32Array => new Float32Array(values);

function entries(bank: MemoryBank): { timestep: number; tokens: number[] }[] {
  return bank.entries.map((e) => ({ timestep: e.timestep, tokens: [...e.tokens] }));
}

describe('MemoryBank consolidation', () => {
  it('keeps entries without merging up to capacity', () => {
    const bank = new MemoryBank({ stream: 'cognitive', capacity: 2, tokens: 1, dim: 2 });
    expect(bank.write(0, f32(1, 0))).toEqual({ merges: 0, mergedAt: [] });
    expect(bank.write(1, f32(0, 1))).toEqual({ merges: 0, mergedAt: [] });
    expect(bank.size).toBe(2);
  });

  it('merges the most similar adjacent pair into its average', () => {
    // cos(e0, e1) = 0, cos(e1, e2) = 1: pair (1, 2) merges into ([0, 1.5], t = (1 + 2) / 2).
    const bank = new MemoryBank({ stream: 'cognitive', capacity: 2, tokens: 1, dim: 2 });
    bank.write(0, f32(1, 0));
    bank.write(1, f32(0, 1));
    expect(bank.write(2, f32(0, 2))).toEqual({ merges: 1, mergedAt: [1] });
    expect(entries(bank)).toEqual([
      { timestep: 0, tokens: [1, 0] },
      { timestep: 1.5, tokens: [0, 1.5] },
    ]);
  });

  it('averages the cosine over the N tokens of an entry', () => {
    // N = 2, d = 2.
    // (e0, e1): token 0 cos([1,0],[1,0]) = 1, token 1 cos([0,1],[1,0]) = 0   -> mean 0.5
    // (e1, e2): token 0 cos([1,0],[1,1]) = 1/sqrt(2), token 1 cos([1,0],[1,0]) = 1 -> mean 0.854
    const bank = new MemoryBank({ stream: 'perceptual', capacity: 2, tokens: 2, dim: 2 });
    bank.write(10, f32(1, 0, 0, 1));
    bank.write(20, f32(1, 0, 1, 0));
    expect(bank.write(40, f32(1, 1, 1, 0))).toEqual({ merges: 1, mergedAt: [1] });
    expect(entries(bank)).toEqual([
      { timestep: 10, tokens: [1, 0, 0, 1] },
      { timestep: 30, tokens: [1, 0.5, 1, 0] },
    ]);
  });

  it('merges the first pair on ties', () => {
    // Identical directions everywhere: both pairs have cosine 1, so pair (0, 1) merges.
    const bank = new MemoryBank({ stream: 's', capacity: 2, tokens: 1, dim: 2 });
    bank.write(0, f32(1, 0));
    bank.write(2, f32(3, 0));
    expect(bank.write(4, f32(2, 0))).toEqual({ merges: 1, mergedAt: [0] });
    expect(entries(bank)).toEqual([
      { timestep: 1, tokens: [2, 0] },
      { timestep: 4, tokens: [2, 0] },
    ]);
  });

  it('gives a zero vector cosine 0, above an opposite pair', () => {
    // (e0, e1) = cos([1,0],[-1,0]) = -1; (e1, e2) involves a zero vector: 0. Pair (1, 2) merges.
    const bank = new MemoryBank({ stream: 's', capacity: 2, tokens: 1, dim: 2 });
    bank.write(0, f32(1, 0));
    bank.write(1, f32(-1, 0));
    expect(bank.write(2, f32(0, 0))).toEqual({ merges: 1, mergedAt: [1] });
    expect(entries(bank)).toEqual([
      { timestep: 0, tokens: [1, 0] },
      { timestep: 1.5, tokens: [-0.5, 0] },
    ]);
  });

  it('treats two zero vectors as cosine 0 (a tie with another 0 pair goes to the first)', () => {
    const bank = new MemoryBank({ stream: 's', capacity: 3, tokens: 1, dim: 2 });
    bank.write(0, f32(0, 0));
    bank.write(1, f32(0, 0));
    bank.write(2, f32(1, 0));
    // (0,1) = 0 (both zero, no NaN), (1,2) = 0 (one zero), (2,3) = cos([1,0],[-1,0]) = -1:
    // a tie at 0 between the first two pairs, so pair (0, 1) merges.
    expect(bank.write(3, f32(-1, 0))).toEqual({ merges: 1, mergedAt: [0] });
    expect(entries(bank)).toEqual([
      { timestep: 0.5, tokens: [0, 0] },
      { timestep: 2, tokens: [1, 0] },
      { timestep: 3, tokens: [-1, 0] },
    ]);
  });

  it('updates neighbouring similarities after a merge', () => {
    // L = 3. After the first merge the merged entry must be compared with its new neighbours.
    const bank = new MemoryBank({ stream: 's', capacity: 3, tokens: 1, dim: 2 });
    bank.write(0, f32(1, 0));
    bank.write(1, f32(0, 1));
    bank.write(2, f32(0, 1));
    // (0,1)=0, (1,2)=1, (2,3)=cos([0,1],[1,1])=0.707 -> merge at 1: [0,1] t=1.5.
    expect(bank.write(3, f32(1, 1)).mergedAt).toEqual([1]);
    // Now [1,0] | [0,1] | [1,1]; write [1,0]: (0,1)=0, (1,2)=0.707, (2,3)=0.707 -> tie -> 1.
    expect(bank.write(5, f32(1, 0)).mergedAt).toEqual([1]);
    expect(entries(bank)).toEqual([
      { timestep: 0, tokens: [1, 0] },
      { timestep: 2.25, tokens: [0.5, 1] },
      { timestep: 5, tokens: [1, 0] },
    ]);
  });
});

describe('MemoryBank.fill', () => {
  it('writes entries at their positions of one batch slot, zeros and mask 0 elsewhere', () => {
    const bank = new MemoryBank({ stream: 's', capacity: 3, tokens: 1, dim: 2 });
    bank.write(4, f32(1, 2));
    bank.write(7, f32(3, 4));
    const B = 2;
    const data = new Float32Array(B * 3 * 2).fill(9);
    const times = new Float32Array(B * 3).fill(9);
    const mask = new Float32Array(B * 3).fill(9);
    bank.fill(data, times, mask, 1);
    expect([...data]).toEqual([9, 9, 9, 9, 9, 9, 1, 2, 3, 4, 0, 0]);
    expect([...times]).toEqual([9, 9, 9, 4, 7, 0]);
    expect([...mask]).toEqual([9, 9, 9, 1, 1, 0]);
  });

  it('rejects a slot that does not fit the inputs', () => {
    const bank = new MemoryBank({ stream: 's', capacity: 2, tokens: 1, dim: 1 });
    const ok = () => new Float32Array(2);
    expect(() => bank.fill(ok(), ok(), ok(), 1)).toThrow(/'bank' needs at least 4.*got 2/);
    expect(() => bank.fill(new Float32Array(4), ok(), ok(), 1)).toThrow(/'times'/);
    expect(() => bank.fill(ok(), ok(), ok(), -1)).toThrow(/'slot'.*-1/);
  });
});

describe('MemoryBank ownership', () => {
  it('copies written tokens and drops merged ones', () => {
    const bank = new MemoryBank({ stream: 's', capacity: 2, tokens: 1, dim: 2 });
    const t0 = f32(1, 0);
    bank.write(0, t0);
    t0[0] = 42;
    expect(bank.entries[0]?.tokens[0]).toBe(1);
    bank.write(1, f32(1, 0));
    const before = bank.entries.map((e) => e.tokens);
    bank.write(2, f32(0, 1));
    expect(bank.entries.some((e) => e.tokens === before[0] || e.tokens === before[1])).toBe(false);
  });

  it('empties on reset', () => {
    const bank = new MemoryBank({ stream: 's', capacity: 2, tokens: 1, dim: 1 });
    bank.write(5, f32(1));
    bank.reset();
    expect(bank.size).toBe(0);
    expect(bank.write(0, f32(1))).toEqual({ merges: 0, mergedAt: [] });
  });
});

describe('MemoryBank errors', () => {
  it('rejects bad options naming the field and value', () => {
    expect(() => new MemoryBank({ stream: '', capacity: 2, tokens: 1, dim: 1 })).toThrow(TypeError);
    expect(() => new MemoryBank({ stream: 's', capacity: 0, tokens: 1, dim: 1 })).toThrow(/'capacity'.*0/);
    expect(() => new MemoryBank({ stream: 's', capacity: 2, tokens: 2.5, dim: 1 })).toThrow(/'tokens'.*2\.5/);
    expect(() => new MemoryBank({ stream: 's', capacity: 2, tokens: 1, dim: NaN })).toThrow(/'dim'.*NaN/);
  });

  it('rejects tokens of the wrong length naming stream, expected and actual', () => {
    const bank = new MemoryBank({ stream: 'perceptual', capacity: 4, tokens: 3, dim: 2 });
    expect(() => bank.write(0, new Float32Array(5))).toThrow(RangeError);
    expect(() => bank.write(0, new Float32Array(5))).toThrow(/6.*got 5.*stream=perceptual/);
  });

  it('rejects non-finite and decreasing timesteps', () => {
    const bank = new MemoryBank({ stream: 'cognitive', capacity: 4, tokens: 1, dim: 1 });
    expect(() => bank.write(NaN, f32(1))).toThrow(/finite, got NaN.*stream=cognitive/);
    expect(() => bank.write(Infinity, f32(1))).toThrow(RangeError);
    bank.write(3, f32(1));
    expect(() => bank.write(2, f32(1))).toThrow(/>= 3.*got 2.*stream=cognitive/);
    expect(bank.write(3, f32(1)).merges).toBe(0);
  });
});
