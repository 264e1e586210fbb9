// The interfaces that sources and sinks implement at the edges (sim, ROS, MCAP, server): the
// core declares them, platforms implement them. Nothing here imports a platform.
import type { Observable } from 'rxjs';
import type { Action, Observation, StepResult } from './types.js';

/** A stream of observations. `live` sources drop frames while a step is in flight; replay sources do not. */
export interface ObservationSource {
  readonly kind: 'live' | 'replay';
  readonly observation$: Observable<Observation>;
  /**
   * Replay sources that can be pulled: each frame is produced (generated, decoded) only when the
   * consumer asks for it, so a long replay holds one frame (or one episode) at a time. An
   * Observable has no back-pressure; a consumer that steps every frame in order prefers this.
   */
  readonly frames?: () => AsyncIterable<Observation>;
}

/** Where executed actions go (a robot, a simulator session). */
export interface ActionSink {
  send(action: Action): Promise<void>;
}

export interface EpisodeStart {
  readonly bundle: string;
  readonly bundleHash: string;
  readonly task: string;
  readonly seed: number;
  readonly device: string;
  readonly source: string;
  /** The policy ran with its memory cleared before every step (the memoryless ablation). */
  readonly noMemory?: boolean;
  /** The task's setting (parameters, split), when the source reports one. */
  readonly setting?: TaskSetting;
}

export interface EpisodeOutcome {
  readonly success: boolean;
  readonly steps: number;
  readonly reward: number;
  readonly droppedFrames: number;
}

/** Taps every stage of an episode (the MCAP recorder implements it). Calls never block the control loop. */
export interface EpisodeSink {
  start(info: EpisodeStart): void;
  observation(obs: Observation): void;
  step(result: StepResult): void;
  action(action: Action): void;
  end(outcome: EpisodeOutcome): Promise<void>;
}

/**
 * What an episode of a parameterised task was set to, as the simulator reports it: the resolved
 * parameters (phase lengths, capacity), the chance of the best memoryless strategy at them, the
 * episode's time limit, and the split ('train' | 'test') its configuration belongs to.
 */
export interface TaskSetting {
  readonly params: Readonly<Record<string, number>>;
  readonly memorylessChance: number;
  readonly maxSteps: number;
  readonly split: string;
}

/** One transition of a closed-loop environment (a simulator session in lock-step mode). */
export interface Transition {
  readonly observation: Observation;
  readonly reward: number;
  readonly done: boolean;
  readonly success: boolean;
  /** The episode's setting, when the environment reports one (the simulator does). */
  readonly setting?: TaskSetting;
}

/** A closed-loop environment: reset to a task and seed, then one transition per action. */
export interface EpisodeEnv {
  reset(task: string, seed: number): Promise<Transition>;
  step(action: Float32Array): Promise<Transition>;
}
