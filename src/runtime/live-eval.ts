// Live evaluation: real-time episodes (the simulator advancing at its control rate whatever the
// policy does), many at once in one process — they mostly wait — with optional injected
// inference latency and a choice of chunk switching. Reports success like lock-step `eval`,
// plus the control clock's counts and jerk at chunk boundaries against jerk inside chunks.
import { clamp } from '../core/clamp.js';
import type { Action, StepResult } from '../core/types.js';
import type { EpisodeResult } from './episode-loop.js';
import { SimSession } from '../transports/sim/index.js';
import { seedsInSplit, type EvaluateOptions } from './evaluate.js';
import { runLiveSim } from './live-sim.js';

/** Injected latency: a fixed number of ms, or uniform between two. */
export interface LatencySpec {
  readonly minMs: number;
  readonly maxMs: number;
}

/** Parses '0', '150', '150ms', '50-250ms' (uniform). */
export function parseLatency(spec: string): LatencySpec {
  const m = /^\s*(\d+(?:\.\d+)?)(?:\s*-\s*(\d+(?:\.\d+)?))?\s*(?:ms)?\s*$/.exec(spec);
  if (!m) throw new RangeError(`--latency: expected <ms>, <ms>ms or <min>-<max>ms, got '${spec}'`);
  const minMs = Number(m[1]);
  const maxMs = m[2] === undefined ? minMs : Number(m[2]);
  if (!(maxMs >= minMs) || maxMs > 60_000) throw new RangeError(`--latency: expected 0 <= min <= max <= 60000 ms, got '${spec}'`);
  return { minMs, maxMs };
}

/** A seeded draw per policy step (mulberry32), so an episode's latencies repeat with its seed. */
export function latencySampler(spec: LatencySpec, seed: number): () => number {
  if (spec.maxMs === 0) return () => 0;
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    return spec.minMs + u * (spec.maxMs - spec.minMs);
  };
}

export interface LiveEpisodeResult extends EpisodeResult {
  readonly failure: string;
  /** Ticks of each chunk already past when it arrived. */
  readonly chunkDelays: readonly number[];
  readonly expiredChunks: number;
  readonly fallbackTicks: number;
  readonly skippedTicks: number;
  /** Mean |Δ²action| (per dim, over ticks) at the first tick of each started chunk, and at all other ticks. */
  readonly jerkBoundary: number;
  readonly jerkInside: number;
  /**
   * Mean |chunk[i] - played[s + i]| over the rows i < d of every started chunk but the first (d its
   * delay: ticks s..s+d-1 of its frame s had played when it arrived) and the dims; 0 when each
   * chunk begins with exactly the actions already committed (real-time chunking). NaN: none.
   */
  readonly prefixError: number;
  /** Rows that went into prefixError. */
  readonly prefixRows: number;
}

/** The lock-step evaluation's policy, simulator, tasks, episodes and seeds, plus the live settings. */
export interface LiveEvaluateOptions extends Pick<EvaluateOptions, 'policy' | 'simUrl' | 'tasks' | 'episodes' | 'seedStart' | 'taskParams' | 'split'> {
  /** Episodes in flight at once (real-time sessions). Default 32. */
  readonly concurrency?: number;
  readonly latency?: LatencySpec;
  readonly switching?: 'delay-aware' | 'naive';
  /** Where each episode's first chunk starts: 'from-rest' (default, index 0) or 'delay-aware' (index d). */
  readonly firstChunk?: 'from-rest' | 'delay-aware';
  /** Temporal ensembling weight (0, the default: newest chunk only). */
  readonly ensemble?: number;
  /** Flow heads: real-time chunking (inpaint the committed prefix). */
  readonly realTimeChunking?: boolean;
  readonly onEpisode?: (result: LiveEpisodeResult) => void;
}

