// Evaluation harness: runs a policy on simulator episodes (task x seed) over real WebSocket
// sessions, several at once, with their policy steps batched into shared model calls. Seeds
// count from `seedStart` (0 by default; training data uses seeds from 100000). A fault of the
// simulator (a lost connection, a refused action) fails only the episode it hit: the run
// reconnects and goes on, and aborts — keeping what it has — after too many faults in a row.
import type { EpisodeEnv } from '../core/interfaces.js';
import type { PolicyBackend } from '../policy/backend.js';
import type { EpisodeState } from '../policy/episode.js';
import { Policy } from '../policy/policy.js';
import { BatchSizeHistogram, StepBatcher } from '../policy/step-batcher.js';
import { McapRecorder } from '../record/index.js';
import { SimConnectionError, SimServerError, SimSession } from '../transports/sim/index.js';
import type { SimSessionOptions, SimTaskInfo } from '../transports/sim/index.js';
import { runEpisode, type EpisodeResult, type EpisodeStepper } from './episode-loop.js';

export interface EvaluateOptions {
  /** The in-process Policy (its sessions' steps batched here) or a remote one (batched by its server). */
  readonly policy: PolicyBackend;
  /** Simulator URL, e.g. ws://127.0.0.1:8765. */
  readonly simUrl: string;
  readonly tasks: readonly string[];
  /** Episodes per task. */
  readonly episodes: number;
  /** First seed. Default 0. */
  readonly seedStart?: number;
  /** Episodes (sim sessions) in flight at once; their steps share batched model calls. Default 8. */
  readonly concurrency?: number;
  /** Write one MCAP file per episode here. */
  readonly recordDir?: string;
  readonly onEpisode?: (result: EpisodeResult) => void;
  /**
   * Episodes failed by faults one after another (over all sessions, no episode ending normally
   * in between) before the run aborts. Default: twice the concurrency, at least 5 — a simulator
   * restart fails every episode in flight at once.
   */
  readonly maxConsecutiveFaults?: number;
  /** Wraps each session's environment (instrumentation: timing, fault injection). */
  readonly wrapEnv?: (env: EpisodeEnv) => EpisodeEnv;
  /** Reconnect and timeout settings of the sim sessions. */
  readonly session?: SimSessionOptions;
  /** Attempts to open a fresh session after one was lost, with the session's reconnect backoff. Default 5. */
  readonly connectAttempts?: number;
  /** Task parameters to set, per task id (the others are each seed's defaults). */
  readonly taskParams?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /**
   * Which configurations to run: 'test' or 'train' keeps, per task, the first `episodes` seeds
   * from `seedStart` whose configuration the simulator puts in that split; 'all' (the default
   * here; the CLI defaults to 'test') takes consecutive seeds.
   */
  readonly split?: 'train' | 'test' | 'all';
}

export interface EvaluateResult {
  /** Every episode run, in job order; faulted ones have `fault` set. Jobs never started are absent. */
  readonly results: EpisodeResult[];
  readonly batchSizes: BatchSizeHistogram;
  /** Why the run stopped early (too many consecutive faults); undefined when every job ran. */
  readonly aborted?: string;
  /** Jobs not run because the run aborted. */
  readonly skipped: number;
}

/** The reason an episode is marked failed when its session's connection fails. */
export const CONNECTION_LOST = 'connection lost';

/** A fault of the simulator link or a refused request: the episode fails, not the run. */
export function simFault(error: unknown): string | undefined {
  if (error instanceof SimConnectionError) return CONNECTION_LOST;
  if (error instanceof SimServerError) return error.code === 'bad-action' ? 'action refused' : `simulator refused (${error.code})`;
  return undefined;
}

/** What the episode loop records of any policy backend. */
function describe(policy: PolicyBackend): Pick<EpisodeStepper, 'manifest' | 'hash' | 'device' | 'noMemory'> {
  return { manifest: policy.manifest, hash: policy.hash, device: policy.provider, noMemory: policy.noMemory };
}

