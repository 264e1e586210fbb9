// The step pipeline end to end with a real bundle: replay steps every frame in order, live
// steps the newest frame and counts the dropped ones, and batching sessions changes no output.
import { join } from 'node:path';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fromObservations, policySteps } from '../../../src/policy/pipeline.js';
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
  it('steps a live source every execute periods and emits actions at the control rate through the scheduler', { timeout: 20_000 }, async () => {
    await using policy = await Policy.load(join(BUNDLES, 'memoryvla-tiny'));
    const { Observable } = await import('rxjs');
    const frames = [...syntheticObservations(policy.manifest, 12, 0, 0.1)];
    // A camera at 10 Hz on the wall clock: stamps are real time, as from a robot.
    const source = {
      kind: 'live' as const,
      observation$: new Observable<(typeof frames)[number]>((sub) => {
        let i = 0;
        const t0 = Math.round((performance.timeOrigin + performance.now()) * 1e6);
        const timer = setInterval(() => {
          const f = frames[i]!;
          sub.next({ ...f, stampNs: t0 + i * 100_000_000 });
          if (++i === frames.length) {
            clearInterval(timer);
            setTimeout(() => sub.complete(), 150);
          }
        }, 100);
        return () => clearInterval(timer);
      }),
    };
    const actions: { hold: boolean; reason: string }[] = [];
    const summary = await runSource({ policy, source, onAction: (a) => actions.push(a) });
    // One call every `execute` = 4 control periods: the frames at 0, 400 and 800 ms.
    expect(summary.stats.steps).toBe(3);
    expect(summary.droppedFrames).toBe(0);
    // ~1.35 s at 10 Hz: about 13 ticks; after the first chunk arrives no tick holds for lateness.
    expect(actions.length).toBeGreaterThanOrEqual(10);
    expect(actions.length).toBeLessThanOrEqual(16);
    expect(actions.filter((a) => a.reason === 'late')).toHaveLength(0);
    expect(actions.slice(2).every((a) => !a.hold)).toBe(true);
  });
});
