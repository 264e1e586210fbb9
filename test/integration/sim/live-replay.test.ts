// Replay of a live recording by its applied-tick mapping: simulator step k applies the action
// recorded for tick k - 1; a tick without one (replaced before the socket took it) holds the
// previous action, as the real-time simulator did; a lock-step recording plays in order.
import { describe, expect, it } from 'vitest';
import type { EpisodeEnv, Transition } from '../../../src/core/interfaces.js';
import type { Action, Observation } from '../../../src/core/types.js';
import type { RecordedEpisode } from '../../../src/record/index.js';
import { replayActions } from '../../../src/runtime/replay.js';

const obs = (index: number): Observation => ({ cameras: [], proprio: new Float32Array(0), instruction: { taskId: 't', text: '' }, stampNs: index * 1e8, index });
const act = (v: number, tick?: number): Action => ({ values: Float32Array.of(v), stampNs: 0, hold: false, reason: '', ...(tick === undefined ? {} : { tick }) });

/** An environment that ends after `length` steps and remembers what it was given. */
function recordingEnv(length: number): EpisodeEnv & { applied: number[] } {
  let step = 0;
  const transition = (): Transition => ({ observation: obs(step), reward: 0, done: step >= length, success: step >= length });
  return {
    applied: [],
    reset: () => {
      step = 0;
      return Promise.resolve(transition());
    },
    step(action) {
      this.applied.push(action[0]!);
      step++;
      return Promise.resolve(transition());
    },
  };
}

const episode = (actions: Action[], steps: number): RecordedEpisode =>
  ({ file: 'f.mcap', info: { task: 't', seed: 0 }, observations: Array.from({ length: steps + 1 }, (_, i) => obs(i)), steps: [], actions, outcome: { success: true, steps } }) as unknown as RecordedEpisode;

describe('replayActions', () => {
  it('maps a live recording by tick, holding through a tick whose action never reached the simulator', async () => {
    const env = recordingEnv(5);
    const r = await replayActions(env, episode([act(0, 0), act(1, 1), act(3, 3), act(4, 4)], 5));
    expect(env.applied).toEqual([0, 1, 1, 3, 4]);
    expect(r.replayed).toEqual({ success: true, steps: 5 });
    expect(r.matches).toBe(true);
  });

  it('plays a lock-step recording one action per step, in order', async () => {
    const env = recordingEnv(3);
    await replayActions(env, episode([act(7), act(8), act(9)], 3));
    expect(env.applied).toEqual([7, 8, 9]);
  });
});
