// SimEnv: deterministic episodes, simulated stamps, locked phases that ignore actions, the
// automatic retract, refused actions and requests, time limits and image size.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SimEnv } from '../../../sim/env.js';
import { SimRequestError } from '../../../sim/errors.js';
import { SeededRandom } from '../../../sim/random.js';
import { HOME } from '../../../sim/arm.js';
import { TASK_IDS } from '../../../sim/tasks/registry.js';
import { expertDriver, runEpisode } from './episodes.js';

/** SHA-256 of the frames and proprio of an episode driven by seeded random actions. */
function randomEpisode(task: string, seed: number, actionSeed: number): string {
  const env = new SimEnv();
  const random = new SeededRandom(actionSeed, 'actions');
  const hash = createHash('sha256');
  let t = env.reset(task, seed);
  for (let i = 0; i < 60 && !t.done; i++) {
    hash.update(t.observation.cameras[0]!.data).update(new Uint8Array(t.observation.proprio.buffer));
    t = env.step([random.uniform(-1, 1), random.uniform(-1, 1), random.uniform(-1, 0.2)]);
  }
  return hash.digest('hex');
}

function refusal(run: () => unknown): SimRequestError {
  try {
    run();
  } catch (error) {
    if (error instanceof SimRequestError) return error;
    throw error;
  }
  throw new Error('expected a SimRequestError');
}

describe('SimEnv', () => {
  it.each(TASK_IDS)('%s: same seed and actions give byte-identical observations', (task) => {
    expect(randomEpisode(task, 11, 3)).toEqual(randomEpisode(task, 11, 3));
    expect(randomEpisode(task, 12, 3)).not.toEqual(randomEpisode(task, 11, 3));
  });

  it('stamps observations with simulated time and indexes them by step', () => {
    const env = new SimEnv();
    const seen: [number, number, number][] = [];
    runEpisode(env, 'reach', 1, expertDriver, (t) => seen.push([t.step, t.observation.index, t.observation.stampNs]));
    seen.forEach(([step, index, stampNs]) => {
      expect(index).toBe(step);
      expect(stampNs).toBe(step * 1e8);
    });
    const t = env.reset('reach', 1);
    expect(t.observation.cameras[0]).toMatchObject({ name: 'rgb', height: 64, width: 64, channels: 3 });
    expect(t.observation.instruction.taskId).toBe('reach');
    expect(t.observation.proprio).toHaveLength(4);
  });

  it('ignores actions while locked: the effector stays home with the gripper open', () => {
    const env = new SimEnv();
    let t = env.reset('shell-game', 4);
    while (t.locked) {
      t = env.step([1, 1, 1]);
      if (t.locked) expect(Array.from(t.observation.proprio)).toEqual([HOME.x, Math.fround(HOME.y), 0, 0]);
    }
    expect(env.state.phase).toBe('choose');
    const { show, cover, swaps, swap_steps: swapSteps } = env.setting.params;
    expect(t.step).toBe(show! + cover! + swaps! * swapSteps!);
  });

  it('retracts the effector home by itself after a press, locked until it arrives', () => {
    const env = new SimEnv();
    let t = env.reset('button-sequence', 2);
    while (env.state.task === 'button-sequence' && env.state.pressed === 0) t = env.step(env.expertAction());
    expect(t.locked).toBe(true);
    let retractSteps = 0;
    while (t.locked) {
      t = env.step([-1, -1, 1]);
      retractSteps++;
    }
    expect(retractSteps).toBeGreaterThan(2);
    expect(env.state.arm).toMatchObject({ x: HOME.x, y: HOME.y, grip: false });
  });

  it('refuses bad actions with a bad-action error naming the field and value, and keeps the episode', () => {
    const env = new SimEnv();
    env.reset('reach', 3);
    expect(refusal(() => env.step([0, 0])).message).toMatch(/3 values.*got 2/);
    expect(refusal(() => env.step([0, Number.NaN, 0]))).toMatchObject({ code: 'bad-action', message: expect.stringMatching(/action\[1\] \(vy\).*NaN/) });
    expect(refusal(() => env.step([Number.POSITIVE_INFINITY, 0, 0])).message).toMatch(/action\[0\] \(vx\).*Infinity/);
    expect(refusal(() => env.step([0, 0, 1.5])).message).toMatch(/action\[2\] \(grip\).*1\.5/);
    expect(env.step([0, 0, 0]).step).toBe(1);
  });

  it('refuses steps without an episode or after its end, and unknown tasks', () => {
    const env = new SimEnv();
    expect(refusal(() => env.step([0, 0, 0])).code).toBe('no-episode');
    expect(refusal(() => env.reset('juggling', 1)).code).toBe('unknown-task');
    expect(refusal(() => env.reset('reach', -4)).code).toBe('bad-reset');
    expect(refusal(() => env.reset('reach', 1, { imageSize: 4 })).code).toBe('bad-reset');
    let t = env.reset('remember-colour', 1);
    while (!t.done) t = env.step([0, 0, -1]);
    expect(t).toMatchObject({ done: true, success: false, outcome: 'timeout', step: env.info.maxSteps, reward: 0 });
    expect(refusal(() => env.step([0, 0, 0])).code).toBe('episode-done');
  });

  it('renders at the requested image size', () => {
    const frame = new SimEnv({ imageSize: 32 }).reset('shell-game', 1, { imageSize: 96 }).observation.cameras[0]!;
    expect([frame.height, frame.width, frame.data.length]).toEqual([96, 96, 96 * 96 * 3]);
    expect(new SimEnv({ imageSize: 32 }).reset('reach', 1).observation.cameras[0]!.data).toHaveLength(32 * 32 * 3);
  });

  it('rewards 1 on the step that succeeds', () => {
    const t = runEpisode(new SimEnv(), 'reach', 9, expertDriver);
    expect(t).toMatchObject({ success: true, reward: 1, outcome: 'success' });
  });
});
