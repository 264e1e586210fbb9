// What a task is to the simulator: episode state (plain JSON data, also the privileged state
// sent to experts), its phases as a step function, rendering, the visible scene, a scripted
// expert and the best memoryless strategy. SimEnv drives any TaskDefinition the same way.
import type { ArmCommand, ArmState } from '../arm.js';
import type { Canvas } from '../canvas.js';
import type { SeededRandom } from '../random.js';
import type { ParamSpec, TaskParams } from './params.js';

export type StepOutcome = 'running' | 'success' | 'failure';

/** Every task state: JSON-safe data with the task id as discriminant and the effector. */
export interface TaskStateBase {
  readonly task: string;
  phase: string;
  /** Control steps spent in the current phase. */
  phaseStep: number;
  arm: ArmState;
  /** The episode's resolved parameters (phase lengths, capacity). */
  readonly params: TaskParams;
  /** Why the episode failed, once it has (for debugging). */
  failure?: string;
}

/** The effector as the observation shows it (float32 proprio). */
export interface ArmView {
  readonly x: number;
  readonly y: number;
  readonly grip: boolean;
  readonly holding: boolean;
}

export interface TaskDefinition<S extends TaskStateBase, V> {
  readonly id: S['task'];
  /** Instruction text given to the policy. */
  readonly text: string;
  readonly needsMemory: boolean;
  /** The task's parameters: phase lengths and capacity, each with a training range. */
  readonly params: readonly ParamSpec[];
  /** Episode time limit in control steps for a parameter setting. */
  maxSteps(params: TaskParams): number;
  /** Best success rate of a policy that sees only the current observation, for a setting (see README). */
  memorylessChance(params: TaskParams): number;
  /** The episode's initial state; `params` are resolved and validated (SimEnv does it). */
  create(random: SeededRandom, params: TaskParams): S;
  /** One control step: applies `command` unless the task is locked, then moves its phases on. */
  advance(state: S, command: ArmCommand): StepOutcome;
  /** true while the task ignores actions (cue, delay, shuffle, retract). */
  locked(state: S): boolean;
  /** Draws the scene, everything but the effector (drawn on top by the environment). */
  render(state: S, canvas: Canvas): void;
  /** Exactly what the observation shows: a function of the frame and proprio, and the reverse. */
  view(state: S): V;
  /** The scripted expert: reads the privileged state. */
  expert(state: Readonly<S>): ArmCommand;
  /** The best memoryless strategy: reads only the visible scene (and its own coin flips). */
  memoryless(view: V, random: SeededRandom): ArmCommand;
}

export function armView(arm: ArmState): ArmView {
  return { x: Math.fround(arm.x), y: Math.fround(arm.y), grip: arm.grip, holding: arm.holding };
}

/** Moves the task into `phase` and restarts its step counter. */
export function enterPhase<S extends TaskStateBase>(state: S, phase: S['phase']): void {
  state.phase = phase;
  state.phaseStep = 0;
}

/** Ends the episode as failed with a reason kept in the privileged state. */
export function fail(state: TaskStateBase, reason: string): StepOutcome {
  state.failure = reason;
  return 'failure';
}
