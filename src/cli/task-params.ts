// The task-parameter flags shared by collect, eval, sim and run: `--param name=value`
// (repeatable; applies to every selected task that has the parameter), `--beyond <factor>`
// (every phase parameter at round(factor x its training maximum)) and `--split`.
import { LIMIT_FACTOR, TASK_IDS, beyondParams, checkParam, legacyTaskParams, taskParamSpecs } from '../../sim/index.js';
import type { ParamSpec } from '../../sim/index.js';
import { table } from '../core/text-table.js';

/** Overrides per task id (only tasks with at least one override appear). */
export type TaskOverrides = Readonly<Record<string, Readonly<Record<string, number>>>>;

export type SplitChoice = 'train' | 'test' | 'all';

/** Commander's collector for a repeatable option. */
export function repeatable(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

function parseAssignment(text: string): [string, number] {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(-?\d+)$/.exec(text);
  if (!match) throw new RangeError(`--param: expected name=integer (e.g. swaps=5), got '${text.slice(0, 64)}'`);
  return [match[1] as string, Number(match[2])];
}

export function parseBeyond(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const factor = Number(text);
  if (!Number.isFinite(factor) || factor <= 0 || factor > LIMIT_FACTOR) throw new RangeError(`--beyond: expected a factor in (0, ${LIMIT_FACTOR}], got '${text}'`);
  return factor;
}

export function parseSplit(text: string, option = '--split'): SplitChoice {
  if (text !== 'train' && text !== 'test' && text !== 'all') throw new RangeError(`${option}: expected train, test or all, got '${text}'`);
  return text;
}

/**
 * The overrides each task gets from `--param` and `--beyond`: --beyond first, --param on top.
 * A --param that none of `tasks` has, or a value outside a task's limits, is a RangeError.
 */
export function taskOverrides(tasks: readonly string[], params: readonly string[] = [], beyond?: number): TaskOverrides {
  const out: Record<string, Record<string, number>> = {};
  for (const task of tasks) out[task] = beyond === undefined ? {} : beyondParams(taskParamSpecs(task), beyond);
  for (const text of params) {
    const [name, value] = parseAssignment(text);
    const having = tasks.filter((task) => taskParamSpecs(task).some((s) => s.name === name));
    if (having.length === 0) {
      const known = [...new Set(tasks.flatMap((t) => taskParamSpecs(t).map((s) => s.name)))];
      throw new RangeError(`--param ${name}: none of the tasks (${tasks.join(', ')}) has a parameter '${name}' (theirs: ${known.join(', ') || 'none'})`);
    }
    for (const task of having) out[task]![name] = checkParam(task, taskParamSpecs(task).find((s) => s.name === name)!, value);
  }
  return Object.fromEntries(Object.entries(out).filter(([, o]) => Object.keys(o).length > 0));
}

/** `--param` flags that pin every parameter of `tasks` to its legacy value (the old fixed timings). */
export function legacyParamFlags(tasks: readonly string[] = TASK_IDS): string[] {
  return [...new Set(tasks.flatMap((t) => Object.entries(legacyTaskParams(t)).map(([name, value]) => `${name}=${value}`)))];
}

const range = (s: ParamSpec): string => (s.values ? s.values.join(' | ') : `${s.train[0]}..${s.train[1]}`);

/** The parameter table of `momento sim --list-params` and `--help`. */
export function paramsTable(): string {
  const rows = TASK_IDS.flatMap((task) =>
    taskParamSpecs(task).map((s) => [task, s.name, s.kind, range(s), s.values ? s.values.join(' | ') : `${s.limit[0]}..${s.limit[1]}`, String(s.legacy), s.description]),
  );
  return table(['task', 'parameter', 'kind', 'training range', 'accepted', 'legacy', 'what it sets'], rows);
}
