// summarize: mean, p50 and p99 by nearest rank (the smallest sample with at least q of the
// samples at or below it), as the evaluation reports and benchmarks quote them.
import { describe, expect, it } from 'vitest';
import type { StepResult } from '../../../src/core/types.js';
import { StepStats, summarize } from '../../../src/runtime/stats.js';

/** Nearest rank by its definition, counting: the first sorted value covering q of the samples. */
function nearestRank(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.find((_, i) => (i + 1) / sorted.length >= q)!;
}

describe('summarize', () => {
  it('is all zeros for no samples', () => {
    expect(summarize([])).toEqual({ mean: 0, p50: 0, p99: 0 });
  });

  it('is the sample itself for one sample', () => {
    expect(summarize([3.5])).toEqual({ mean: 3.5, p50: 3.5, p99: 3.5 });
  });

  it('takes p99 by nearest rank: the 99th of 100 samples, the 198th of 200, the largest of fewer than 100', () => {
    const ranks = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
    expect(summarize(ranks(100)).p99).toBe(99);
    expect(summarize(ranks(200)).p99).toBe(198);
    expect(summarize(ranks(50)).p99).toBe(50);
    expect(summarize(ranks(100)).p50).toBe(50);
    expect(summarize(ranks(101)).p50).toBe(51);
  });

  it('agrees with the definition on shuffled samples with ties, and leaves its input as it was', () => {
    // A fixed pseudo-random sequence with repeated values.
    const xs = Array.from({ length: 257 }, (_, i) => ((i * 7919) % 101) / 4);
    const before = [...xs];
    const s = summarize(xs);
    expect(s.p50).toBe(nearestRank(xs, 0.5));
    expect(s.p99).toBe(nearestRank(xs, 0.99));
    expect(s.mean).toBeCloseTo(xs.reduce((a, b) => a + b, 0) / xs.length, 12);
    expect(xs).toEqual(before);
  });
});

describe('StepStats', () => {
  const result = (totalMs: number, entries: number, merges: number): StepResult => ({
    chunk: { dims: 1, horizon: 1, values: new Float32Array(1), stampNs: 0, periodS: 0.1 },
    timings: { preprocessMs: 0, encoderMs: 0, memoryMs: 0, headMs: 0, totalMs },
    memory: { entries, merges, streams: [] },
    step: 0,
  });

  it('summarises a window of steps and tracks the memory high-water mark and merges', () => {
    const stats = new StepStats();
    [5, 1, 2, 3, 4].forEach((ms, i) => stats.add(result(ms, Math.min(i + 1, 3), i >= 3 ? 1 : 0)));
    expect(stats.steps).toBe(5);
    expect(stats.maxEntries).toBe(3);
    expect(stats.merges).toBe(2);
    expect(stats.stage('totalMs')).toEqual({ mean: 3, p50: 3, p99: 5 });
    // Steps 1..4 only (the first is a warm-up).
    expect(stats.stage('totalMs', 1)).toEqual({ mean: 2.5, p50: 2, p99: 4 });
    expect(stats.timings(1).totalMs).toEqual(stats.stage('totalMs', 1));
  });
});
