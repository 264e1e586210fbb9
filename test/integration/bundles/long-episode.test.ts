// 10,000 steps in one episode for each memory kind: the bank never exceeds L, the window stays
// T, and the memory stage's time stays flat (printed; the numbers go to BENCHMARKS.md — timing
// is measured here, not asserted). Snapshot/restore mid-episode continues bit-identically.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeMemorySnapshot, encodeMemorySnapshot } from '../../../src/memory/snapshot.js';
import { Policy } from '../../../src/policy/policy.js';
import { syntheticObservations } from '../../../src/runtime/synthetic.js';
import { StepStats } from '../../../src/runtime/stats.js';
import { BUNDLES } from '../../helpers/reference.js';

const STEPS = 10_000;

describe.each(['hamlet-tiny', 'memoryvla-tiny'])('%s over a long episode', (name) => {
  it(`runs ${STEPS} steps with bounded memory`, { timeout: 180_000 }, async () => {
    await using policy = await Policy.load(join(BUNDLES, name), { threads: 1 });
    const mem = policy.manifest.memory;
    const bound = mem.kind === 'memoryvla' ? mem.capacity : mem.kind === 'hamlet' ? mem.window : 0;
    const episode = policy.newEpisode(1);
    const stats = new StepStats();
    let merges = 0;
    for (const obs of syntheticObservations(policy.manifest, STEPS, 3)) {
      const r = await policy.step(episode, obs);
      stats.add(r);
      merges += r.memory.merges;
      for (const s of r.memory.streams) expect(s.entries).toBeLessThanOrEqual(bound);
      if (episode.memory.kind === 'memoryvla') {
        for (const bank of episode.memory.banks.values()) {
          const ts = bank.entries.map((e) => e.timestep);
          expect(ts.every((t, i) => i === 0 || t >= ts[i - 1]!)).toBe(true);
        }
      }
    }
    expect(stats.steps).toBe(STEPS);
    if (mem.kind === 'memoryvla') expect(merges).toBe((STEPS - mem.capacity) * mem.streams.length);
    const early = stats.timings(100, 200);
    const late = stats.timings(STEPS - 100, STEPS);
    console.log(`${name}: steps 100-200 memory ${early.memoryMs.mean.toFixed(3)} ms, total ${early.totalMs.mean.toFixed(3)} ms; steps ${STEPS - 100}-${STEPS} memory ${late.memoryMs.mean.toFixed(3)} ms, total ${late.totalMs.mean.toFixed(3)} ms`);
  });

  it('restores a snapshot mid-episode and continues identically', async () => {
    await using policy = await Policy.load(join(BUNDLES, name));
    const observations = [...syntheticObservations(policy.manifest, 40, 5)];
    const a = policy.newEpisode(9);
    for (const obs of observations.slice(0, 20)) await policy.step(a, obs);
    const bytes = encodeMemorySnapshot(a.snapshot());
    const b = policy.newEpisode(1234);
    b.restore(decodeMemorySnapshot(bytes));
    expect(encodeMemorySnapshot(b.snapshot())).toEqual(bytes);
    for (const obs of observations.slice(20)) {
      const [ra, rb] = [await policy.step(a, obs), await policy.step(b, obs)];
      expect(rb.step).toBe(ra.step);
      expect(rb.chunk.values).toEqual(ra.chunk.values);
    }
  });
});
