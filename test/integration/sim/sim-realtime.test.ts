// Real-time mode over a socket: the simulator advances by itself at 10 Hz holding the last
// action and pushes each transition; the session is then a 'live' observation source. The
// simulator's timers and clock are the test's (vitest fake timers): each control period passes
// when the test advances it, so the assertions are about ticks, never about this machine's speed.
import { firstValueFrom } from 'rxjs';
import { afterEach, beforeAll, afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONTROL_RATE_HZ, startSimServer } from '../../../sim/index.js';
import type { SimServer } from '../../../sim/index.js';
import { pb } from '../../../src/core/wire.js';
import { SimSession } from '../../../src/transports/sim/index.js';
import type { SimTransition } from '../../../src/transports/sim/index.js';
import { RawSimSocket } from './raw-socket.js';

const PERIOD_MS = 1000 / CONTROL_RATE_HZ;

let server: SimServer;
beforeAll(async () => {
  server = await startSimServer();
});
afterAll(() => server.close());
// Timers and performance.now are faked; sockets and Date stay real.
beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
afterEach(() => vi.useRealTimers());

/** Lets one control period pass and returns the transition the simulator pushed for it. */
async function tick(session: SimSession): Promise<SimTransition> {
  const pushed = firstValueFrom(session.transition$);
  await vi.advanceTimersByTimeAsync(PERIOD_MS);
  return pushed;
}

describe('real-time mode', () => {
  it('pushes one transition per control period, stamped on the epoch clock one period apart', async () => {
    await using session = await SimSession.connect(server.url);
    const reset = await session.reset({ task: 'shell-game', seed: 3, mode: 'realtime' });
    expect(session.kind).toBe('live');
    // Epoch nanoseconds (a robot's clock), not time since the episode started.
    expect(reset.observation.stampNs).toBeGreaterThan(Date.UTC(2020, 0, 1) * 1e6);
    const pushes: SimTransition[] = [];
    for (let i = 0; i < 10; i++) pushes.push(await tick(session));
    expect(pushes.map((t) => t.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const stamps = [reset, ...pushes].map((t) => t.observation.stampNs);
    // Epoch nanoseconds exceed 2^53: a double holds them to one ulp (256 ns today), so two stamps
    // one period apart differ by the period give or take two ulps of their magnitude.
    const ulp = 2 ** (Math.floor(Math.log2(stamps[0]!)) - 52);
    for (let i = 1; i < stamps.length; i++) expect(Math.abs(stamps[i]! - stamps[i - 1]! - PERIOD_MS * 1e6)).toBeLessThanOrEqual(2 * ulp);
    // A step in real time answers the latest transition; it does not advance the simulator.
    const answer = await session.step([1, 0, -1]);
    expect(answer.step).toBe(10);
  });

  it('moves the effector with the held action on every tick', async () => {
    await using session = await SimSession.connect(server.url);
    await session.reset({ task: 'reach', seed: 8, mode: 'realtime' });
    const held = await session.step([-1, 0, -1]);
    const xs = [held.observation.proprio[0]!];
    for (let i = 0; i < 4; i++) xs.push((await tick(session)).observation.proprio[0]!);
    const moves = xs.slice(1).map((x, i) => x - xs[i]!);
    expect(moves).toHaveLength(4);
    for (const dx of moves) expect(dx).toBeCloseTo(-0.05, 5);
  });

  it('stops pushing once the session resets to lock-step', async () => {
    // A bare socket: it sees every frame the simulator sends, pushes included.
    await using raw = await RawSimSocket.open(server.url);
    raw.request({ id: 1, reset: { task: 'reach', seed: 8, mode: pb.SimMode.REALTIME } });
    expect(await raw.next()).toMatchObject({ id: 1 });
    await vi.advanceTimersByTimeAsync(PERIOD_MS);
    expect(await raw.next()).toMatchObject({ id: 0, transition: { step: 1 } });
    raw.request({ id: 2, reset: { task: 'reach', seed: 8 } });
    expect(await raw.next()).toMatchObject({ id: 2 });
    await vi.advanceTimersByTimeAsync(5 * PERIOD_MS);
    // Frames arrive in order: a push sent in those five periods would come before this answer.
    raw.request({ id: 3, step: { action: [0, 0, -1] } });
    expect(await raw.next()).toMatchObject({ id: 3, transition: { step: 1 } });
  });
});
