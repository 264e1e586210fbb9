// Latest-only stepping of a server session and the batching window, driven by a hand-fired
// schedule instead of a clock: a newer request replaces the waiting one (refused as superseded and
// counted), memory stays bounded, and the batch-size histogram stays bounded however long it runs.
import { describe, expect, it } from 'vitest';
import { Policy } from '../../../src/policy/policy.js';
import { BatchSizeHistogram } from '../../../src/policy/step-batcher.js';
import { BundleHost } from '../../../src/server/bundle-host.js';
import { ServerFault } from '../../../src/server/fault.js';
import { BUNDLES, observations } from './server-fixtures.js';

describe('server session stepping', () => {
  it('drops a waiting step when a newer one arrives, and counts it', async () => {
    await using policy = await Policy.load(BUNDLES.direct, { inference: 'inline' });
    const timers: (() => void)[] = [];
    const host = new BundleHost('memoryvla-tiny', policy, { schedule: (run) => (timers.push(run), () => undefined) });
    const { session } = host.newSession(0, false);
    host.newSession(1, false); // attached but idle: the batch waits for the window
    const obs = observations(policy, 4, 0);
    const first = session.step(obs[0]!);
    const second = session.step(obs[1]!);
    const third = session.step(obs[2]!);
    const secondError = await second.catch((e: unknown) => e);
    expect(secondError).toBeInstanceOf(ServerFault);
    expect((secondError as ServerFault).code).toBe('superseded');
    expect(session.dropped).toBe(1);
    expect(timers).toHaveLength(1);
    timers.shift()!();
    const r1 = await first;
    expect(r1.result.step).toBe(0);
    expect(r1.batchSize).toBe(1);
    // The third request runs next, in the next window.
    while (timers.length === 0) await new Promise((r) => setImmediate(r));
    timers.shift()!();
    const r3 = await third;
    expect(r3.result.step).toBe(1);
    expect(r3.droppedFrames).toBe(1);
  });

  it('keeps batch-size statistics in a bounded histogram', () => {
    const h = new BatchSizeHistogram(4);
    for (let i = 0; i < 100_000; i++) h.add((i % 4) + 1);
    expect(h.counts).toHaveLength(5);
    expect(h.count).toBe(100_000);
    expect(h.mean).toBeCloseTo(2.5, 10);
    expect(h.max).toBe(4);
  });
});
