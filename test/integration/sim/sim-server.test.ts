// The simulator over real sockets on loopback: task list, determinism across sessions, experts
// through privileged_json, isolation of concurrent sessions, refused actions and malformed frames.
import { createHash } from 'node:crypto';
import { concatMap, filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimEnv, TASK_IDS, expertAction, startSimServer } from '../../../sim/index.js';
import type { SimServer, TaskState } from '../../../sim/index.js';
import { SimClient, SimServerError } from '../../../src/transports/sim/index.js';
import type { SimSession, SimTransition } from '../../../src/transports/sim/index.js';
import type { momento } from '../../../src/core/wire.js';
import { RawSimSocket } from './raw-socket.js';

let server: SimServer;
let client: SimClient;

beforeAll(async () => {
  server = await startSimServer({ port: 0 });
  client = new SimClient(server.url);
});

afterAll(async () => {
  await client.close();
  await server.close();
});

function digest(t: SimTransition): string {
  return createHash('sha1').update(t.observation.cameras[0]!.data).update(new Uint8Array(t.observation.proprio.buffer)).digest('hex');
}

/** Steps a session through `actions`, returning the digest of every observation. */
async function play(session: SimSession, task: string, seed: number, actions: readonly number[][]): Promise<string[]> {
  const seen = [digest(await session.reset({ task, seed }))];
  for (const action of actions) {
    const t = await session.step(action);
    seen.push(digest(t));
    if (t.done) break;
  }
  return seen;
}

/** Float32 values, as the wire carries them, so in-process runs with the same numbers match. */
const wiggle = Array.from({ length: 40 }, (_, i) => [Math.sin(i / 3), Math.cos(i / 5), i % 7 === 0 ? 1 : -1].map(Math.fround));

