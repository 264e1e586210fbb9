// The evaluation report's statistics: the 95 % Wilson score interval and the per-task rows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EpisodeResult } from '../../../src/runtime/episode-loop.js';
import { reportTasks, wilson } from '../../../src/runtime/eval-report.js';

describe('wilson', () => {
  it('matches published values of the 95 % Wilson interval', () => {
    // Brown, Cai & DasGupta (2001) / any statistics table: 5 of 10 → [0.2366, 0.7634]; 0 of 10 → [0, 0.2775].
    const half = wilson(5, 10);
    expect(half.low).toBeCloseTo(0.2366, 4);
    expect(half.high).toBeCloseTo(0.7634, 4);
    const none = wilson(0, 10);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.2775, 4);
    const all = wilson(10, 10);
    expect(all.low).toBeCloseTo(0.7225, 4);
    expect(all.high).toBe(1);
  });

  it('says nothing is known for no trials', () => {
    expect(wilson(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it('contains the observed rate, mirrors under k → n - k, and narrows as n grows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const k = Math.round(f * n);
        const { low, high } = wilson(k, n);
        expect(low).toBeGreaterThanOrEqual(0);
        expect(high).toBeLessThanOrEqual(1);
        expect(low).toBeLessThanOrEqual(k / n + 1e-12);
        expect(high).toBeGreaterThanOrEqual(k / n - 1e-12);
        const mirror = wilson(n - k, n);
        expect(mirror.low).toBeCloseTo(1 - high, 12);
        expect(mirror.high).toBeCloseTo(1 - low, 12);
        const larger = wilson(4 * k, 4 * n);
        expect(larger.high - larger.low).toBeLessThan(high - low);
      }),
    );
  });
});

describe('reportTasks', () => {
  const episode = (task: string, seed: number, success: boolean, steps: number, latenciesMs: number[]): EpisodeResult =>
    ({ task, seed, success, steps, reward: success ? 1 : 0, latenciesMs, holds: 0, nonFiniteChunks: 0 });

  it('groups by task in first-seen order with rate, interval, mean steps, latency percentiles and chance', () => {
    // reach's latencies pooled over its episodes: 1, 2, 4, 5, 6 → nearest-rank p50 = 4, p99 = 6.
    const results = [
      episode('reach', 0, true, 10, [1, 2]),
      episode('shell-game', 0, false, 60, [3]),
      episode('reach', 1, false, 20, [4, 5, 6]),
    ];
    const [reach, shell] = reportTasks(results, new Map([['shell-game', 1 / 3]]));
    expect(reach).toMatchObject({ task: 'reach', episodes: 2, successes: 1, rate: 0.5, meanSteps: 15, latencyP50Ms: 4, latencyP99Ms: 6, ...wilson(1, 2) });
    expect(reach).not.toHaveProperty('chance');
    expect(shell).toMatchObject({ task: 'shell-game', episodes: 1, successes: 0, rate: 0, chance: 1 / 3 });
  });

  it("reports each call's per-step share beside the batched call's latency (and the call's latency where no share was recorded)", () => {
    // Calls of 8 sessions at 16 ms and 24 ms, then of 4 at 8 ms: shares 2, 3, 2 → p50 = 2; the calls' p50 is 16.
    const batched: EpisodeResult = { ...episode('reach', 0, true, 10, [16, 24, 8]), perStepMs: [2, 3, 2] };
    const [reach] = reportTasks([batched]);
    expect(reach).toMatchObject({ latencyP50Ms: 16, latencyP99Ms: 24, perStepP50Ms: 2 });
    const [alone] = reportTasks([episode('reach', 0, true, 10, [5, 7, 9])]);
    expect(alone).toMatchObject({ latencyP50Ms: 7, perStepP50Ms: 7 });
  });
});
