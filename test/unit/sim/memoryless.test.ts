// Memoryless chance: the best memoryless strategy succeeds at the computed rate, and it is fair —
// it reads only what the observation shows (the visible view and the frame determine each other),
// while the frames at decision time are the same whatever the hidden past.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SimEnv } from '../../../sim/env.js';
import type { EnvTransition } from '../../../sim/env.js';
import { TASK_IDS } from '../../../sim/tasks/registry.js';
import { expertDriver, memorylessDriver, range, runEpisode } from './episodes.js';

const SEEDS = range(10_000, 400);

function frameKey(t: EnvTransition): string {
  return createHash('sha1').update(t.observation.cameras[0]!.data).update(new Uint8Array(t.observation.proprio.buffer)).digest('hex');
}

describe('memoryless chance', () => {
  it.each(TASK_IDS)('%s: the memoryless strategy succeeds at the computed chance of each seed\'s setting (4 sigma over 400 seeds)', (task) => {
    const env = new SimEnv({ imageSize: 8 });
    const drive = memorylessDriver(1);
    const chances = SEEDS.map((seed) => env.reset(task, seed).setting.memorylessChance);
    const rate = SEEDS.filter((seed) => runEpisode(env, task, seed, drive).success).length / SEEDS.length;
    const chance = chances.reduce((a, b) => a + b, 0) / SEEDS.length;
    const sigma = Math.sqrt(chances.reduce((n, p) => n + p * (1 - p), 0)) / SEEDS.length;
    if (chance === 1) expect(rate).toBeGreaterThanOrEqual(0.98);
    else expect(Math.abs(rate - chance)).toBeLessThanOrEqual(4 * sigma);
  });

  it.each(TASK_IDS)('%s: the visible view and the observation determine each other', (task) => {
    const env = new SimEnv();
    const viewOfFrame = new Map<string, string>();
    const frameOfView = new Map<string, string>();
    const check = (t: EnvTransition): void => {
      const frame = frameKey(t);
      const view = JSON.stringify(env.view());
      expect(viewOfFrame.get(frame) ?? view).toBe(view);
      expect(frameOfView.get(view) ?? frame).toBe(frame);
      viewOfFrame.set(frame, view);
      frameOfView.set(view, frame);
    };
    for (const seed of range(0, 25)) {
      runEpisode(env, task, seed, expertDriver, check);
      runEpisode(env, task, seed, memorylessDriver(seed), check);
    }
    expect(viewOfFrame.size).toBe(frameOfView.size);
  });
});

/** The first observation at which the policy may act again after the given condition. */
function firstFreeFrames(task: string, seed: number, when: (env: SimEnv) => boolean): string[] {
  const env = new SimEnv();
  const frames: string[] = [];
  let wasLocked = true;
  runEpisode(env, task, seed, expertDriver, (t) => {
    if (!t.locked && wasLocked && when(env)) frames.push(frameKey(t));
    wasLocked = t.locked;
  });
  return frames;
}

describe('the past is invisible at decision time', () => {
  const seeds = range(0, 30);

  /** The frames each seed gives, grouped by the seed's value of a capacity parameter. */
  function byCapacity(task: string, capacity: string, frame: (seed: number) => string | undefined): Map<number, Set<string | undefined>> {
    const groups = new Map<number, Set<string | undefined>>();
    for (const seed of seeds) {
      const value = new SimEnv().reset(task, seed).setting.params[capacity]!;
      groups.set(value, (groups.get(value) ?? new Set()).add(frame(seed)));
    }
    return groups;
  }

  it('shell-game: the choice frame is the same for every seed with as many cups, whichever cup hides the block', () => {
    const groups = byCapacity('shell-game', 'cups', (seed) => firstFreeFrames('shell-game', seed, () => true)[0]);
    expect([...groups.keys()].sort()).toEqual([3, 4]);
    for (const frames of groups.values()) expect(frames.size).toBe(1);
  });

  it('button-sequence: the first press frame is the same for every order with as many buttons', () => {
    const first = (seed: number): string | undefined => firstFreeFrames('button-sequence', seed, (e) => e.state.task === 'button-sequence' && e.state.pressed === 0)[0];
    const groups = byCapacity('button-sequence', 'buttons', first);
    expect(groups.size).toBeGreaterThan(1);
    for (const frames of groups.values()) expect(frames.size).toBe(1);
  });

  it('remember-colour: the choice frame does not depend on the cue colour', () => {
    const env = new SimEnv();
    const byArrangement = new Map<string, Set<string>>();
    const cues = new Map<string, Set<string>>();
    for (const seed of seeds) {
      env.reset('remember-colour', seed);
      const state = env.state;
      if (state.task !== 'remember-colour') throw new Error('wrong task');
      const key = state.pads.join(',');
      const frame = firstFreeFrames('remember-colour', seed, () => true)[0] ?? '';
      byArrangement.set(key, (byArrangement.get(key) ?? new Set()).add(frame));
      cues.set(key, (cues.get(key) ?? new Set()).add(state.cue));
    }
    for (const frames of byArrangement.values()) expect(frames.size).toBe(1);
    expect(Math.max(...[...cues.values()].map((c) => c.size))).toBeGreaterThan(1);
  });

  it('pick-place-twice: the scene after the third placement is the scene after the first', () => {
    for (const seed of seeds.slice(0, 10)) {
      const afterPlacement = (n: number) => (e: SimEnv) => e.state.task === 'pick-place-twice' && e.state.placements === n;
      const [afterFirst] = firstFreeFrames('pick-place-twice', seed, afterPlacement(1));
      const [afterThird] = firstFreeFrames('pick-place-twice', seed, afterPlacement(3));
      expect(afterThird).toBeDefined();
      expect(afterThird).toBe(afterFirst);
    }
  });
});