/** A policy as the episode loop sees it, with steps of concurrent episodes batched. */
export function batchedStepper(policy: Policy, batcher: StepBatcher): EpisodeStepper<EpisodeState> {
  return { ...describe(policy), open: (seed) => batcher.open(seed), step: (episode, observation) => batcher.step(episode, observation), close: (episode) => batcher.close(episode) };
}

/** Any policy backend as the episode loop sees it, one step at a time per episode (a remote server batches on its side). */
export function backendStepper<Episode>(policy: PolicyBackend<Episode>): EpisodeStepper<Episode> {
  return { ...describe(policy), open: (seed) => policy.newEpisode(seed), step: (episode, observation) => policy.step(episode, observation), close: (episode) => policy.endEpisode?.(episode) };
}

/** A lock-step sim session as an episode environment, rendering at the policy's camera size, with each task's parameters. */
export function sessionEnv(session: SimSession, imageSize?: number, taskParams: EvaluateOptions['taskParams'] = {}): EpisodeEnv {
  return {
    reset: (task, seed) => session.reset({ task, seed, ...(imageSize ? { imageSize } : {}), params: taskParams[task] ?? {} }),
    step: (action) => session.step(action),
  };
}

/** Seeds a split scan looks at per episode wanted before it gives up (a test share of 20 % needs about 5). */
const SPLIT_SCAN_FACTOR = 50;

/**
 * The first `count` seeds from `seedStart` whose configuration (with the task's parameters) is in
 * `split`, asking the simulator: a reset answers the episode's split, so no client recomputes it.
 */
export async function seedsInSplit(probe: SimSession, task: string, split: 'train' | 'test', seedStart: number, count: number, params: Readonly<Record<string, number>> = {}): Promise<number[]> {
  const seeds: number[] = [];
  const limit = seedStart + SPLIT_SCAN_FACTOR * count + 100;
  for (let seed = seedStart; seeds.length < count && seed < limit; seed++) {
    const setting = (await probe.reset({ task, seed, params })).setting;
    if (!setting) throw new RangeError(`the simulator reports no split for task '${task}': it predates configuration splits; use split 'all'`);
    if (setting.split === split) seeds.push(seed);
  }
  if (seeds.length < count) throw new RangeError(`task '${task}': only ${seeds.length} of ${count} seeds in [${seedStart}, ${limit}) are ${split} configurations`);
  return seeds;
}

/**
 * The simulator's stamps advance at its control rate and the scheduler plays chunks at the
 * bundle's: they must agree for every task evaluated. The rate comes from the session's task list.
 */
export function checkControlRate(policyName: string, rateHz: number, tasks: readonly string[], simTasks: readonly SimTaskInfo[]): void {
  for (const task of tasks) {
    const info = simTasks.find((t) => t.id === task);
    if (!info) throw new RangeError(`the simulator has no task '${task}' (it has ${simTasks.map((t) => t.id).join(', ')})`);
    if (info.controlRateHz !== rateHz) {
      throw new RangeError(`policy '${policyName}': action.rate_hz is ${rateHz}, the simulator runs task '${task}' at ${info.controlRateHz} Hz`);
    }
  }
}

/** Dimensions whose limits reach outside an action space; empty when the bundle fits. */
export function limitsOutside(
  action: { readonly names: readonly string[]; readonly low: readonly number[]; readonly high: readonly number[] },
  space: { readonly low: readonly number[]; readonly high: readonly number[] },
): string[] {
  if (action.low.length !== space.low.length) return [`the bundle has ${action.low.length} action dims, the simulator takes ${space.low.length}`];
  return action.names.flatMap((name, i) =>
    action.low[i]! < space.low[i]! || action.high[i]! > space.high[i]! ? [`${name} [${action.low[i]}, ${action.high[i]}] exceeds [${space.low[i]}, ${space.high[i]}]`] : [],
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function connectWithRetry(url: string, options: SimSessionOptions, attempts: number): Promise<SimSession> {
  let delay = options.reconnectDelayMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await SimSession.connect(url, options);
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(delay);
      delay = Math.min(2 * delay, options.maxReconnectDelayMs ?? 2000);
    }
  }
}

