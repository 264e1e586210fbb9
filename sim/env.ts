// SimEnv: one episode of one task, in process and without sockets — reset, step, render. The
// server wraps one per session; tests and the expert-data tools use it directly. Deterministic:
// the seed fixes the episode, stamps are simulated time (step * 100 ms).
import type { TaskSetting, Transition } from '../src/core/interfaces.js';
import type { CameraFrame } from '../src/core/types.js';
import { parseAction } from './action.js';
import { STEP_NS } from './arm.js';
import type { ArmCommand } from './arm.js';
import { COLOURS, Canvas } from './canvas.js';
import { SimRequestError } from './errors.js';
import { SeededRandom } from './random.js';
import { taskDefinition, taskInfo } from './tasks/registry.js';
import type { AnyTaskDefinition, TaskId, TaskInfo, TaskState } from './tasks/registry.js';
import { resolveParams } from './tasks/params.js';
import { configurationSplit } from './tasks/split.js';
import type { Split } from './tasks/split.js';
import type { StepOutcome, TaskStateBase } from './tasks/task.js';

export const DEFAULT_IMAGE_SIZE = 64;
/** The server's default bound on a reset's image_size (a 256 px frame is 192 KiB). */
export const DEFAULT_MAX_IMAGE_SIZE = 256;
const EFFECTOR_OUTER = 0.04;
const EFFECTOR_INNER = 0.02;
/** Closed, the effector is a smaller disc, so a held block stays visible around it. */
const EFFECTOR_CLOSED = 0.025;

export type EpisodeOutcome = StepOutcome | 'timeout';

/** One step's result (reward 1 on the step that succeeds, else 0), as SimTransition carries it. */
export interface EnvTransition extends Transition {
  readonly outcome: EpisodeOutcome;
  /** Steps taken in the episode (0 after reset). */
  readonly step: number;
  /** true while the task ignores actions. */
  readonly locked: boolean;
  readonly setting: EpisodeSetting;
}

/** The episode's resolved parameters, chance, time limit and configuration split. */
export interface EpisodeSetting extends TaskSetting {
  readonly split: Split;
}

export interface ResetOptions {
  /** Image side for this episode; default the environment's. */
  readonly imageSize?: number;
  /** Task parameters to set (the rest are drawn from the seed); validated against the task's limits. */
  readonly params?: Readonly<Record<string, number>>;
}

export interface SimEnvOptions {
  /** Side of the square RGB image in pixels (8..512); default 64. */
  readonly imageSize?: number;
}

interface Episode {
  readonly definition: AnyTaskDefinition;
  readonly state: TaskStateBase;
  readonly seed: number;
  readonly canvas: Canvas;
  readonly setting: EpisodeSetting;
  step: number;
  outcome: EpisodeOutcome;
}

export class SimEnv {
  private readonly imageSize: number;
  private episode: Episode | undefined;

  constructor(options: SimEnvOptions = {}) {
    this.imageSize = options.imageSize ?? DEFAULT_IMAGE_SIZE;
    new Canvas(this.imageSize); // validates the size now rather than at the first reset
  }

  /**
   * Starts an episode of `task` for `seed`. Its parameters are drawn from the seed (from their
   * training ranges) except those `options.params` sets; a bad name or value is a 'bad-reset'.
   */
  reset(task: string, seed: number, options: ResetOptions = {}): EnvTransition {
    let definition: AnyTaskDefinition;
    try {
      definition = taskDefinition(task);
    } catch (error) {
      throw new SimRequestError('unknown-task', (error as Error).message);
    }
    let canvas: Canvas;
    let random: SeededRandom;
    let params: Readonly<Record<string, number>>;
    try {
      canvas = new Canvas(options.imageSize ?? this.imageSize);
      random = new SeededRandom(seed, task);
      params = resolveParams(task, definition.params, seed, options.params);
    } catch (error) {
      throw new SimRequestError('bad-reset', (error as Error).message);
    }
    const state = definition.create(random, params);
    const setting: EpisodeSetting = {
      params,
      memorylessChance: definition.memorylessChance(params),
      maxSteps: definition.maxSteps(params),
      split: configurationSplit(state),
    };
    this.episode = { definition, state, seed, canvas, setting, step: 0, outcome: 'running' };
    return this.transition(this.episode, 0);
  }

