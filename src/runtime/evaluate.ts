// Evaluation harness: runs a policy on simulator episodes (task x seed) over real WebSocket
// sessions, several at once, with their policy steps batched into shared model calls. Seeds
// count from `seedStart` (0 by default; training data uses seeds from 100000).
import type { EpisodeEnv } from '../core/interfaces.js';
import type { PolicyBackend } from '../policy/backend.js';
import type { EpisodeState } from '../policy/episode.js';
import { Policy } from '../policy/policy.js';
import { BatchSizeHistogram, StepBatcher } from '../policy/step-batcher.js';
import { CONTROL_RATE_HZ } from '../../sim/index.js';
import { McapRecorder } from '../record/index.js';
import { SimSession } from '../transports/sim/index.js';
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

/** A lock-step sim session as an episode environment, rendering at the policy's camera size. */
export function sessionEnv(session: SimSession, imageSize?: number): EpisodeEnv {
  return { reset: (task, seed) => session.reset({ task, seed, ...(imageSize ? { imageSize } : {}) }), step: (action) => session.step(action) };
}

export async function evaluate(options: EvaluateOptions): Promise<{ results: EpisodeResult[]; batchSizes: BatchSizeHistogram }> {
  const { policy, tasks, episodes } = options;
  // The simulator's stamps advance at its control rate; the scheduler plays chunks at the bundle's.
  if (policy.manifest.action.rate_hz !== CONTROL_RATE_HZ) {
    throw new RangeError(`policy '${policy.name}': action.rate_hz is ${policy.manifest.action.rate_hz}, the simulator runs at ${CONTROL_RATE_HZ} Hz`);
  }
  const seedStart = options.seedStart ?? 0;
  const jobs = tasks.flatMap((task) => Array.from({ length: episodes }, (_, i) => ({ task, seed: seedStart + i })));
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 8, jobs.length));
  const batcher = policy instanceof Policy ? new StepBatcher(policy, { maxBatch: concurrency }) : undefined;
  const stepper: EpisodeStepper = policy instanceof Policy ? batchedStepper(policy, batcher!) : backendStepper(policy);
  const results: EpisodeResult[] = [];
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    await using session = await SimSession.connect(options.simUrl);
    const env = sessionEnv(session, policy.manifest.observation.cameras[0]?.height);
    // After one worker fails the others take no new episode, so the caller can release the policy.
    for (let job = jobs[next++]; job && !failed; job = jobs[next++]) {
      // Closed even when the episode throws, so the file is complete and readable.
      await using recorder = options.recordDir ? await McapRecorder.create({ dir: options.recordDir, fileName: `${job.task}-${job.seed}.mcap` }) : undefined;
      const result = await runEpisode({ env, stepper, task: job.task, seed: job.seed, ...(recorder ? { recorder } : {}) });
      results.push(result);
      options.onEpisode?.(result);
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
  return { results, batchSizes: batcher?.batchSizes ?? new BatchSizeHistogram(1) };
}
