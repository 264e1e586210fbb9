// The policy-server soak (issue 14): N sessions step a reference bundle through a real
// PolicyClient over WebSocket against `momento serve` in a child process (behind a proxy), on
// recorded-style synthetic observations, while faults are injected on a schedule: the server
// killed and restarted (sessions resume from --snapshot-dir), stalled with SIGSTOP, its sockets
// dropped. Every episode must end accounted for: held (all steps, chunks equal to an in-process
// run), or marked with the fault that ended it (a typed PolicyServerError, e.g. 'session-lost'
// when a restarted server's snapshot was behind). An episode that ends with different chunks
// and no fault is `diverged`: steps lost without a word (must be 0).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Observation } from '../../src/core/types.js';
import { Policy } from '../../src/policy/policy.js';
import { syntheticObservations } from '../../src/runtime/synthetic.js';
import { PolicyClient, PolicyServerError } from '../../src/server/policy-client.js';
import { BUNDLES } from '../helpers/reference.js';
import { ChildServer, LatencyHistogram, SocketProxy } from './soak-parts.js';
import { FaultInjector, type FaultKind, type SoakBaseOptions } from './fault-injector.js';
import { memorySeries, type MemorySeries } from './soak-run.js';

export interface ServerSoakOptions extends SoakBaseOptions {
  /** Episodes in all when no duration is given. Default 2 x sessions. */
  readonly episodes?: number;
  /** Steps per episode. Default 20. */
  readonly steps?: number;
}

export interface ServerSoakReport {
  readonly sessions: number;
  readonly seconds: number;
  readonly episodes: { readonly started: number; readonly held: number; readonly faults: Readonly<Record<string, number>>; readonly diverged: number };
  /** The first error message of each fault reason. */
  readonly faultDetails: Readonly<Record<string, string>>;
  /** Episodes started and never ended (must be 0). */
  readonly lost: number;
  readonly steps: number;
  readonly faultsInjected: Readonly<Record<FaultKind, number>>;
  readonly serverStarts: number;
  readonly rss: { readonly client: MemorySeries; readonly server: MemorySeries };
  /** p99 of step round trips (client → proxy → server → back) per minute, ms. */
  readonly latencyP99PerMinuteMs: readonly number[];
}

const SEEDS = 8;

export async function runServerSoak(options: ServerSoakOptions = {}): Promise<ServerSoakReport> {
  const sessions = options.sessions ?? 64;
  const steps = options.steps ?? 20;
  const stallMs = options.stallMs ?? 3000;
  const log = options.log ?? (() => undefined);
  const bundle = options.bundle ?? join(BUNDLES, 'memoryvla-tiny');
  const snapshotDir = mkdtempSync(join(tmpdir(), 'momento-soak-sessions-'));
  // The reference: each seed's chunks from an in-process run on the same observations.
  const streams: { observations: Observation[]; chunks: Float32Array[] }[] = [];
  {
    await using policy = await Policy.load(bundle, { inference: 'inline' });
    for (let seed = 0; seed < SEEDS; seed++) {
      const observations = [...syntheticObservations(policy.manifest, steps, seed)];
      const episode = policy.newEpisode(seed);
      const chunks: Float32Array[] = [];
      for (const o of observations) chunks.push((await policy.step(episode, o)).chunk.values);
      streams.push({ observations, chunks });
    }
  }
  const server = await ChildServer.serve(bundle, snapshotDir);
  const proxy = await SocketProxy.start(() => server.port);
  const route = bundle.split('/').filter(Boolean).at(-1)!;
  const client = await PolicyClient.connect(`${proxy.url}/${route}`, { reconnectForMs: 60_000 });
  const started = performance.now();
  const elapsedS = (): number => (performance.now() - started) / 1000;
  const faults = new FaultInjector({ target: server, dropSockets: () => proxy.dropAll(), dropAfterRestart: true, stallMs, ...(options.durationS !== undefined ? { everyS: options.faultEveryS ?? 20 } : {}), elapsedS, log });
  const perMinute: LatencyHistogram[] = [];
  const episodes = { started: 0, held: 0, faults: {} as Record<string, number>, diverged: 0 };
  const faultDetails: Record<string, string> = {};
  let ended = 0;
  let totalSteps = 0;
  const schedule = [...(options.faultAtEpisodes ?? [])];
  const target = options.episodes ?? 2 * sessions;
  const more = (): boolean => (options.durationS !== undefined ? elapsedS() < options.durationS : episodes.started < target);
  const finish = (fault: string | undefined, diverged: boolean): void => {
    ended++;
    if (fault !== undefined) episodes.faults[fault] = (episodes.faults[fault] ?? 0) + 1;
    else if (diverged) episodes.diverged++;
    else episodes.held++;
    if (schedule.length > 0 && ended >= schedule[0]! && !faults.busy) {
      schedule.shift();
      faults.inject();
    }
  };
  const worker = async (w: number): Promise<void> => {
    for (let n = 0; more(); n++) {
      episodes.started++;
      const seed = (w + n * sessions) % SEEDS;
      const stream = streams[seed]!;
      const episode = client.newEpisode(seed);
      let fault: string | undefined;
      let diverged = false;
      try {
        for (let i = 0; i < steps; i++) {
          const t0 = performance.now();
          const result = await client.step(episode, stream.observations[i]!);
          (perMinute[Math.floor(elapsedS() / 60)] ??= new LatencyHistogram()).add(performance.now() - t0);
          totalSteps++;
          const want = stream.chunks[i]!;
          if (result.chunk.values.some((v, k) => Math.abs(v - want[k]!) > 1e-5)) diverged = true;
        }
      } catch (error) {
        fault = error instanceof PolicyServerError ? error.code : 'connection lost';
        faultDetails[fault] ??= (error as Error).message.slice(0, 300);
      }
      await client.endEpisode(episode).catch(() => undefined);
      finish(fault, diverged);
    }
  };
  try {
    await Promise.all(Array.from({ length: sessions }, (_, w) => worker(w)));
    while (schedule.length > 0) {
      schedule.shift();
      await faults.settled();
      faults.inject();
    }
    await faults.settled();
  } finally {
    await faults.stop();
    await client.release();
    await proxy.close();
    await server.dispose();
    rmSync(snapshotDir, { recursive: true, force: true });
  }
  const warmupS = options.warmupS ?? 60;
  return {
    sessions,
    seconds: elapsedS(),
    episodes,
    faultDetails,
    lost: episodes.started - ended,
    steps: totalSteps,
    faultsInjected: faults.faultsInjected,
    serverStarts: server.starts,
    rss: { client: memorySeries(faults.clientRss, warmupS), server: memorySeries(faults.targetRss, warmupS) },
    latencyP99PerMinuteMs: perMinute.map((h) => h.quantile(0.99)),
  };
}
