// `button-sequence`: 3 to 5 buttons light up one after another, then look identical; press them
// in the order shown. Pressed buttons stay marked green, so a memoryless policy sees its progress
// but not the order: it guesses 1 of n, then 1 of n - 1, …, and succeeds 1 time in n!.
import { TOUCH_RADIUS, armAtHome, distance, driveArm, holdArm, retractArm } from '../arm.js';
import type { ArmState, Point } from '../arm.js';
import { COLOURS } from '../canvas.js';
import { idle, pointAt, touch } from '../steering.js';
import { capacityParam, param, phaseParam, scaledMaxSteps } from './params.js';
import type { TaskParams } from './params.js';
import { armView, enterPhase, fail } from './task.js';
import type { ArmView, StepOutcome, TaskDefinition } from './task.js';

const at = (x: number, y: number): Point => ({ x, y });
/** Button centres per button count, left to right along an arc (3: the legacy layout). */
const LAYOUTS: Readonly<Record<number, readonly Point[]>> = {
  3: [at(0.22, 0.62), at(0.5, 0.72), at(0.78, 0.62)],
  4: [at(0.2, 0.62), at(0.4, 0.72), at(0.6, 0.72), at(0.8, 0.62)],
  5: [at(0.14, 0.6), at(0.32, 0.68), at(0.5, 0.74), at(0.68, 0.68), at(0.86, 0.6)],
};
const BUTTON_RADIUS = 0.06;
/** The legacy cue (2 dark + 3 x (8 lit + 2 dark)) and the press budget of its 120-step limit. */
const LEGACY_CUE_STEPS = 32;
const PRESS_BUDGET = 88;
/** Extra press budget per button beyond three. */
const BUDGET_PER_BUTTON = 30;

function buttons(params: TaskParams): readonly Point[] {
  const layout = LAYOUTS[param(params, 'buttons')];
  if (!layout) throw new Error(`button-sequence: no layout for ${param(params, 'buttons')} buttons`);
  return layout;
}

/** Cue length in control steps: dark lead-in, then each button lit, then dark, in turn. */
function cueSteps(params: TaskParams): number {
  return param(params, 'lead_in') + param(params, 'buttons') * (param(params, 'lit') + param(params, 'gap'));
}

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

export interface ButtonSequenceState {
  readonly task: 'button-sequence';
  phase: 'cue' | 'press' | 'retract';
  phaseStep: number;
  arm: ArmState;
  readonly params: TaskParams;
  /** Button indices in the order shown (and to be pressed). */
  readonly order: readonly number[];
  /** Buttons pressed correctly so far. */
  pressed: number;
  failure?: string;
}

export type ButtonLook = 'idle' | 'lit' | 'pressed';

export interface ButtonSequenceView {
  readonly arm: ArmView;
  /** Look of each button, in fixed left-to-right slot order. */
  readonly buttons: readonly ButtonLook[];
}

/** Index of the button lit at this point of the cue, or -1 between lights. */
function litButton(state: Readonly<ButtonSequenceState>): number {
  if (state.phase !== 'cue') return -1;
  const t = state.phaseStep - param(state.params, 'lead_in');
  if (t < 0) return -1;
  const lit = param(state.params, 'lit');
  const period = lit + param(state.params, 'gap');
  const slot = Math.floor(t / period);
  return t % period < lit ? (state.order[slot] ?? -1) : -1;
}

function looks(state: Readonly<ButtonSequenceState>): ButtonLook[] {
  const lit = litButton(state);
  const done = new Set(state.order.slice(0, state.pressed));
  return buttons(state.params).map((_, i) => (i === lit ? 'lit' : done.has(i) ? 'pressed' : 'idle'));
}

function press(state: ButtonSequenceState): StepOutcome {
  const done = state.order.slice(0, state.pressed);
  const hit = buttons(state.params).findIndex((b, i) => !done.includes(i) && distance(state.arm, b) < TOUCH_RADIUS);
  if (hit < 0) return 'running';
  const expected = state.order[state.pressed] as number;
  if (hit !== expected) return fail(state, `pressed button ${hit} as press ${state.pressed + 1}; expected button ${expected}`);
  state.pressed++;
  if (state.pressed === state.order.length) return 'success';
  enterPhase(state, 'retract');
  return 'running';
}

export const buttonSequence: TaskDefinition<ButtonSequenceState, ButtonSequenceView> = {
  id: 'button-sequence',
  text: 'Watch the buttons light up, then press them in the same order.',
  needsMemory: true,
  params: [
    phaseParam('lead_in', [1, 4], 2, 'dark steps before the first light', 0),
    phaseParam('lit', [4, 10], 8, 'steps each button stays lit'),
    phaseParam('gap', [1, 6], 2, 'dark steps after each light', 0),
    capacityParam('buttons', [3, 4, 5], 3, 'buttons to press in order'),
  ],
  maxSteps: (params) => scaledMaxSteps(cueSteps(params), LEGACY_CUE_STEPS, PRESS_BUDGET + BUDGET_PER_BUTTON * (param(params, 'buttons') - 3)),
  memorylessChance: (params) => 1 / factorial(param(params, 'buttons')),

  create(random, params) {
    return { task: 'button-sequence', phase: 'cue', phaseStep: 0, arm: armAtHome(), params, order: random.permutation(param(params, 'buttons')), pressed: 0 };
  },

  advance(state, command) {
    state.phaseStep++;
    switch (state.phase) {
      case 'cue':
        holdArm(state.arm);
        if (state.phaseStep >= cueSteps(state.params)) enterPhase(state, 'press');
        return 'running';
      case 'retract':
        if (retractArm(state.arm)) enterPhase(state, 'press');
        return 'running';
      case 'press':
        driveArm(state.arm, command);
        return state.arm.grip ? press(state) : 'running';
    }
  },

  locked: (state) => state.phase !== 'press',

  render(state, canvas) {
    const colour = { idle: COLOURS.buttonIdle, lit: COLOURS.buttonLit, pressed: COLOURS.buttonPressed } as const;
    const layout = buttons(state.params);
    looks(state).forEach((look, i) => {
      const b = layout[i] as Point;
      canvas.disc(b.x, b.y, BUTTON_RADIUS, colour[look]);
    });
  },

  view: (state) => ({ arm: armView(state.arm), buttons: looks(state) }),

  // While the arm is held (the cue, the retract after a press) the expert points (gripper open)
  // at the next button once the cue has shown it, so its label does not depend on when the press
  // phase starts (steering.pointAt); before the first light nothing says where to go: idle.
  expert(state) {
    const next = state.order[state.pressed];
    if (next === undefined) return idle();
    const goal = buttons(state.params)[next] as Point;
    if (state.phase === 'press') return touch(state.arm, goal);
    if (state.phase === 'cue' && state.phaseStep < param(state.params, 'lead_in')) return idle();
    return pointAt(state.arm, goal);
  },

  // The order is invisible once the cue ends: press the leftmost button not yet marked.
  memoryless(view) {
    const next = view.buttons.findIndex((look) => look !== 'pressed');
    const layout = LAYOUTS[view.buttons.length] ?? [];
    return next < 0 ? idle() : touch(view.arm, layout[next] as Point);
  },
};
