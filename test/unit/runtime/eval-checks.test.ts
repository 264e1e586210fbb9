// The checks `evaluate` makes before running episodes: the control rate comes from the session's
// task list (not from the in-process simulator), and a bundle's limits against an action space.
import { describe, expect, it } from 'vitest';
import { checkControlRate, limitsOutside } from '../../../src/runtime/evaluate.js';
import type { SimTaskInfo } from '../../../src/transports/sim/index.js';

const task = (id: string, controlRateHz: number): SimTaskInfo => ({ id, text: id, needsMemory: false, memorylessChance: 0, maxSteps: 10, controlRateHz });

describe('checkControlRate', () => {
  it('accepts a bundle whose rate matches every task evaluated', () => {
    expect(() => checkControlRate('p', 15, ['a', 'b'], [task('a', 15), task('b', 15), task('c', 30)])).not.toThrow();
  });

  it("names the bundle, its rate, the task and the session's rate when they differ", () => {
    expect(() => checkControlRate('p', 10, ['a', 'c'], [task('a', 10), task('c', 30)])).toThrow("policy 'p': action.rate_hz is 10, the simulator runs task 'c' at 30 Hz");
  });

  it('names a task the simulator does not have', () => {
    expect(() => checkControlRate('p', 10, ['zz'], [task('a', 10)])).toThrow("the simulator has no task 'zz' (it has a)");
  });
});

describe('limitsOutside', () => {
  const space = { low: [-1, -1], high: [1, 1] };
  it('is empty when the limits fit', () => {
    expect(limitsOutside({ names: ['x', 'y'], low: [-1, -0.5], high: [1, 0.5] }, space)).toEqual([]);
  });
  it('names each dimension that reaches outside', () => {
    expect(limitsOutside({ names: ['x', 'y'], low: [-2, -1], high: [1, 1.5] }, space)).toEqual(['x [-2, 1] exceeds [-1, 1]', 'y [-1, 1.5] exceeds [-1, 1]']);
  });
  it('reports a different number of dimensions', () => {
    expect(limitsOutside({ names: ['x'], low: [0], high: [0] }, space)).toEqual(['the bundle has 1 action dims, the simulator takes 2']);
  });
});
