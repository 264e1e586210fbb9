// The scripted experts: every task solved in >= 98 % of seeds, with actions in range that only
// need the privileged state as JSON (as a client gets it over the socket).
import { describe, expect, it } from 'vitest';
import { SimEnv } from '../../../sim/env.js';
import { expertAction } from '../../../sim/tasks/registry.js';
import type { TaskState } from '../../../sim/tasks/registry.js';
import { TASK_IDS } from '../../../sim/tasks/registry.js';
import { expertDriver, range, runEpisode, successRate } from './episodes.js';

describe('scripted experts', () => {
  it.each(TASK_IDS)('%s: the expert succeeds in at least 98 %% of 100 seeds', (task) => {
    expect(successRate(task, range(0, 100), expertDriver)).toBeGreaterThanOrEqual(0.98);
  });

  it.each(TASK_IDS)('%s: expert actions stay in [-1, 1] and follow from privileged_json alone', (task) => {
    const env = new SimEnv();
    const drive = (e: SimEnv): Float32Array => {
      const action = e.expertAction();
      expect(expertAction(JSON.parse(e.privilegedJson()) as TaskState)).toEqual(action);
      for (const v of action) expect(Math.abs(v)).toBeLessThanOrEqual(1);
      return action;
    };
    expect(runEpisode(env, task, 1234, drive).success).toBe(true);
  });

  // Nothing in an observation says when these tasks' locks end (the end of a delay, a pause, the
  // last gap of the cue), so a label that changed at the release (idle, then a move) would make
  // behaviour cloning guess the release time from elapsed steps. (shell-game's lock ends with the
  // last swap, in view; its expert points at the moving cup and then touches the cup's slot.)
  it.each(['button-sequence', 'pick-place-twice', 'remember-colour'])(
    '%s: the label on the last locked step is the label of the first free one when the arm has not moved',
    (task) => {
      const env = new SimEnv();
      let checked = 0;
      for (const seed of range(0, 40)) {
        let t = env.reset(task, seed);
        while (!t.done) {
          const before = { locked: t.locked, proprio: Array.from(t.observation.proprio), action: Array.from(env.expertAction()) };
          t = env.step(env.expertAction());
          if (!before.locked || t.locked || t.done || !Array.from(t.observation.proprio).every((v, i) => v === before.proprio[i])) continue;
          expect(before.action, `${task} seed ${seed} step ${t.step}`).toEqual(Array.from(env.expertAction()));
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(20);
    },
  );

  it('finishes each episode well inside its time limit (its own, for its parameters)', () => {
    const env = new SimEnv();
    for (const task of TASK_IDS) {
      const ratios = range(0, 30).map((seed) => {
        const t = runEpisode(env, task, seed, expertDriver);
        return t.step / t.setting.maxSteps;
      });
      expect(Math.max(...ratios), task).toBeLessThanOrEqual(0.8);
    }
  });
});
