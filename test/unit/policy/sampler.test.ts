// DDIM's sampling timesteps: evenly spaced over [0, train_steps - 1], largest first, rounded half
// up, so that the training script's schedule and the runtime's are the same integers.
import { describe, expect, it } from 'vitest';
import { ddimTimesteps } from '../../../src/policy/sampler.js';

describe('ddimTimesteps', () => {
  it('50 training steps sampled in 4: 49, 33, 16, 0', () => {
    expect(ddimTimesteps(50, 4)).toEqual([49, 33, 16, 0]);
  });

  it('one step samples at the last training step; as many steps as training steps visit each', () => {
    expect(ddimTimesteps(50, 1)).toEqual([49]);
    expect(ddimTimesteps(5, 5)).toEqual([4, 3, 2, 1, 0]);
    expect(ddimTimesteps(1000, 2)).toEqual([999, 0]);
  });

  it('is strictly decreasing from train_steps - 1 to 0, each tau the rounded even spacing', () => {
    for (const [train, steps] of [[1000, 10], [50, 7], [100, 3], [17, 16]] as const) {
      const taus = ddimTimesteps(train, steps);
      expect(taus).toHaveLength(steps);
      expect(taus[0]).toBe(train - 1);
      expect(taus.at(-1)).toBe(0);
      taus.forEach((tau, j) => {
        const i = steps - 1 - j;
        const exact = (i * (train - 1)) / (steps - 1);
        expect(Math.abs(tau - exact)).toBeLessThanOrEqual(0.5);
        if (j > 0) expect(tau).toBeLessThan(taus[j - 1]!);
      });
    }
  });

  it('refuses a step count outside [1, train_steps], naming both', () => {
    expect(() => ddimTimesteps(50, 0)).toThrow('ddim: steps must be in [1, train_steps=50], got 0');
    expect(() => ddimTimesteps(50, 51)).toThrow(RangeError);
  });
});
