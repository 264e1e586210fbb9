// Memoryless chance per parameter setting: the code (each task's memorylessChance(params)) and a
// check over 2000 seeds per setting that the best memoryless strategy succeeds at that rate
// (4 sigma), at every capacity and at phase lengths inside and beyond the training ranges.
import { describe, expect, it } from 'vitest';
import { SimEnv } from '../../../sim/env.js';
import { beyondParams } from '../../../sim/tasks/params.js';
import { TASK_IDS, taskParamSpecs } from '../../../sim/tasks/registry.js';
import { memorylessDriver, range, runEpisode } from './episodes.js';

const SEEDS = range(20_000, 2000);

interface Setting {
  readonly task: string;
  readonly params: Readonly<Record<string, number>>;
  readonly chance: number;
}

const SETTINGS: Setting[] = [
  { task: 'reach', params: {}, chance: 1 },
  { task: 'shell-game', params: { cups: 3 }, chance: 1 / 3 },
  { task: 'shell-game', params: { cups: 4 }, chance: 1 / 4 },
  { task: 'shell-game', params: { cups: 4, ...beyondParams(taskParamSpecs('shell-game'), 1.5) }, chance: 1 / 4 },
  { task: 'button-sequence', params: { buttons: 3 }, chance: 1 / 6 },
  { task: 'button-sequence', params: { buttons: 4 }, chance: 1 / 24 },
  { task: 'button-sequence', params: { buttons: 5 }, chance: 1 / 120 },
  { task: 'pick-place-twice', params: {}, chance: 1 / 4 },
  { task: 'pick-place-twice', params: beyondParams(taskParamSpecs('pick-place-twice'), 1.5), chance: 1 / 4 },
  { task: 'remember-colour', params: { colours: 3 }, chance: 1 / 3 },
  { task: 'remember-colour', params: { colours: 5 }, chance: 1 / 5 },
  { task: 'remember-colour', params: { colours: 9 }, chance: 1 / 9 },
  { task: 'remember-colour', params: { colours: 9, ...beyondParams(taskParamSpecs('remember-colour'), 1.5) }, chance: 1 / 9 },
];

describe('memoryless chance per parameter setting', () => {
  it('covers every task and every capacity value', () => {
    for (const task of TASK_IDS) {
      for (const spec of taskParamSpecs(task).filter((s) => s.kind === 'capacity')) {
        const covered = new Set(SETTINGS.filter((s) => s.task === task).map((s) => s.params[spec.name]));
        for (const v of spec.values ?? []) expect(covered.has(v), `${task} ${spec.name}=${v}`).toBe(true);
      }
    }
  });

  it.each(SETTINGS.map((s) => [`${s.task} ${JSON.stringify(s.params)}`, s] as const))('%s: the code gives the chance, and the memoryless strategy reaches it over 2000 seeds (4 sigma)', { timeout: 120_000 }, (_name, setting) => {
    // Small frames: the strategy reads the view, and rendering is most of a step's cost.
    const env = new SimEnv({ imageSize: 8 });
    const drive = memorylessDriver(7);
    let successes = 0;
    for (const seed of SEEDS) {
      const first = env.reset(setting.task, seed, { params: setting.params });
      expect(first.setting.memorylessChance).toBeCloseTo(setting.chance, 12);
      if (runEpisode(env, setting.task, seed, drive, undefined, setting.params).success) successes++;
    }
    const rate = successes / SEEDS.length;
    const sigma = Math.sqrt((setting.chance * (1 - setting.chance)) / SEEDS.length);
    if (setting.chance === 1) expect(rate).toBeGreaterThanOrEqual(0.98);
    else expect(Math.abs(rate - setting.chance), `rate ${rate} vs chance ${setting.chance}`).toBeLessThanOrEqual(4 * sigma);
  });
});