export async function evaluateLive(options: LiveEvaluateOptions): Promise<LiveEpisodeResult[]> {
  const { policy, tasks, episodes } = options;
  const seedStart = options.seedStart ?? 0;
  const split = options.split ?? 'all';
  const taskParams = options.taskParams ?? {};
  const jobs: { task: string; seed: number }[] = [];
  {
    await using probe = split === 'all' ? undefined : await SimSession.connect(options.simUrl);
    for (const task of tasks) {
      const seeds = probe ? await seedsInSplit(probe, task, split as 'train' | 'test', seedStart, episodes, taskParams[task]) : Array.from({ length: episodes }, (_, i) => seedStart + i);
      for (const seed of seeds) jobs.push({ task, seed });
    }
  }
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 32, jobs.length));
  const latency = options.latency ?? { minMs: 0, maxMs: 0 };
  const results: LiveEpisodeResult[] = [];
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    for (let job = jobs[next++]; job && !failed; job = jobs[next++]) {
      const jerk = new JerkMeter();
      const prefix = new PrefixMeter(policy.manifest.action.low, policy.manifest.action.high);
      const latenciesMs: number[] = [];
      const r = await runLiveSim({
        policy,
        simUrl: options.simUrl,
        task: job.task,
        seed: job.seed,
        params: taskParams[job.task] ?? {},
        switching: options.switching ?? 'delay-aware',
        ...(options.firstChunk ? { firstChunk: options.firstChunk } : {}),
        ...(options.ensemble !== undefined ? { ensemble: options.ensemble } : {}),
        realTimeChunking: options.realTimeChunking ?? false,
        injectLatencyMs: latencySampler(latency, job.seed),
        onStep: (s) => {
          latenciesMs.push(s.timings.totalMs);
          jerk.step(s);
          prefix.step(s);
        },
        onAction: (a) => {
          jerk.action(a);
          prefix.action(a);
        },
      });
      const s = r.summary;
      const result: LiveEpisodeResult = {
        task: job.task,
        seed: job.seed,
        success: r.success,
        steps: r.steps,
        reward: 0,
        latenciesMs,
        holds: s.holds,
        nonFiniteChunks: s.rejectedChunks,
        failure: r.failure,
        chunkDelays: s.chunkDelays,
        expiredChunks: s.expiredChunks,
        fallbackTicks: s.ticks.fallbackTicks,
        skippedTicks: s.ticks.skippedTicks,
        ...jerk.means(),
        ...prefix.mean(),
        ...(r.setting ? { setting: r.setting } : {}),
      };
      results.push(result);
      options.onEpisode?.(result);
    }
  };
  const settled = await Promise.allSettled(
    Array.from({ length: concurrency }, () =>
      worker().catch((err: unknown) => {
        failed = true;
        throw err;
      }),
    ),
  );
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
  const order = new Map(jobs.map((j, i) => [`${j.task}/${j.seed}`, i]));
  return results.sort((a, b) => order.get(`${a.task}/${a.seed}`)! - order.get(`${b.task}/${b.seed}`)!);
}

/**
 * Jerk of the played actions: |a[t] - 2 a[t-1] + a[t-2]| averaged over dims, split by whether
 * tick t is the first played from a newly started chunk (a boundary) or not. Holds count as
 * played actions (a hold at a boundary is part of what the robot feels).
 */
export class JerkMeter {
  private readonly played: Float32Array[] = [];
  private boundaryNext = false;
  private readonly sums = { boundary: 0, boundaryN: 0, inside: 0, insideN: 0 };

  step(result: StepResult): void {
    if (result.placement && !result.placement.expired) this.boundaryNext = true;
  }

  action(action: Action): void {
    this.played.push(action.values);
    const n = this.played.length;
    const boundary = this.boundaryNext;
    this.boundaryNext = false;
    if (n < 3) return;
    const [a, b, c] = [this.played[n - 1]!, this.played[n - 2]!, this.played[n - 3]!];
    let j = 0;
    for (let d = 0; d < a.length; d++) j += Math.abs(a[d]! - 2 * b[d]! + c[d]!);
    j /= a.length;
    if (boundary) {
      this.sums.boundary += j;
      this.sums.boundaryN++;
    } else {
      this.sums.inside += j;
      this.sums.insideN++;
    }
    if (n > 3) this.played.shift();
  }

  means(): { jerkBoundary: number; jerkInside: number } {
    return { jerkBoundary: this.sums.boundary / Math.max(1, this.sums.boundaryN), jerkInside: this.sums.inside / Math.max(1, this.sums.insideN) };
  }
}

/** Recent ticks remembered to compare a new chunk's first rows with (a chunk is never this late and started). */
const PLAYED_MEMORY = 64;

/**
 * Whether each new chunk begins with the actions already played at its first ticks: the rows
 * i < d (its delay) against what played at ticks s + i, s its frame's tick (from the stamps of
 * the frames' own actions). The episode's first chunk is left out (what played before it were
 * holds, nothing it could be committed to).
 */
export class PrefixMeter {
  private readonly played = new Map<number, Float32Array>();
  private readonly tickOfStamp = new Map<number, number>();
  private started = 0;
  private sum = 0;
  private rows = 0;

  constructor(
    private readonly low: readonly number[],
    private readonly high: readonly number[],
  ) {}

  action(action: Action): void {
    if (action.tick === undefined) return;
    this.played.set(action.tick, action.values);
    this.tickOfStamp.set(action.stampNs, action.tick);
    for (const map of [this.played, this.tickOfStamp]) if (map.size > PLAYED_MEMORY) map.delete(map.keys().next().value!);
  }

  step(result: StepResult): void {
    const placement = result.placement;
    if (!placement || placement.expired) return;
    if (this.started++ === 0) return;
    const frameTick = this.tickOfStamp.get(result.chunk.stampNs);
    if (frameTick === undefined) return;
    const { values, dims } = result.chunk;
    for (let i = 0; i < Math.min(placement.delayTicks, result.chunk.horizon); i++) {
      const played = this.played.get(frameTick + i);
      if (!played) continue;
      let e = 0;
      for (let d = 0; d < dims; d++) e += Math.abs(clamp(values[i * dims + d]!, this.low[d]!, this.high[d]!) - played[d]!);
      this.sum += e / dims;
      this.rows++;
    }
  }

  mean(): { prefixError: number; prefixRows: number } {
    return { prefixError: this.rows > 0 ? this.sum / this.rows : Number.NaN, prefixRows: this.rows };
  }
}
