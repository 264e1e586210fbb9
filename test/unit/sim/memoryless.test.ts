// Memoryless chance: the best memoryless strategy succeeds at the computed rate, and it is fair —
// it reads only what the observation shows (the visible view and the frame determine each other),
// while the frames at decision time are the same whatever the hidden past.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SimEnv } from '../../../sim/env.js';
import type { EnvTransition } from '../../../sim/env.js';
import { TASK_IDS, taskInfo } from '../../../sim/tasks/registry.js';
import { expertDriver, memorylessDriver, range, runEpisode, successRate } from './episodes.js';

const SEEDS = range(10_000, 400);

function frameKey(t: EnvTransition): string {
  return createHash('sha1').update(t.observation.cameras[0]!.data).update(new Uint8Array(t.observation.proprio.buffer)).digest('hex');
}

describe('memoryless chance', () => {
  it.each(TASK_IDS)('%s: the memoryless strategy succeeds at the computed chance (4 sigma over 400 seeds)', (task) => {
    const chance = taskInfo(task).memorylessChance;
    const rate = successRate(task, SEEDS, memorylessDriver(1));
    const sigma = Math.sqrt((chance * (1 - chance)) / SEEDS.length);
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

  it('shell-game: the choice frame is the same for every seed, whichever cup hides the block', () => {
    expect(new Set(seeds.map((seed) => firstFreeFrames('shell-game', seed, () => true)[0])).size).toBe(1);
  });

  it('button-sequence: the first press frame is the same for every order', () => {
    const first = (seed: number): string | undefined => firstFreeFrames('button-sequence', seed, (e) => e.state.task === 'button-sequence' && e.state.pressed === 0)[0];
    expect(new Set(seeds.map(first)).size).toBe(1);
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
