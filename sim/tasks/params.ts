// Task parameters: every phase length and the capacity of each task is a named integer with a
// training range. A reset draws each one per seed (its own random stream, so the scene's draws
// do not depend on the parameters) and a client may override any of them within a bounded range.
import { quoted } from '../errors.js';
import { SeededRandom } from '../random.js';

/**
 * 'phase': a phase length or a count of repeated phases (scaled by `--beyond`);
 * 'capacity': how many things to tell apart (kept in range by `--beyond`).
 */
export type ParamKind = 'phase' | 'capacity';

export interface ParamSpec {
  readonly name: string;
  readonly kind: ParamKind;
  /** Training range, inclusive; defaults are drawn uniformly from it (or from `values`). */
  readonly train: readonly [number, number];
  /** When set, the only values the parameter takes (training and beyond): an enumeration. */
  readonly values?: readonly number[];
  /** Accepted range, inclusive: a client cannot make the simulator allocate or run without limit. */
  readonly limit: readonly [number, number];
  /** The value the task had before it had parameters (what the reference bundles were trained on). */
  readonly legacy: number;
  readonly description: string;
}

/** Resolved parameters of one episode, by name. */
export type TaskParams = Readonly<Record<string, number>>;

/** How far beyond the training maximum an override may go. */
export const LIMIT_FACTOR = 4;

/** An integer parameter whose accepted range reaches LIMIT_FACTOR x its training maximum. */
export function phaseParam(name: string, train: readonly [number, number], legacy: number, description: string, minimum = 1): ParamSpec {
  return { name, kind: 'phase', train, limit: [minimum, LIMIT_FACTOR * train[1]], legacy, description };
}

/** A capacity parameter: only `values` are accepted (the scene has a layout for each). */
export function capacityParam(name: string, values: readonly number[], legacy: number, description: string): ParamSpec {
  const train: [number, number] = [Math.min(...values), Math.max(...values)];
  return { name, kind: 'capacity', train, values, limit: train, legacy, description };
}

/** Draws every parameter from its training range with the seed's parameter stream. */
export function drawParams(task: string, specs: readonly ParamSpec[], seed: number): Record<string, number> {
  const random = new SeededRandom(seed, `${task}/params`);
  const params: Record<string, number> = {};
  for (const spec of specs) {
    const values = spec.values;
    params[spec.name] = values ? (values[random.int(values.length)] as number) : spec.train[0] + random.int(spec.train[1] - spec.train[0] + 1);
  }
  return params;
}

/** Checks one override; the error names the task, the parameter and the value. */
export function checkParam(task: string, spec: ParamSpec, value: number): number {
  const [low, high] = spec.limit;
  if (spec.values) {
    if (!spec.values.includes(value)) throw new RangeError(`task ${task}: parameter ${spec.name} must be one of ${spec.values.join(', ')}, got ${value}`);
  } else if (!Number.isSafeInteger(value) || value < low || value > high) {
    throw new RangeError(`task ${task}: parameter ${spec.name} must be an integer in [${low}, ${high}] (training range [${spec.train[0]}, ${spec.train[1]}]), got ${value}`);
  }
  return value;
}

/** The seed's defaults with `overrides` applied; an unknown name or a value out of range throws a RangeError. */
export function resolveParams(task: string, specs: readonly ParamSpec[], seed: number, overrides: Readonly<Record<string, number>> = {}): TaskParams {
  const params = drawParams(task, specs, seed);
  for (const [name, value] of Object.entries(overrides)) {
    const spec = specs.find((s) => s.name === name);
    if (!spec) {
      const known = specs.length > 0 ? specs.map((s) => s.name).join(', ') : 'none';
      throw new RangeError(`task ${task}: unknown parameter ${quoted(name)} (its parameters: ${known})`);
    }
    params[name] = checkParam(task, spec, value);
  }
  return Object.freeze(params);
}

/** The parameters as they were before there were parameters. */
export function legacyParams(specs: readonly ParamSpec[]): TaskParams {
  return Object.freeze(Object.fromEntries(specs.map((s) => [s.name, s.legacy])));
}

/** `--beyond factor`: every phase parameter at round(factor x its training maximum), clamped to its limit. */
export function beyondParams(specs: readonly ParamSpec[], factor: number): Record<string, number> {
  if (!Number.isFinite(factor) || factor <= 0) throw new RangeError(`beyond factor must be a positive number, got ${factor}`);
  const out: Record<string, number> = {};
  for (const s of specs) if (s.kind === 'phase') out[s.name] = Math.min(s.limit[1], Math.max(s.limit[0], Math.round(factor * s.train[1])));
  return out;
}

/** A parameter the task read that its spec does not declare: a bug in the task, not a client error. */
export function param(params: TaskParams, name: string): number {
  const value = params[name];
  if (value === undefined) throw new Error(`task parameter '${name}' was not resolved`);
  return value;
}

/**
 * Episode limit for tasks whose locked phases vary: the locked steps plus a decision budget that
 * grows in proportion once they exceed the legacy ones, so that the legacy setting keeps its
 * legacy limit and a longer scene never leaves less time to act.
 */
export function scaledMaxSteps(locked: number, legacyLocked: number, budget: number): number {
  return locked + Math.max(budget, Math.ceil((locked * budget) / legacyLocked));
}
