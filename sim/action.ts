// Validation of the action a client sends: 3 finite floats in [-1, 1] ([vx, vy, grip]).
// Anything else is refused with a 'bad-action' error naming the field and the value.
import type { ArmCommand } from './arm.js';
import { SimRequestError } from './errors.js';

export const ACTION_FIELDS = ['vx', 'vy', 'grip'] as const;
/** The action space: every value in [-1, 1]. */
export const ACTION_SPACE = Object.freeze({ low: Object.freeze([-1, -1, -1]), high: Object.freeze([1, 1, 1]) });

export function parseAction(values: ArrayLike<number>): ArmCommand {
  if (values.length !== ACTION_FIELDS.length) {
    throw new SimRequestError('bad-action', `action must have ${ACTION_FIELDS.length} values [vx, vy, grip], got ${values.length}`);
  }
  ACTION_FIELDS.forEach((field, i) => {
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < -1 || value > 1) {
      throw new SimRequestError('bad-action', `action[${i}] (${field}) must be a finite number in [-1, 1], got ${String(value)}`);
    }
  });
  return { vx: values[0] as number, vy: values[1] as number, grip: values[2] as number };
}