export async function evaluate(options: EvaluateOptions): Promise<EvaluateResult> {
  const { policy, tasks, episodes } = options;
  const sessionOptions = options.session ?? {};
  const connectAttempts = options.connectAttempts ?? 5;
  const seedStart = options.seedStart ?? 0;
  const split = options.split ?? 'all';
  const taskParams = options.taskParams ?? {};
  const jobs: { task: string; seed: number }[] = [];
  {
    await using probe = await connectWithRetry(options.simUrl, sessionOptions, connectAttempts);
    checkControlRate(policy.name, policy.manifest.action.rate_hz, tasks, await probe.tasks());
    for (const task of tasks) {
      const seeds = split === 'all' ? Array.from({ length: episodes }, (_, i) => seedStart + i) : await seedsInSplit(probe, task, split, seedStart, episodes, taskParams[task]);
      for (const seed of seeds) jobs.push({ task, seed });
    }
  }
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 8, jobs.length));
  const maxConsecutiveFaults = options.maxConsecutiveFaults ?? Math.max(5, 2 * concurrency);
  const batcher = policy instanceof Policy ? new StepBatcher(policy, { maxBatch: concurrency }) : undefined;
  const stepper: EpisodeStepper = policy instanceof Policy ? batchedStepper(policy, batcher!) : backendStepper(policy);
  const imageSize = policy.manifest.observation.cameras[0]?.height;
  const results: EpisodeResult[] = [];
  let next = 0;
  let failed = false;
  let consecutiveFaults = 0;
  let aborted: string | undefined;
  const finish = (result: EpisodeResult): void => {
    results.push(result);
    options.onEpisode?.(result);
    if (result.fault === undefined) {
      consecutiveFaults = 0;
      return;
    }
    consecutiveFaults++;
    if (consecutiveFaults >= maxConsecutiveFaults && aborted === undefined) {
      aborted = `${consecutiveFaults} episodes in a row failed on simulator faults (last: ${result.fault}: ${result.faultDetail ?? ''}); stopped`;
    }
  };
  const worker = async (): Promise<void> => {
    let session: SimSession | undefined;
    try {
      // After one worker fails (or the run aborts) the others take no new episode.
      for (let job = jobs[next++]; job && !failed && aborted === undefined; job = jobs[next++]) {
        try {
          session ??= await connectWithRetry(options.simUrl, sessionOptions, connectAttempts);
        } catch (error) {
          const detail = (error as Error).message;
          finish({ task: job.task, seed: job.seed, success: false, steps: 0, reward: 0, latenciesMs: [], holds: 0, nonFiniteChunks: 0, fault: CONNECTION_LOST, faultDetail: detail });
          continue;
        }
        // Closed even when the episode throws, so the file is complete and readable.
        await using recorder = options.recordDir ? await McapRecorder.create({ dir: options.recordDir, fileName: `${job.task}-${job.seed}.mcap` }) : undefined;
        const env = sessionEnv(session, imageSize, taskParams);
        const result = await runEpisode({ env: options.wrapEnv ? options.wrapEnv(env) : env, stepper, task: job.task, seed: job.seed, classifyFault: simFault, ...(recorder ? { recorder } : {}) });
        if (result.fault === CONNECTION_LOST) {
          // The session may still be reconnecting on its own: start the next episode on a fresh one.
          await session.close();
          session = undefined;
        }
        finish(result);
      }
    } finally {
      await session?.close();
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: concurrency }, () => worker().catch((err: unknown) => {
    failed = true;
    throw err;
  })));
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
  // Report in job order, whatever order the workers finished in.
  const order = new Map(jobs.map((j, i) => [`${j.task}/${j.seed}`, i]));
  results.sort((a, b) => order.get(`${a.task}/${a.seed}`)! - order.get(`${b.task}/${b.seed}`)!);
  return { results, batchSizes: batcher?.batchSizes ?? new BatchSizeHistogram(1), skipped: jobs.length - results.length, ...(aborted !== undefined ? { aborted } : {}) };
}
