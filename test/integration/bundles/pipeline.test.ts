// The step pipeline end to end with a real bundle: replay steps every frame in order, live
// steps the newest frame and counts the dropped ones, and batching sessions changes no output.
import { join } from 'node:path';
import { Observable, from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import type { Observation } from '../../../src/core/types.js';
import { policySteps } from '../../../src/policy/pipeline.js';
import { fromObservations } from '../../../src/streams/from-observations.js';
import { Policy } from '../../../src/policy/policy.js';
import { StepBatcher } from '../../../src/policy/step-batcher.js';
import { runSource } from '../../../src/runtime/run.js';
import { syntheticObservations } from '../../../src/runtime/synthetic.js';
import { BUNDLES } from '../../helpers/reference.js';

describe('policy pipeline', () => {
  it('replay: every frame, in order', async () => {
    await using policy = await Policy.load(join(BUNDLES, 'memoryvla-tiny'));
    const obs = [...syntheticObservations(policy.manifest, 30)];
    const results = await lastValueFrom(policySteps(policy, policy.newEpisode(), fromObservations(obs, 'replay')).pipe(toArray()));
    expect(results.map((r) => r.step)).toEqual(obs.map((_, i) => i));
    expect(results.map((r) => r.chunk.stampNs)).toEqual(obs.map((o) => o.stampNs));
  });

  it('live: a burst of frames steps the first and the newest, counting the rest as dropped', async () => {
    await using policy = await Policy.load(join(BUNDLES, 'memoryvla-tiny'));
    const obs = [...syntheticObservations(policy.manifest, 30)];
    const counter = { dropped: 0 };
    const results = await lastValueFrom(policySteps(policy, policy.newEpisode(), { kind: 'live', observation$: from(obs) }, counter).pipe(toArray()));
    expect(results.map((r) => r.chunk.stampNs)).toEqual([obs[0]!.stampNs, obs[29]!.stampNs]);
    expect(counter.dropped).toBe(28);
  });

  it('runSource in replay emits the executed part of each chunk with its due stamp', async () => {
    await using policy = await Policy.load(join(BUNDLES, 'hamlet-tiny'));
    const stamps: number[] = [];
    const summary = await runSource({ policy, source: fromObservations(syntheticObservations(policy.manifest, 5)), onAction: (a) => stamps.push(a.stampNs) });
    expect(summary.stats.steps).toBe(5);
    expect(summary.actions).toBe(5 * policy.manifest.action.execute);
    expect(stamps.slice(0, 5)).toEqual([0, 1e8, 2e8, 3e8, 4e8]);
    expect(summary.holds).toBe(0);
  });

  it.each(['hamlet-tiny', 'memoryvla-tiny', 'memoryless-tiny'])('%s: batched sessions give the same chunks as sessions stepped alone', async (name) => {
    await using policy = await Policy.load(join(BUNDLES, name));
    const sessions = 5;
    const streams = Array.from({ length: sessions }, (_, s) => [...syntheticObservations(policy.manifest, 12, s)]);
    const alone = [];
    for (let s = 0; s < sessions; s++) {
      const ep = policy.newEpisode(s);
      const out = [];
      for (const o of streams[s]!) out.push((await policy.step(ep, o)).chunk.values);
      alone.push(out);
    }
    const batcher = new StepBatcher(policy, { waitMs: 50 });
    const batched = await Promise.all(
      streams.map(async (stream, s) => {
        const ep = batcher.open(s);
        const out = [];
        for (const o of stream) out.push((await batcher.step(ep, o)).chunk.values);
        batcher.close(ep);
        return out;
      }),
    );
    expect(batcher.batchSizes.max).toBe(sessions);
    for (let s = 0; s < sessions; s++) {
      for (let i = 0; i < 12; i++) {
        const a = alone[s]![i]!;
        const b = batched[s]![i]!;
        for (let j = 0; j < a.length; j++) expect(Math.abs(a[j]! - b[j]!)).toBeLessThan(1e-5);
      }
    }
  });
});

describe('live run', () => {
  // The camera, the action clock and performance.now run on vitest's fake timers; the policy runs
  // for real. Time advances one control period at a time, and only once every step started so far
  // has finished: a machine of any speed sees the same ticks, so the counts are exact.
  it('steps a live source every execute periods and emits one action per frame through the scheduler', { timeout: 20_000 }, async () => {
    await using policy = await Policy.load(join(BUNDLES, 'memoryvla-tiny'));
    const { action } = policy.manifest;
    const periodMs = 1000 / action.rate_hz;
    const FRAMES = 12;
    const frames = [...syntheticObservations(policy.manifest, FRAMES, 0, periodMs / 1000)];
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
    try {
      const steps = vi.spyOn(policy, 'step');
      // A camera at the control rate, stamped on the (fake) epoch clock as a robot's would be;
      // it completes one period after its last frame.
      const source = {
        kind: 'live' as const,
        observation$: new Observable<Observation>((sub) => {
          let i = 0;
          const t0 = Math.round((performance.timeOrigin + performance.now()) * 1e6);
          const timer = setInterval(() => {
            if (i === FRAMES) {
              clearInterval(timer);
              sub.complete();
              return;
            }
            sub.next({ ...frames[i]!, stampNs: t0 + (i + 1) * periodMs * 1e6 });
            i++;
          }, periodMs);
          return () => clearInterval(timer);
        }),
      };
      const actions: { hold: boolean; reason: string }[] = [];
      let finished = false;
      const run = runSource({ policy, source, onAction: (a) => actions.push(a) }).finally(() => (finished = true));
      let periods = 0;
      while (!finished) {
        await vi.advanceTimersByTimeAsync(periodMs);
        periods++;
        // No tick passes while a step is running: the policy is never late on this clock.
        await Promise.all(steps.mock.results.map((r) => r.value as Promise<unknown>));
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const summary = await run;
      // One call every `execute` control periods: frames 0, execute, 2 execute, …
      expect(summary.stats.steps).toBe(Math.ceil(FRAMES / action.execute));
      expect(steps).toHaveBeenCalledTimes(summary.stats.steps);
      expect(summary.droppedFrames).toBe(0);
      // The source completed one period after its last frame; the clock is locked to the frames:
      // one action per frame (control tick).
      expect(periods).toBe(FRAMES + 1);
      expect(actions).toHaveLength(FRAMES);
      // Only the ticks before the first chunk hold; no tick holds for lateness.
      expect(actions.filter((a) => a.reason === 'late')).toHaveLength(0);
      const firstFresh = actions.findIndex((a) => !a.hold);
      expect(firstFresh).toBeGreaterThanOrEqual(0);
      expect(actions.slice(firstFresh).every((a) => !a.hold)).toBe(true);
      expect(actions.slice(0, firstFresh).every((a) => a.reason === 'start')).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
