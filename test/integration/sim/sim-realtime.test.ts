// Real-time mode over a socket: the simulator advances by itself at 10 Hz holding the last
// action and pushes each transition; the session is then a 'live' observation source.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer } from '../../../sim/index.js';
import type { SimServer } from '../../../sim/index.js';
import { SimSession } from '../../../src/transports/sim/index.js';
import type { SimTransition } from '../../../src/transports/sim/index.js';

let server: SimServer;
beforeAll(async () => {
  server = await startSimServer();
});
afterAll(() => server.close());

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('real-time mode', () => {
  it('pushes transitions at about 10 Hz, holding the last action', async () => {
    await using session = await SimSession.connect(server.url);
    const pushed: { t: SimTransition; at: number }[] = [];
    const subscription = session.transition$.subscribe((t) => pushed.push({ t, at: performance.now() }));
    const reset = await session.reset({ task: 'shell-game', seed: 3, mode: 'realtime' });
    expect(session.kind).toBe('live');
    expect(Math.abs(reset.observation.stampNs / 1e6 - Date.now())).toBeLessThan(1000);
    await sleep(1050);
    const answer = await session.step([1, 0, -1]);
    expect(answer.step).toBeGreaterThanOrEqual(9);
    subscription.unsubscribe();

    const ticks = pushed.slice(1);
    expect(ticks.length).toBeGreaterThanOrEqual(8);
    expect(ticks.length).toBeLessThanOrEqual(12);
    ticks.forEach(({ t }, i) => expect(t.step).toBe(i + 1));
    const periodMs = ((ticks.at(-1)?.at ?? 0) - (ticks[0]?.at ?? 0)) / (ticks.length - 1);
    expect(periodMs).toBeGreaterThan(80);
    expect(periodMs).toBeLessThan(125);
  });

  it('moves the effector with the held action between pushes', async () => {
    await using session = await SimSession.connect(server.url);
    await session.reset({ task: 'reach', seed: 8, mode: 'realtime' });
    const xs: number[] = [];
    const subscription = session.observation$.subscribe((o) => xs.push(o.proprio[0] ?? Number.NaN));
    await session.step([-1, 0, -1]);
    await sleep(450);
    subscription.unsubscribe();
    const moves = xs.slice(1).map((x, i) => x - (xs[i] ?? 0));
    expect(moves.length).toBeGreaterThanOrEqual(3);
    for (const dx of moves.slice(1)) expect(dx).toBeCloseTo(-0.05, 5);
  });

  it('stops pushing once the session resets to lock-step', async () => {
    await using session = await SimSession.connect(server.url);
    await session.reset({ task: 'reach', seed: 8, mode: 'realtime' });
    await sleep(150);
    await session.reset({ task: 'reach', seed: 8 });
    expect(session.kind).toBe('replay');
    let pushes = 0;
    const subscription = session.transition$.subscribe(() => pushes++);
    await sleep(250);
    subscription.unsubscribe();
    expect(pushes).toBe(0);
  });
});
