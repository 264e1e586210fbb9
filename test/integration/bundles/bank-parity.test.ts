// The TypeScript MemoryBank against the Python bank of the training code (policies/momento_models/
// bank.py): the same 40 writes, with identical and near-identical neighbours, give the same
// merges and the same bank after every write; with FIFO eviction, the same bank after every write.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryBank } from '../../../src/memory/memory-bank.js';
import { BUNDLES, maxRelativeError } from '../../helpers/reference.js';

interface Write { timestep: number; kind: string; tokens: number[]; merged_at: number[]; after: { timesteps: number[]; tokens: number[] } }
interface FifoWrite { timestep: number; evicted: number; after: { timesteps: number[]; tokens: number[] } }
interface Reference { capacity: number; tokens: number; dim: number; writes: Write[]; fifo: { writes: FifoWrite[] } }
const reference = (): Reference => JSON.parse(readFileSync(join(BUNDLES, 'bank-parity.json'), 'utf8')) as Reference;

describe('MemoryBank parity with the Python bank', () => {
  it('replays the recorded writes with identical merges and contents', () => {
    const ref = reference();
    const bank = new MemoryBank({ stream: 'parity', capacity: ref.capacity, tokens: ref.tokens, dim: ref.dim });
    let merges = 0;
    for (const [i, w] of ref.writes.entries()) {
      const { mergedAt } = bank.write(w.timestep, Float32Array.from(w.tokens));
      merges += mergedAt.length;
      expect(mergedAt, `write ${i} (${w.kind}) merged at`).toEqual(w.merged_at);
      expect(bank.entries.map((e) => e.timestep), `write ${i} timesteps`).toEqual(w.after.timesteps);
      const flat = bank.entries.flatMap((e) => [...e.tokens]);
      expect(maxRelativeError(flat, w.after.tokens, 1e-6), `write ${i} tokens`).toBeLessThan(1e-6);
    }
    expect(merges).toBeGreaterThan(20);
    expect(new Set(ref.writes.flatMap((w) => w.merged_at)).size).toBeGreaterThan(2);
  });

  it("with eviction 'fifo', replays the same writes to the same bank after each", () => {
    const ref = reference();
    expect(ref.fifo.writes).toHaveLength(ref.writes.length);
    const bank = new MemoryBank({ stream: 'parity', capacity: ref.capacity, tokens: ref.tokens, dim: ref.dim, eviction: 'fifo' });
    let evicted = 0;
    for (const [i, w] of ref.writes.entries()) {
      const want = ref.fifo.writes[i]!;
      expect(want.timestep).toBe(w.timestep);
      const result = bank.write(w.timestep, Float32Array.from(w.tokens));
      expect(result.merges, `write ${i} merges`).toBe(0);
      expect(result.evicted, `write ${i} evicted`).toBe(want.evicted);
      evicted += result.evicted ?? 0;
      expect(bank.entries.map((e) => e.timestep), `write ${i} timesteps`).toEqual(want.after.timesteps);
      expect(maxRelativeError(bank.entries.flatMap((e) => [...e.tokens]), want.after.tokens, 1e-6), `write ${i} tokens`).toBeLessThan(1e-6);
    }
    expect(evicted).toBe(ref.writes.length - ref.capacity);
  });
});
