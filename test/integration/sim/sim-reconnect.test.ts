// SimSession after a dropped socket: the request in flight fails, the session reconnects with
// backoff, re-resets its task and seed and (lock-step) replays its actions, so it resumes in the
// same state; when the simulator stays away it gives up after its bounded attempts.
import { filter, firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { SimEnv, startSimServer } from '../../../sim/index.js';
import { SimSession } from '../../../src/transports/sim/index.js';
import type { Observation } from '../../../src/core/types.js';

const options = { reconnectDelayMs: 20, maxReconnects: 3 } as const;

describe('SimSession reconnection', () => {
  it('fails the request in flight, then resumes the lock-step episode exactly', async () => {
    await using server = await startSimServer();
    await using session = await SimSession.connect(server.url, options);
    const env = new SimEnv();
    env.reset('shell-game', 9);
    await session.reset({ task: 'shell-game', seed: 9 });
    for (let i = 0; i < 5; i++) {
      await session.step([0.5, -0.5, 1]);
      env.step([0.5, -0.5, 1]);
    }
    const inFlight = session.step([0.5, -0.5, 1]);
    expect(server.dropConnections()).toBe(1);
    await expect(inFlight).rejects.toThrow(/dropped|could not be sent/);

    const resumed = await session.step([0.5, -0.5, 1]);
    const local = env.step([0.5, -0.5, 1]);
    expect(session.reconnects).toBe(1);
    expect(resumed.step).toBe(6);
    expect(Buffer.from(resumed.observation.cameras[0]!.data).equals(Buffer.from(local.observation.cameras[0]!.data))).toBe(true);
    expect(resumed.privilegedJson).toBe(env.privilegedJson());
    expect(server.sessions).toBe(1);
  });

  it('re-resets a real-time episode and pushes again from step 0', async () => {
    await using server = await startSimServer();
    await using session = await SimSession.connect(server.url, options);
    const indices: number[] = [];
    session.observation$.subscribe((o: Observation) => indices.push(o.index));
    // Waits on events only (pushes, the restart), so a slow machine makes it slower, not wrong.
    const twoPushes = firstValueFrom(session.observation$.pipe(filter((o) => o.index === 2)));
    await session.reset({ task: 'reach', seed: 2, mode: 'realtime' });
    await twoPushes;
    const restarted = firstValueFrom(session.observation$.pipe(filter((o) => o.index === 0)));
    expect(server.dropConnections()).toBe(1);
    await restarted;
    await firstValueFrom(session.observation$.pipe(filter((o) => o.index === 2)));
    expect(session.reconnects).toBe(1);
    const restart = indices.lastIndexOf(0);
    expect(indices.slice(0, restart)).toEqual(expect.arrayContaining([0, 1, 2]));
    expect(indices.slice(restart)).toEqual([0, 1, 2]);
  });

  it('gives up after its bounded attempts and errors its observation stream', async () => {
    const server = await startSimServer();
    await using session = await SimSession.connect(server.url, { reconnectDelayMs: 10, maxReconnects: 2 });
    await session.reset({ task: 'reach', seed: 1 });
    const streamError = new Promise<unknown>((resolve) => session.observation$.subscribe({ error: resolve }));
    await server.close();
    expect(String(await streamError)).toMatch(/lost; 2 reconnect attempts failed/);
    await expect(session.step([0, 0, 0])).rejects.toThrow(/lost; 2 reconnect attempts failed/);
    await expect(session.tasks()).rejects.toThrow(/lost/);
  });

  it('reports a simulator that is not there when connecting', async () => {
    const server = await startSimServer();
    const url = server.url;
    await server.close();
    await expect(SimSession.connect(url)).rejects.toThrow(/could not connect to the simulator at ws:\/\/127\.0\.0\.1/);
  });
});
