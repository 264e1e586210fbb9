// The soak run (issue 14): N sessions evaluate a tiny policy against the simulator (a child
// process behind a proxy) for a while, with faults injected on a schedule — the simulator killed
// and restarted, stalled with SIGSTOP, its sockets dropped. Every episode must end accounted
// for (success, failure or a marked fault); RSS and step latency are tracked per minute.
import { join } from 'node:path';
import type { EpisodeEnv } from '../../src/core/interfaces.js';
import { Policy } from '../../src/policy/policy.js';
import { evaluate } from '../../src/runtime/evaluate.js';
import { SimConnectionError } from '../../src/transports/sim/index.js';
import { BUNDLES } from '../helpers/reference.js';
import { LatencyHistogram, SimChild, SocketProxy } from './soak-parts.js';

export { FAULT_KINDS, type FaultKind } from './fault-injector.js';
import { FaultInjector, type FaultKind, type SoakBaseOptions } from './fault-injector.js';
const TASKS = ['reach', 'shell-game', 'button-sequence', 'pick-place-twice', 'remember-colour'];

export interface SoakOptions extends SoakBaseOptions {
  /** Rounds of evaluation when no duration is given. Default 1. */
  readonly rounds?: number;
}

export interface MemorySeries {
  readonly warmupMiB: number;
  readonly lastMiB: number;
  readonly peakMiB: number;
  readonly growthPct: number;
}

export interface SoakReport {
  readonly sessions: number;
  readonly seconds: number;
  readonly rounds: number;
  readonly jobs: number;
  readonly episodes: { readonly success: number; readonly failure: number; readonly faults: Readonly<Record<string, number>> };
  /** Jobs of completed rounds with no result (must be 0). */
  readonly lost: number;
  /** Rounds that aborted on consecutive faults (their unstarted jobs are `skipped`). */
  readonly abortedRounds: number;
  readonly skipped: number;
  /** Rounds restarted because the simulator was unreachable before any episode began. */
  readonly probeRetries: number;
  readonly faultsInjected: Readonly<Record<FaultKind, number>>;
  readonly rss: { readonly client: MemorySeries; readonly simulator: MemorySeries };
  /** p99 of simulator calls (reset/step round trips through the proxy) per minute, ms. */
  readonly latencyP99PerMinuteMs: readonly number[];
  readonly environmentCalls: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)]!;
};

export function memorySeries(samples: readonly { t: number; bytes: number }[], warmupS: number): MemorySeries {
  const MiB = 2 ** 20;
  const end = samples.at(-1)?.t ?? 0;
  const warm = samples.filter((s) => s.t >= warmupS && s.t < warmupS + 30).map((s) => s.bytes);
  const last = samples.filter((s) => s.t >= end - 60).map((s) => s.bytes);
  const warmup = median(warm.length > 0 ? warm : samples.map((s) => s.bytes));
  const lastMedian = median(last);
  return {
    warmupMiB: warmup / MiB,
    lastMiB: lastMedian / MiB,
    peakMiB: Math.max(0, ...samples.map((s) => s.bytes)) / MiB,
    growthPct: warmup > 0 ? (100 * (lastMedian - warmup)) / warmup : 0,
  };
}

export async function runSoak(options: SoakOptions = {}): Promise<SoakReport> {
  const sessions = options.sessions ?? 64;
  const stallMs = options.stallMs ?? 3000;
  const warmupS = options.warmupS ?? 60;
  const log = options.log ?? (() => undefined);
  const sim = await SimChild.start();
  const proxy = await SocketProxy.start(() => sim.port);
  await using policy = await Policy.load(options.bundle ?? join(BUNDLES, 'hamlet-tiny'));
  const started = performance.now();
  const elapsedS = (): number => (performance.now() - started) / 1000;
  const faults = new FaultInjector({ target: sim, dropSockets: () => proxy.dropAll(), stallMs, ...(options.durationS !== undefined ? { everyS: options.faultEveryS ?? 20 } : {}), elapsedS, log });
  const perMinute: LatencyHistogram[] = [];
  let environmentCalls = 0;
  const timed = (env: EpisodeEnv): EpisodeEnv => {
    const time = async <T>(call: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const value = await call();
      const minute = Math.floor(elapsedS() / 60);
      (perMinute[minute] ??= new LatencyHistogram()).add(performance.now() - t0);
      environmentCalls++;
      return value;
    };
    return { reset: (task, seed) => time(() => env.reset(task, seed)), step: (action) => time(() => env.step(action)) };
  };
  const episodes = { success: 0, failure: 0, faults: {} as Record<string, number> };
  let jobs = 0;
  let lost = 0;
  let skipped = 0;
  let abortedRounds = 0;
  let probeRetries = 0;
  let rounds = 0;
  let finished = 0;
  const schedule = [...(options.faultAtEpisodes ?? [])];
  const perTask = Math.max(1, Math.ceil((2 * sessions) / TASKS.length));
  try {
    const more = (): boolean => (options.durationS !== undefined ? elapsedS() < options.durationS : rounds < (options.rounds ?? 1));
    while (more()) {
      let result;
      try {
        result = await evaluate({
          policy,
          simUrl: proxy.url,
          tasks: TASKS,
          episodes: perTask,
          seedStart: rounds * perTask,
          concurrency: sessions,
          session: { requestTimeoutMs: 2000, reconnectDelayMs: 50, maxReconnectDelayMs: 500, maxReconnects: 3 },
          connectAttempts: 30,
          maxConsecutiveFaults: 20 * sessions,
          wrapEnv: timed,
          onEpisode: (r) => {
            finished++;
            if (r.fault !== undefined) episodes.faults[r.fault] = (episodes.faults[r.fault] ?? 0) + 1;
            else if (r.success) episodes.success++;
            else episodes.failure++;
            // A fault still running (a restart) defers the next one to a later episode.
            if (schedule.length > 0 && finished >= schedule[0]! && !faults.busy) {
              schedule.shift();
              faults.inject();
            }
          },
        });
      } catch (error) {
        // The simulator was unreachable before the round began (its probe): no episode started.
        if (!(error instanceof SimConnectionError)) throw error;
        probeRetries++;
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      const roundJobs = TASKS.length * perTask;
      jobs += roundJobs;
      skipped += result.skipped;
      lost += roundJobs - result.results.length - result.skipped;
      if (result.aborted !== undefined) abortedRounds++;
      rounds++;
      log(`${elapsedS().toFixed(1)} s: round ${rounds}: ${result.results.length} episodes, ${result.results.filter((r) => r.fault !== undefined).length} faults${result.aborted ? `, aborted: ${result.aborted}` : ''}`);
    }
    // A deterministic schedule still owes its faults: inject them now, so that each kind ran.
    while (schedule.length > 0) {
      schedule.shift();
      await faults.settled();
      faults.inject();
    }
    await faults.settled();
  } finally {
    await faults.stop();
    await proxy.close();
    await sim.dispose();
  }
  return {
    sessions,
    seconds: elapsedS(),
    rounds,
    jobs,
    episodes,
    lost,
    abortedRounds,
    skipped,
    probeRetries,
    faultsInjected: faults.faultsInjected,
    rss: { client: memorySeries(faults.clientRss, warmupS), simulator: memorySeries(faults.targetRss, warmupS) },
    latencyP99PerMinuteMs: perMinute.map((h) => h.quantile(0.99)),
    environmentCalls,
  };
}
