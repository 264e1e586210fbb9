// The closed-loop episode: reset the environment, then every `execute` control steps call the
// policy on the newest observation and play its chunk through the ActionScheduler, one action
// per environment step, until the episode ends. Used by eval, collect (with an expert) and run.
import type { EpisodeEnv, EpisodeSink } from '../core/interfaces.js';
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
  /** Hard cap on environment steps (the environment normally ends the episode first). Default 1000. */
  readonly maxSteps?: number;
  readonly recorder?: EpisodeSink;
  readonly onStep?: (result: StepResult) => void;
}

export interface EpisodeResult {
  readonly task: string;
  readonly seed: number;
  readonly success: boolean;
  readonly steps: number;
  readonly reward: number;
  /** Total step latency of each policy call, ms. */
  readonly latenciesMs: number[];
  readonly holds: number;
}

export async function runEpisode<Episode>(options: EpisodeOptions<Episode>): Promise<EpisodeResult> {
  const { env, stepper, task, seed, recorder } = options;
  const { action: spec } = stepper.manifest;
  const maxSteps = options.maxSteps ?? 1000;
  const scheduler = new ActionScheduler({ low: spec.low, high: spec.high, maxIndex: spec.execute });
  const episode = stepper.open(seed);
  recorder?.start({ bundle: stepper.manifest.name, bundleHash: stepper.hash, task, seed, device: stepper.device, source: 'sim', noMemory: stepper.noMemory });
  const latenciesMs: number[] = [];
  let reward = 0;
  let steps = 0;
  try {
    let tr = await env.reset(task, seed);
    recorder?.observation(tr.observation);
    while (!tr.done && steps < maxSteps) {
      if (steps % spec.execute === 0) {
        const result = await stepper.step(episode, tr.observation);
        latenciesMs.push(result.timings.totalMs);
        scheduler.push(result.chunk);
        recorder?.step(result);
        options.onStep?.(result);
      }
      const action: Action = scheduler.next(tr.observation.stampNs);
      recorder?.action(action);
      tr = await env.step(action.values);
      reward += tr.reward;
      steps++;
      recorder?.observation(tr.observation);
    }
    const result = { task, seed, success: tr.success, steps, reward, latenciesMs, holds: scheduler.holds.late + scheduler.holds.nonFinite };
    await recorder?.end({ success: tr.success, steps, reward, droppedFrames: 0 });
    return result;
  } finally {
    await stepper.close(episode);
  }
}
