// The task table: every task the simulator serves, looked up by id, and the expert dispatch
// that works on privileged state whether it comes from SimEnv or from privileged_json.
import type { ArmCommand } from '../arm.js';
import { CONTROL_RATE_HZ } from '../arm.js';
import { quoted } from '../errors.js';
import { buttonSequence } from './button-sequence.js';
import type { ButtonSequenceState } from './button-sequence.js';
import { pickPlaceTwice } from './pick-place-twice.js';
import type { PickPlaceTwiceState } from './pick-place-twice.js';
import { reach } from './reach.js';
import type { ReachState } from './reach.js';
import { rememberColour } from './remember-colour.js';
import type { RememberColourState } from './remember-colour.js';
import { shellGame } from './shell-game.js';
import type { ShellGameState } from './shell-game.js';
import type { TaskDefinition, TaskStateBase } from './task.js';
import { legacyParams, resolveParams } from './params.js';
import type { ParamSpec, TaskParams } from './params.js';

/** Privileged state of any task, discriminated by `task`. */
export type TaskState = ReachState | ShellGameState | ButtonSequenceState | PickPlaceTwiceState | RememberColourState;
export type TaskId = TaskState['task'];

/**
 * What a client learns about a task (TaskInfo on the wire). `memorylessChance` and `maxSteps`
 * are those of the legacy setting (every parameter at `legacy`); each episode's own come with
 * its transitions (`setting`).
 */
export interface TaskInfo {
  readonly id: TaskId;
  readonly text: string;
  readonly needsMemory: boolean;
  readonly memorylessChance: number;
  readonly maxSteps: number;
  readonly controlRateHz: number;
  readonly params: readonly ParamSpec[];
}

/** A task with its types erased, as SimEnv drives it. */
export type AnyTaskDefinition = TaskDefinition<TaskStateBase, unknown>;

function erase<S extends TaskStateBase, V>(definition: TaskDefinition<S, V>): AnyTaskDefinition {
  return definition as unknown as AnyTaskDefinition;
}

const DEFINITIONS: ReadonlyMap<string, AnyTaskDefinition> = new Map(
  [erase(reach), erase(shellGame), erase(buttonSequence), erase(pickPlaceTwice), erase(rememberColour)].map((d) => [d.id, d]),
);

export const TASK_IDS: readonly TaskId[] = [...DEFINITIONS.keys()] as TaskId[];

export function isTaskId(id: string): id is TaskId {
  return DEFINITIONS.has(id);
}

export function taskDefinition(id: string): AnyTaskDefinition {
  const definition = DEFINITIONS.get(id);
  if (!definition) throw new RangeError(`unknown task ${quoted(id)}; known tasks: ${TASK_IDS.join(', ')}`);
  return definition;
}

export function taskInfo(id: TaskId): TaskInfo {
  const d = taskDefinition(id);
  const legacy = legacyParams(d.params);
  return {
    id,
    text: d.text,
    needsMemory: d.needsMemory,
    memorylessChance: d.memorylessChance(legacy),
    maxSteps: d.maxSteps(legacy),
    controlRateHz: CONTROL_RATE_HZ,
    params: d.params,
  };
}

/** A task's parameter specs (name, kind, training range, limit, legacy value, description). */
export function taskParamSpecs(id: string): readonly ParamSpec[] {
  return taskDefinition(id).params;
}

/** The parameters an episode of `task` with `seed` runs with: the seed's defaults, then `overrides` (validated). */
export function taskParams(task: string, seed: number, overrides: Readonly<Record<string, number>> = {}): TaskParams {
  return resolveParams(task, taskDefinition(task).params, seed, overrides);
}

/** Every task's parameters at their legacy values (the fixed timings the reference bundles were trained on). */
export function legacyTaskParams(id: string): TaskParams {
  return legacyParams(taskDefinition(id).params);
}

export function listTasks(): TaskInfo[] {
  return TASK_IDS.map(taskInfo);
}

/**
 * The scripted expert's action for a task state: from `SimEnv.state`, or from a transition's
 * privileged_json parsed over the socket (JSON keeps doubles exact, so both give the same action).
 */
export function expertCommand(state: Readonly<TaskState>): ArmCommand {
  return taskDefinition(state.task).expert(state);
}

/** The expert's action as the 3 floats [vx, vy, grip] a client sends. */
export function expertAction(state: Readonly<TaskState>): Float32Array {
  const { vx, vy, grip } = expertCommand(state);
  return Float32Array.of(vx, vy, grip);
}
