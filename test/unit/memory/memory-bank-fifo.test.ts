// MemoryBank with FIFO eviction (the ablation of MemoryVLA's consolidation): past capacity the
// oldest entry goes, whatever the similarities; fill with more positions than the capacity (a
// graph exported with more slots) masks the extra ones; snapshots restore under either rule.
import { describe, expect, it } from 'vitest';
import { MemoryBank } from '../../../src/memory/memory-bank.js';

const f32 = (...values: number[]): Float32Array => new Float32Array(values);
const timesteps = (bank: MemoryBank): number[] => bank.entries.map((e) => e.timestep);

describe('MemoryBank FIFO eviction', () => {
  it('drops the oldest entry past capacity, never merges', () => {
    const bank = new MemoryBank({ stream: 'cognitive', capacity: 2, tokens: 1, dim: 2, eviction: 'fifo' });
    expect(bank.eviction).toBe('fifo');
    expect(bank.write(0, f32(1, 0))).toEqual({ merges: 0, mergedAt: [], evicted: 0 });
    expect(bank.write(1, f32(0, 1))).toEqual({ merges: 0, mergedAt: [], evicted: 0 });
    // Entries 1 and 2 are identical (cosine 1): consolidation would merge them; FIFO drops entry 0.
    expect(bank.write(2, f32(0, 1))).toEqual({ merges: 0, mergedAt: [], evicted: 1 });
    expect(timesteps(bank)).toEqual([1, 2]);
    expect([...bank.entries[0]!.tokens]).toEqual([0, 1]);
    bank.write(3, f32(5, 5));
    expect(timesteps(bank)).toEqual([2, 3]);
    expect([...bank.entries[1]!.tokens]).toEqual([5, 5]);
  });

  it('differs from merge on the same writes', () => {
    const writes: [number, Float32Array][] = [[0, f32(1, 0)], [1, f32(0, 1)], [2, f32(0, 2)], [3, f32(1, 1)]];
    const merge = new MemoryBank({ stream: 's', capacity: 2, tokens: 1, dim: 2 });
    const fifo = new MemoryBank({ stream: 's', capacity: 2, tokens: 1, dim: 2, eviction: 'fifo' });
    for (const [t, x] of writes) {
      merge.write(t, x);
      fifo.write(t, x);
    }
    expect(timesteps(fifo)).toEqual([2, 3]);
    expect(timesteps(merge)[0]).toBe(0);
    expect(merge.eviction).toBe('merge');
  });

  it('keeps capacity 1 as the newest entry', () => {
    const bank = new MemoryBank({ stream: 's', capacity: 1, tokens: 1, dim: 1, eviction: 'fifo' });
    for (let t = 0; t < 5; t++) bank.write(t, f32(t + 1));
    expect(timesteps(bank)).toEqual([4]);
    expect([...bank.entries[0]!.tokens]).toEqual([5]);
  });

  it('restores a snapshot and goes on evicting from it', () => {
    const a = new MemoryBank({ stream: 's', capacity: 3, tokens: 1, dim: 2, eviction: 'fifo' });
    for (let t = 0; t < 5; t++) a.write(t, f32(t, 1));
    const b = new MemoryBank({ stream: 's', capacity: 3, tokens: 1, dim: 2, eviction: 'fifo' });
    b.restore(a.snapshot());
    expect(timesteps(b)).toEqual([2, 3, 4]);
    a.write(5, f32(9, 9));
    b.write(5, f32(9, 9));
    expect(b.snapshot()).toEqual(a.snapshot());
    expect(timesteps(b)).toEqual([3, 4, 5]);
  });

  it('rejects an unknown eviction rule naming it', () => {
    expect(() => new MemoryBank({ stream: 's', capacity: 2, tokens: 1, dim: 1, eviction: 'lru' as never })).toThrow(/'eviction' must be 'merge' or 'fifo', got lru \[stream=s\]/);
  });
});

describe('MemoryBank.fill with more positions than the capacity', () => {
  it('masks the positions past the capacity', () => {
    const bank = new MemoryBank({ stream: 's', capacity: 2, tokens: 1, dim: 1, eviction: 'fifo' });
    for (let t = 0; t < 3; t++) bank.write(t, f32(t + 1));
    const S = 4;
    const tokens = new Float32Array(2 * S).fill(7);
    const times = new Float32Array(2 * S).fill(7);
    const mask = new Float32Array(2 * S).fill(7);
    bank.fill(tokens, times, mask, 1, S);
    expect([...tokens.subarray(S)]).toEqual([2, 3, 0, 0]);
    expect([...times.subarray(S)]).toEqual([1, 2, 0, 0]);
    expect([...mask.subarray(S)]).toEqual([1, 1, 0, 0]);
    // Row 0 untouched.
    expect([...mask.subarray(0, S)]).toEqual([7, 7, 7, 7]);
  });

  it('rejects fewer positions than the capacity', () => {
    const bank = new MemoryBank({ stream: 's', capacity: 4, tokens: 1, dim: 1 });
    const x = new Float32Array(8);
    expect(() => bank.fill(x, x, x, 0, 2)).toThrow(/'positions' must be an integer >= the capacity 4, got 2/);
  });
});
