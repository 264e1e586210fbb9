// Task parameters: resolution (per-seed defaults in the training ranges, overrides), validation
// (errors naming task, parameter and value; bounded limits), determinism per seed, the legacy
// setting, --beyond semantics, and episode limits that keep up with longer phases.
import { describe, expect, it } from 'vitest';
import { SimEnv } from '../../../sim/env.js';
import { SimRequestError } from '../../../sim/errors.js';
import { LIMIT_FACTOR, beyondParams, resolveParams } from '../../../sim/tasks/params.js';
import { TASK_IDS, legacyTaskParams, taskInfo, taskParamSpecs, taskParams } from '../../../sim/tasks/registry.js';
import { range } from './episodes.js';

const TIMED = TASK_IDS.filter((t) => taskParamSpecs(t).length > 0);

function refusal(run: () => unknown): SimRequestError {
  try {
    run();
  } catch (error) {
    if (error instanceof SimRequestError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('task parameters', () => {
  it('every history task has phase parameters and a capacity (except pick-place-twice), each with a legacy value in its training range', () => {
    for (const task of TASK_IDS) {
      const specs = taskParamSpecs(task);
      expect(specs.length > 0, task).toBe(taskInfo(task).needsMemory);
      for (const s of specs) {
        expect(s.train[0], `${task}.${s.name}`).toBeLessThanOrEqual(s.train[1]);
        expect(s.legacy).toBeGreaterThanOrEqual(s.train[0]);
        expect(s.legacy).toBeLessThanOrEqual(s.train[1]);
        expect(s.description.length).toBeGreaterThan(0);
        if (s.kind === 'phase') expect(s.limit[1]).toBe(LIMIT_FACTOR * s.train[1]);
        else expect(s.limit).toEqual(s.train);
      }
    }
    expect(taskParamSpecs('remember-colour').find((s) => s.name === 'colours')?.values).toEqual([3, 5, 9]);
    expect(taskParamSpecs('button-sequence').find((s) => s.name === 'buttons')?.values).toEqual([3, 4, 5]);
    expect(taskParamSpecs('shell-game').find((s) => s.name === 'cups')?.values).toEqual([3, 4]);
  });

  it.each(TIMED)('%s: defaults are drawn per seed within the training ranges, the same for a seed every time, and vary across seeds', (task) => {
    const specs = taskParamSpecs(task);
    const drawn = range(0, 300).map((seed) => taskParams(task, seed));
    for (const params of drawn) {
      for (const s of specs) {
        const v = params[s.name]!;
        expect(v).toBeGreaterThanOrEqual(s.train[0]);
        expect(v).toBeLessThanOrEqual(s.train[1]);
        if (s.values) expect(s.values).toContain(v);
      }
    }
    expect(range(0, 300).map((seed) => taskParams(task, seed))).toEqual(drawn);
    // Every value of every parameter occurs (300 seeds, at most 20 values each).
    for (const s of specs) {
      const seen = new Set(drawn.map((p) => p[s.name]));
      expect(seen.size, `${task}.${s.name}`).toBe(s.values ? s.values.length : s.train[1] - s.train[0] + 1);
    }
  });

  it('an override sets only its parameter; the seed draws the rest as without it', () => {
    const base = taskParams('shell-game', 5);
    const set = taskParams('shell-game', 5, { swaps: 11 });
    expect(set).toEqual({ ...base, swaps: 11 });
  });

  it('refuses unknown names, values outside the limits, values not in an enumeration and non-integers, naming task, parameter and value', () => {
    expect(() => taskParams('shell-game', 1, { juggles: 2 })).toThrow(/task shell-game: unknown parameter 'juggles' \(its parameters: show, cover, swap_steps, swaps, cups\)/);
    expect(() => taskParams('reach', 1, { swaps: 2 })).toThrow(/task reach: unknown parameter 'swaps' \(its parameters: none\)/);
    expect(() => taskParams('shell-game', 1, { swaps: 21 })).toThrow(/task shell-game: parameter swaps must be an integer in \[0, 20\] \(training range \[1, 5\]\), got 21/);
    expect(() => taskParams('remember-colour', 1, { delay: 0 })).toThrow(/parameter delay must be an integer in \[1, 80\].*got 0/);
    expect(() => taskParams('remember-colour', 1, { colours: 4 })).toThrow(/task remember-colour: parameter colours must be one of 3, 5, 9, got 4/);
    expect(() => taskParams('button-sequence', 1, { lit: 2.5 })).toThrow(/parameter lit must be an integer.*got 2\.5/);
    expect(() => taskParams('button-sequence', 1, { lit: Number.NaN })).toThrow(/parameter lit.*got NaN/);
    expect(() => taskParams('shell-game', 1, { swaps: 1e12 })).toThrow(RangeError);
  });

  it('SimEnv refuses a bad parameter as bad-reset and keeps no half-made episode', () => {
    const env = new SimEnv({ imageSize: 8 });
    const error = refusal(() => env.reset('button-sequence', 3, { params: { gap: 999 } }));
    expect(error.code).toBe('bad-reset');
    expect(error.message).toMatch(/task button-sequence: parameter gap .* got 999/);
    expect(env.active).toBe(false);
  });

  it.each(TIMED)('%s: the same seed and parameters give the same episode; the hidden answer does not depend on phase lengths', (task) => {
    const env = new SimEnv({ imageSize: 16 });
    const episode = (params: Record<string, number>): string[] => {
      const out: string[] = [];
      let t = env.reset(task, 42, { params });
      out.push(env.privilegedJson());
      while (!t.done) {
        t = env.step(env.expertAction());
        out.push(env.privilegedJson());
      }
      return out;
    };
    const longer = beyondParams(taskParamSpecs(task), 2);
    expect(episode(longer)).toEqual(episode(longer));
    expect(episode({})).toEqual(episode({}));
    expect(episode(longer)).not.toEqual(episode(legacyTaskParams(task)));
    // The scene's draws come from the task's own stream: longer phases keep the answer of the seed.
    const capacity = Object.fromEntries(taskParamSpecs(task).filter((s) => s.kind === 'capacity').map((s) => [s.name, s.legacy]));
    const answer = (params: Record<string, number>): Record<string, unknown> => {
      env.reset(task, 42, { params: { ...params, ...capacity } });
      const { phase: _phase, phaseStep: _step, params: _params, swaps, ...rest } = JSON.parse(env.privilegedJson()) as Record<string, unknown>;
      return { ...rest, ...(Array.isArray(swaps) ? { firstSwap: swaps[0] } : {}) };
    };
    expect(answer(longer)).toEqual(answer(legacyTaskParams(task)));
  });

  it('the legacy setting has the limits and chances the tasks had before parameters', () => {
    const at = (task: string): { maxSteps: number; memorylessChance: number } => new SimEnv({ imageSize: 8 }).reset(task, 0, { params: legacyTaskParams(task) }).setting;
    expect(at('reach')).toMatchObject({ maxSteps: 40, memorylessChance: 1 });
    expect(at('shell-game')).toMatchObject({ maxSteps: 80, memorylessChance: 1 / 3 });
    expect(at('button-sequence')).toMatchObject({ maxSteps: 120, memorylessChance: 1 / 6 });
    expect(at('pick-place-twice')).toMatchObject({ maxSteps: 140, memorylessChance: 1 / 4 });
    expect(at('remember-colour')).toMatchObject({ maxSteps: 60, memorylessChance: 1 / 3 });
    for (const task of TASK_IDS) {
      const { maxSteps, memorylessChance } = at(task);
      expect(taskInfo(task)).toMatchObject({ maxSteps, memorylessChance });
    }
  });

  it('--beyond sets every phase parameter to round(factor x its training max) and leaves capacity alone', () => {
    for (const task of TIMED) {
      const specs = taskParamSpecs(task);
      const beyond = beyondParams(specs, 1.5);
      for (const s of specs) expect(beyond[s.name], `${task}.${s.name}`).toBe(s.kind === 'phase' ? Math.round(1.5 * s.train[1]) : undefined);
    }
    expect(beyondParams(taskParamSpecs('remember-colour'), 1.5)).toEqual({ cue: 18, delay: 30 });
    expect(() => beyondParams(taskParamSpecs('shell-game'), 0)).toThrow(/beyond factor must be a positive number, got 0/);
  });

  it.each(TIMED)('%s: at every parameter\'s accepted maximum the expert still succeeds within the episode\'s own limit, and that limit is bounded', (task) => {
    const specs = taskParamSpecs(task);
    const env = new SimEnv({ imageSize: 8 });
    const longest = Object.fromEntries(specs.map((s) => [s.name, s.limit[1]]));
    const t = env.reset(task, 0, { params: longest });
    expect(t.setting.maxSteps).toBeLessThan(10_000);
    let last = t;
    while (!last.done) last = env.step(env.expertAction());
    expect(last.success, JSON.stringify(longest)).toBe(true);
    expect(last.step).toBeLessThanOrEqual(0.8 * last.setting.maxSteps);
  });

  it('resolveParams validates against the given specs only', () => {
    expect(resolveParams('t', [], 0, {})).toEqual({});
    expect(Object.isFrozen(resolveParams('t', [], 0, {}))).toBe(true);
  });
});
