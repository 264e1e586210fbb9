// Policy server over loopback with the tiny bundles: sessions keep their own memory, batched steps
// equal unbatched ones on every head kind, a dropped socket resumes with its memory, an expired
// session is reported lost, and a restarted server resumes sessions from --snapshot-dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PolicyClient, PolicyServerError } from '../../../src/server/policy-client.js';
import { PolicyServer } from '../../../src/server/policy-server.js';
import { BUNDLES, maxDiff, neverFires, observations, referenceChunks } from './server-fixtures.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('policy server sessions', () => {
  for (const [head, dir] of Object.entries(BUNDLES)) {
    it(`batched equals unbatched and sessions never mix (${head} head)`, async () => {
      const streams = [0, 1, 2, 3].map((s) => ({ seed: 10 + s, obs: [] as ReturnType<typeof observations> }));
      const results: Record<string, Float32Array[][]> = {};
      for (const maxBatch of [1, 32]) {
        await using server = await PolicyServer.create({ bundles: [dir], port: 0, maxBatch, schedule: neverFires });
        await using client = await PolicyClient.connect(`${server.url}/${dir.split('/').at(-1)}`);
        for (const s of streams) s.obs = observations(client, 6, s.seed);
        const episodes = streams.map((s) => client.newEpisode(s.seed));
        const chunks: Float32Array[][] = streams.map(() => []);
        // Interleaved: every round all four sessions step at once, so the server batches them.
        for (let i = 0; i < 6; i++) {
          const round = await Promise.all(episodes.map((e, k) => client.step(e, streams[k]!.obs[i]!)));
          round.forEach((r, k) => chunks[k]!.push(r.chunk.values));
        }
        const sizes = server.host(dir.split('/').at(-1)!)!.batcher.batchSizes;
        if (maxBatch === 1) expect(sizes.max).toBe(1);
        else expect(sizes.counts[4]).toBeGreaterThanOrEqual(5);
        results[maxBatch] = chunks;
      }
      const separate = await referenceChunks(dir, streams);
      for (let k = 0; k < streams.length; k++) {
        expect(maxDiff(results[32]![k]!, results[1]![k]!)).toBeLessThan(1e-5);
        expect(maxDiff(results[32]![k]!, separate[k]!)).toBeLessThan(1e-5);
      }
      // Different streams give different chunks: equality above is not vacuous.
      expect(maxDiff(separate[0]!, separate[1]!)).toBeGreaterThan(1e-4);
    });
  }

  it('resumes a session after its socket drops, with its memory', async () => {
    const dir = BUNDLES.direct;
    await using server = await PolicyServer.create({ bundles: [dir], port: 0 });
    await using client = await PolicyClient.connect(`${server.url}/memoryvla-tiny`);
    const obs = observations(client, 10, 3);
    const episode = client.newEpisode(3);
    const chunks: Float32Array[] = [];
    for (let i = 0; i < 10; i++) {
      if (i === 5) await episode.dropConnection();
      const r = await client.step(episode, obs[i]!);
      expect(r.step).toBe(i);
      chunks.push(r.chunk.values);
    }
    const [reference] = await referenceChunks(dir, [{ seed: 3, obs }]);
    expect(maxDiff(chunks, reference!)).toBeLessThan(1e-5);
    expect(server.health().sessions).toBe(1);
  });

  it('a step in flight when the socket drops runs once and its reply reaches the resumed connection', async () => {
    const timers: (() => void)[] = [];
    await using server = await PolicyServer.create({ bundles: [BUNDLES.direct], port: 0, schedule: (run) => (timers.push(run), () => undefined) });
    await using client = await PolicyClient.connect(`${server.url}/memoryvla-tiny`);
    const obs = observations(client, 3, 4);
    // An attached, idle second session: a step of the first now waits for the (hand-fired) window.
    await client.snapshot(client.newEpisode(9));
    const episode = client.newEpisode(4);
    const settle = async <T>(p: Promise<T>): Promise<T> => {
      let done = false;
      const r = p.finally(() => (done = true));
      while (!done) {
        await new Promise((resolve) => setImmediate(resolve));
        timers.shift()?.();
      }
      return r;
    };
    const first = client.step(episode, obs[0]!);
    while (timers.length === 0) await new Promise((r) => setImmediate(r));
    await episode.dropConnection();
    while (server.health().attached < 2 || server.health().sessions < 2) await new Promise((r) => setImmediate(r));
    const r0 = await settle(first);
    const r1 = await settle(client.step(episode, obs[1]!));
    expect([r0.step, r1.step]).toEqual([0, 1]);
    const [reference] = await referenceChunks(BUNDLES.direct, [{ seed: 4, obs: obs.slice(0, 2) }]);
    const snapshot = await client.snapshot(episode);
    expect(Number(snapshot.step)).toBe(2);
    expect(maxDiff([r0.chunk.values, r1.chunk.values], reference!)).toBeLessThan(1e-5);
  });

  it('tells a client whose session outlived the TTL that the episode was lost', async () => {
    let now = 1_000_000;
    await using server = await PolicyServer.create({ bundles: [BUNDLES.direct], port: 0, ttlS: 60, now: () => now });
    await using client = await PolicyClient.connect(`${server.url}/memoryvla-tiny`, { reconnectForMs: 0 });
    const obs = observations(client, 2, 0);
    const episode = client.newEpisode(0);
    await client.step(episode, obs[0]!);
    await episode.dropConnection();
    // Wait (structurally) until the server saw the socket close.
    while (server.health().attached > 0) await new Promise((r) => setImmediate(r));
    now += 59_000;
    server.sweep();
    expect(server.health().sessions).toBe(1);
    now += 2_000;
    server.sweep();
    expect(server.health().sessions).toBe(0);
    const err = await client.step(episode, obs[1]!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyServerError);
    expect((err as PolicyServerError).code).toBe('session-lost');
  });

  it('a restarted server resumes sessions from --snapshot-dir', async () => {
    const dir = BUNDLES.flow;
    const snapshotDir = mkdtempSync(join(tmpdir(), 'momento-snapshots-'));
    dirs.push(snapshotDir);
    const first = await PolicyServer.create({ bundles: [dir], port: 0, snapshotDir });
    const port = first.port;
    const client = await PolicyClient.connect(`${first.url}/hamlet-tiny`);
    const obs = observations(client, 8, 5);
    const episode = client.newEpisode(5);
    const chunks: Float32Array[] = [];
    for (let i = 0; i < 4; i++) chunks.push((await client.step(episode, obs[i]!)).chunk.values);
    await first.close();
    await using second = await PolicyServer.create({ bundles: [dir], port, snapshotDir });
    expect(second.health().sessions).toBe(1);
    for (let i = 4; i < 8; i++) {
      const r = await client.step(episode, obs[i]!);
      expect(r.step).toBe(i);
      chunks.push(r.chunk.values);
    }
    await client.release();
    const [reference] = await referenceChunks(dir, [{ seed: 5, obs }]);
    expect(maxDiff(chunks, reference!)).toBeLessThan(1e-5);
    // A closed session's file is removed.
    await second.snapshotStore!.flush();
    expect(second.health().sessions).toBe(0);
  });
});
