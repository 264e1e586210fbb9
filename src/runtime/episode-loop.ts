// The closed-loop episode: reset the environment, then every `execute` control steps call the
// policy on the newest observation and play its chunk through the ActionScheduler, one action
// per environment step, until the episode ends. Used by eval, collect (with an expert) and run.
import type { EpisodeEnv, EpisodeSink, TaskSetting } from '../core/interfaces.js';
import type { Action, Observation, StepResult } from '../core/types.js';
import { ActionScheduler } from '../policy/action-scheduler.js';

export interface EpisodeStepper<Episode = unknown> {
  readonly manifest: { readonly name: string; readonly action: { readonly low: number[]; readonly high: number[]; readonly execute: number } };
  readonly hash: string;
  readonly device: string;
  readonly noMemory: boolean;
  open(seed: number): Episode;
  step(episode: Episode, observation: Observation): Promise<StepResult>;
  /** The episode is over (a remote one closes its server session). */
  close(episode: Episode): void | Promise<void>;
}

export interface EpisodeOptions<Episode = unknown> {
  readonly env: EpisodeEnv;
  readonly stepper: EpisodeStepper<Episode>;
  readonly task: string;
  readonly seed: number;
  /** Hard cap on environment steps (the environment normally ends the episode first). Default 10 000. */
  readonly maxSteps?: number;
  readonly recorder?: EpisodeSink;
  readonly onStep?: (result: StepResult) => void;
  /**
   * Names an environment error that ends only this episode (a lost connection, a refused action):
   * the episode is then returned as failed with `fault` set instead of throwing. Errors it
   * returns undefined for (and every policy error) still throw.
   */
  readonly classifyFault?: (error: unknown) => string | undefined;
}

export interface EpisodeResult {
  readonly task: string;
  readonly seed: number;
  readonly success: boolean;
  readonly steps: number;
  readonly reward: number;
  /** Total step latency of each policy call, ms: the whole batched graph call it ran in (~8 sessions in `eval`). */
  readonly latenciesMs: number[];
  /** Each policy call's latency over the episodes in its batched call: the step's share, ms. Absent: latenciesMs. */
  readonly perStepMs?: number[];
  readonly holds: number;
  /** Chunks the scheduler refused for a NaN or infinite value (each played as holds). */
  readonly nonFiniteChunks: number;
  /** Set when the episode ended on a fault of its environment (e.g. 'connection lost'); success is then false. */
  readonly fault?: string;
  /** The error behind `fault`. */
  readonly faultDetail?: string;
  /** The first non-finite chunk's error, when there was one. */
  readonly nonFiniteDetail?: string;
  /** The task's setting as the environment reported it at reset (parameters, chance, split). */
  readonly setting?: TaskSetting;
}

export async function runEpisode<Episode>(options: EpisodeOptions<Episode>): Promise<EpisodeResult> {
  const { env, stepper, task, seed, recorder } = options;
  const { action: spec } = stepper.manifest;
  // Long task parameters make long episodes (the simulator bounds them); this only stops an environment that never ends.
  const maxSteps = options.maxSteps ?? 10_000;
  let firstNonFinite: string | undefined;
  const scheduler = new ActionScheduler({ low: spec.low, high: spec.high, maxIndex: spec.execute, onError: (e) => (firstNonFinite ??= e.message) });
  const episode = stepper.open(seed);
  const start = { bundle: stepper.manifest.name, bundleHash: stepper.hash, task, seed, device: stepper.device, source: 'sim', noMemory: stepper.noMemory };
  const latenciesMs: number[] = [];
  const perStepMs: number[] = [];
  let reward = 0;
  let steps = 0;
  // Environment calls go through here so that a fault of the environment can end just this episode.
  const faultOf = (error: unknown): string | undefined => options.classifyFault?.(error);
  let fault: { reason: string; detail: string } | undefined;
  const call = async <T>(run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (error) {
      const reason = faultOf(error);
      if (reason === undefined) throw error;
      fault = { reason, detail: (error as Error).message };
      return undefined;
    }
  };
  try {
    let tr = await call(() => env.reset(task, seed));
    // Started after the reset so that the episode metadata has the setting the simulator chose.
    const setting = tr?.setting;
    recorder?.start({ ...start, ...(setting ? { setting } : {}) });
    if (tr) recorder?.observation(tr.observation);
    while (tr && !tr.done && steps < maxSteps) {
      if (steps % spec.execute === 0) {
        const result = await stepper.step(episode, tr.observation);
        latenciesMs.push(result.timings.totalMs);
        perStepMs.push(result.timings.totalMs / (result.batch ?? 1));
        scheduler.push(result.chunk);
        recorder?.step(result);
        options.onStep?.(result);
      }
      const action: Action = scheduler.next(tr.observation.stampNs);
      recorder?.action(action);
      const values = action.values;
      tr = await call(() => env.step(values));
      if (!tr) break;
      reward += tr.reward;
      steps++;
      recorder?.observation(tr.observation);
    }
    const success = tr !== undefined && fault === undefined && tr.success;
    const result: EpisodeResult = {
      task,
      seed,
      success,
      steps,
      reward,
      latenciesMs,
      perStepMs,
      holds: scheduler.holds.late + scheduler.holds.nonFinite,
      nonFiniteChunks: scheduler.rejectedChunks,
      ...(fault ? { fault: fault.reason, faultDetail: fault.detail } : {}),
      ...(firstNonFinite !== undefined ? { nonFiniteDetail: firstNonFinite } : {}),
      ...(setting ? { setting } : {}),
    };
    await recorder?.end({ success, steps, reward, droppedFrames: 0 });
    return result;
  } finally {
    await stepper.close(episode);
  }
}