describe('simulator server', () => {
  it('lists its tasks with chance rates, time limits and the control rate', async () => {
    const tasks = await client.tasks();
    expect(tasks.map((t) => t.id)).toEqual(TASK_IDS);
    const shell = tasks.find((t) => t.id === 'shell-game');
    expect(shell).toMatchObject({ needsMemory: true, memorylessChance: 1 / 3, maxSteps: 80, controlRateHz: 10 });
  });

  it('gives byte-identical observations to two sessions with the same seed and actions', async () => {
    await using a = await client.session();
    await using b = await client.session();
    for (const task of ['shell-game', 'pick-place-twice']) {
      const [first, second] = await Promise.all([play(a, task, 77, wiggle), play(b, task, 77, wiggle)]);
      expect(first).toEqual(second);
      expect(await play(a, task, 78, wiggle)).not.toEqual(first);
    }
  });

  it('serves the same bytes as the in-process SimEnv, with simulated stamps', async () => {
    await using session = await client.session();
    const env = new SimEnv();
    const remote = await session.reset({ task: 'button-sequence', seed: 5 });
    const local = env.reset('button-sequence', 5);
    expect(Buffer.from(remote.observation.cameras[0]!.data).equals(Buffer.from(local.observation.cameras[0]!.data))).toBe(true);
    for (let i = 1; i <= 3; i++) {
      const t = await session.step([0.5, 0.5, 0]);
      expect(t.observation.stampNs).toBe(i * 1e8);
      expect(t.observation.index).toBe(i);
      expect(t.locked).toBe(true);
    }
  });

  it.each(TASK_IDS)('%s: the expert succeeds over the socket from privileged_json', async (task) => {
    await using session = await client.session();
    for (const seed of [1, 2]) {
      let t = await session.reset({ task, seed });
      while (!t.done) t = await session.step(expertAction(JSON.parse(t.privilegedJson) as TaskState));
      expect(t.success).toBe(true);
      expect(t.reward).toBe(1);
    }
  });

  it('drives an episode as the pipeline would: transitions in, actions sent through the ActionSink', async () => {
    await using session = await client.session();
    let observations = 0;
    session.observation$.subscribe(() => observations++);
    const finished = firstValueFrom(
      session.transition$.pipe(
        concatMap(async (t) => {
          if (!t.done) {
            const values = expertAction(JSON.parse(t.privilegedJson) as TaskState);
            await session.send({ values, stampNs: t.observation.stampNs, hold: false, reason: '' });
          }
          return t;
        }),
        filter((t) => t.done),
      ),
    );
    expect(session.kind).toBe('replay');
    await session.reset({ task: 'remember-colour', seed: 21 });
    const last = await finished;
    expect(last.success).toBe(true);
    expect(observations).toBe(last.step + 1);
  });

  it('keeps 8 concurrent sessions isolated: each matches its own in-process run', async () => {
    const sessions = await Promise.all(Array.from({ length: 8 }, () => client.session()));
    try {
      expect(server.sessions).toBeGreaterThanOrEqual(8);
      const runs = sessions.map((s, i) => play(s, TASK_IDS[i % TASK_IDS.length]!, 100 + i, wiggle));
      const results = await Promise.all(runs);
      results.forEach((remote, i) => {
        const env = new SimEnv();
        const local = [env.reset(TASK_IDS[i % TASK_IDS.length]!, 100 + i)];
        for (const action of wiggle.slice(0, remote.length - 1)) local.push(env.step(action));
        expect(remote).toEqual(local.map((t) => digest({ ...t, privilegedJson: '' })));
      });
    } finally {
      await Promise.all(sessions.map((s) => s.close()));
    }
  });

  it('answers bad actions with bad-action errors and keeps the session and others working', async () => {
    await using session = await client.session();
    await using bystander = await client.session();
    await session.reset({ task: 'reach', seed: 3 });
    await bystander.reset({ task: 'reach', seed: 3 });
    const refusals: [number[], RegExp][] = [
      [[0, 0], /3 values.*got 2/],
      [[0, 0, 0, 0], /got 4/],
      [[Number.NaN, 0, 0], /action\[0\] \(vx\).*NaN/],
      [[0, Number.NEGATIVE_INFINITY, 0], /action\[1\] \(vy\).*-Infinity/],
      [[0, 0, 1.25], /action\[2\] \(grip\).*1\.25/],
    ];
    for (const [action, message] of refusals) {
      const error = await session.step(action).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(SimServerError);
      expect(error).toMatchObject({ code: 'bad-action', message: expect.stringMatching(message) });
    }
    expect((await session.step([0, 0, 0])).step).toBe(1);
    expect((await bystander.step([0, 0, 0])).step).toBe(1);
  });

  it('refuses unknown tasks, steps before a reset and steps after the end', async () => {
    await using session = await client.session();
    await expect(session.step([0, 0, 0])).rejects.toMatchObject({ code: 'no-episode' });
    await expect(session.reset({ task: 'juggling', seed: 1 })).rejects.toThrow(/unknown task 'juggling'.*\[code=unknown-task\]/);
    await expect(session.reset({ task: 'reach', seed: 1, imageSize: 2000 })).rejects.toMatchObject({ code: 'bad-reset' });
    let t = await session.reset({ task: 'reach', seed: 1, imageSize: 16 });
    expect(t.observation.cameras[0]).toMatchObject({ height: 16, width: 16 });
    while (!t.done) t = await session.step([0, -1, -1]);
    await expect(session.step([0, 0, 0])).rejects.toMatchObject({ code: 'episode-done' });
  });

  it('answers malformed frames with SimError and keeps serving the connection', async () => {
    await using raw = await RawSimSocket.open(server.url);
    raw.send(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]));
    expect(await raw.next()).toMatchObject({ id: 0, error: { code: 'bad-frame' } });
    raw.send('{"reset": {}}');
    expect((await raw.next()).error).toMatchObject({ code: 'bad-frame', message: expect.stringMatching(/text frames/) });
    raw.request({ id: 9 });
    expect(await raw.next()).toMatchObject({ id: 9, error: { code: 'bad-request' } });
    raw.request({ id: 10, reset: { task: 'reach', seed: 1, mode: 7 as momento.v1.SimMode } });
    expect(await raw.next()).toMatchObject({ id: 10, error: { code: 'bad-reset' } });
    raw.request({ id: 11, reset: { task: 'reach', seed: 1 } });
    const reply = await raw.next();
    expect(reply.id).toBe(11);
    expect(reply.transition?.observation?.cameras?.[0]?.shape).toEqual([64, 64, 3]);
  });
});