  /** Advances one control step with `action` = [vx, vy, grip] (each in [-1, 1]). */
  step(action: ArrayLike<number>): EnvTransition {
    return this.stepWith(parseAction(action));
  }

  /** Advances one control step with an already validated command. */
  stepWith(command: ArmCommand): EnvTransition {
    const episode = this.current();
    if (episode.outcome !== 'running') {
      throw new SimRequestError(
        'episode-done',
        `the ${episode.definition.id} episode (seed ${episode.seed}) ended at step ${episode.step} (${episode.outcome}); send a reset`,
      );
    }
    let outcome: EpisodeOutcome = episode.definition.advance(episode.state, command);
    episode.step++;
    if (outcome === 'running' && episode.step >= episode.setting.maxSteps) {
      outcome = 'timeout';
      episode.state.failure = `timeout after ${episode.step} steps`;
    }
    episode.outcome = outcome;
    return this.transition(episode, outcome === 'success' ? 1 : 0);
  }

  get active(): boolean {
    return this.episode !== undefined;
  }

  get done(): boolean {
    return this.current().outcome !== 'running';
  }

  /** The task's info, with the current episode's chance and time limit. */
  get info(): TaskInfo {
    const { definition, setting } = this.current();
    return { ...taskInfo(definition.id as TaskId), memorylessChance: setting.memorylessChance, maxSteps: setting.maxSteps };
  }

  /** The current episode's parameters, chance, time limit and split. */
  get setting(): EpisodeSetting {
    return this.current().setting;
  }

  /** The privileged task state (for experts and debugging; never a policy input). */
  get state(): Readonly<TaskState> {
    return this.current().state as TaskState;
  }

  privilegedJson(): string {
    return JSON.stringify(this.current().state);
  }

  /** What the current observation shows, as the memoryless strategy reads it. */
  view(): unknown {
    const { definition, state } = this.current();
    return definition.view(state);
  }

  /** The scripted expert's next action. */
  expertAction(): Float32Array {
    const { definition, state } = this.current();
    return commandValues(definition.expert(state));
  }

  /** The best memoryless strategy's next action; `random` is its own coin. */
  memorylessAction(random: SeededRandom): Float32Array {
    const { definition, state } = this.current();
    return commandValues(definition.memoryless(definition.view(state), random));
  }

  private current(): Episode {
    if (!this.episode) throw new SimRequestError('no-episode', 'no episode yet: send a reset before stepping');
    return this.episode;
  }

  private transition(episode: Episode, reward: number): EnvTransition {
    const { definition, state, step, outcome, setting } = episode;
    const arm = state.arm;
    const proprio = Float32Array.of(arm.x, arm.y, arm.grip ? 1 : 0, arm.holding ? 1 : 0);
    return {
      observation: {
        cameras: [this.render(episode, proprio)],
        proprio,
        instruction: { taskId: definition.id, text: definition.text },
        stampNs: step * STEP_NS,
        index: step,
      },
      reward,
      done: outcome !== 'running',
      success: outcome === 'success',
      outcome,
      step,
      locked: definition.locked(state),
      setting,
    };
  }

  /** Draws the scene, then the effector at its float32 (proprio) position: a ring, a disc when closed. */
  private render(episode: Episode, proprio: Float32Array): CameraFrame {
    const { canvas, definition, state } = episode;
    canvas.fill(COLOURS.table);
    definition.render(state, canvas);
    const x = proprio[0] as number;
    const y = proprio[1] as number;
    if (state.arm.grip) canvas.disc(x, y, EFFECTOR_CLOSED, COLOURS.effector);
    else canvas.ring(x, y, EFFECTOR_INNER, EFFECTOR_OUTER, COLOURS.effector);
    return { name: 'rgb', height: canvas.size, width: canvas.size, channels: 3, data: canvas.data.slice() };
  }
}

function commandValues(command: ArmCommand): Float32Array {
  return Float32Array.of(command.vx, command.vy, command.grip);
}
