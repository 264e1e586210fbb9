// `button-sequence`: three buttons light up one after another, then look identical; press them
// in the order shown. Pressed buttons stay marked green, so a memoryless policy sees its progress
// but not the order: it guesses 1 of 3, then 1 of 2, and succeeds 1 time in 6.
import { TOUCH_RADIUS, armAtHome, distance, driveArm, holdArm, retractArm } from '../arm.js';
import type { ArmState, Point } from '../arm.js';
import { COLOURS } from '../canvas.js';
import { idle, touch } from '../steering.js';
import { armView, enterPhase, fail } from './task.js';
import type { ArmView, StepOutcome, TaskDefinition } from './task.js';

const BUTTONS: readonly Point[] = [
  { x: 0.22, y: 0.62 },
  { x: 0.5, y: 0.72 },
  { x: 0.78, y: 0.62 },
];
const BUTTON_RADIUS = 0.06;
/** Cue timing in control steps: dark lead-in, then each button lit, then dark, in turn. */
export const BUTTON_CUE = { leadIn: 2, lit: 8, gap: 2 } as const;
const CUE_STEPS = BUTTON_CUE.leadIn + BUTTONS.length * (BUTTON_CUE.lit + BUTTON_CUE.gap);

export interface ButtonSequenceState {
  readonly task: 'button-sequence';
  phase: 'cue' | 'press' | 'retract';
  phaseStep: number;
  arm: ArmState;
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
  const t = state.phaseStep - BUTTON_CUE.leadIn;
  if (t < 0) return -1;
  const period = BUTTON_CUE.lit + BUTTON_CUE.gap;
  const slot = Math.floor(t / period);
  return t % period < BUTTON_CUE.lit ? (state.order[slot] ?? -1) : -1;
}

function looks(state: Readonly<ButtonSequenceState>): ButtonLook[] {
  const lit = litButton(state);
  const done = new Set(state.order.slice(0, state.pressed));
  return BUTTONS.map((_, i) => (i === lit ? 'lit' : done.has(i) ? 'pressed' : 'idle'));
}

function press(state: ButtonSequenceState): StepOutcome {
  const done = state.order.slice(0, state.pressed);
  const hit = BUTTONS.findIndex((b, i) => !done.includes(i) && distance(state.arm, b) < TOUCH_RADIUS);
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
  maxSteps: 120,
  memorylessChance: 1 / 6,

  create(random) {
    return { task: 'button-sequence', phase: 'cue', phaseStep: 0, arm: armAtHome(), order: random.permutation(3), pressed: 0 };
  },

  advance(state, command) {
    state.phaseStep++;
    switch (state.phase) {
      case 'cue':
        holdArm(state.arm);
        if (state.phaseStep >= CUE_STEPS) enterPhase(state, 'press');
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
    looks(state).forEach((look, i) => {
      const b = BUTTONS[i] as Point;
      canvas.disc(b.x, b.y, BUTTON_RADIUS, colour[look]);
    });
  },

  view: (state) => ({ arm: armView(state.arm), buttons: looks(state) }),

  expert(state) {
    const next = state.order[state.pressed];
    return state.phase === 'press' && next !== undefined ? touch(state.arm, BUTTONS[next] as Point) : idle();
  },

  // The order is invisible once the cue ends: press the leftmost button not yet marked.
  memoryless(view) {
    const byX = [0, 1, 2].filter((i) => view.buttons[i] !== 'pressed');
    const next = byX[0];
    return next === undefined ? idle() : touch(view.arm, BUTTONS[next] as Point);
  },
};
