// `remember-colour`: a colour is shown in the cue frame, hidden for a delay, then the policy must
// touch the pad of that colour among 3, 5 or 9 (as MIKASA-Robo's RememberColor3/5/9). The pads'
// arrangement is independent of the cue, so a memoryless policy succeeds 1 time in `colours`.
import { TOUCH_RADIUS, armAtHome, distance, driveArm, holdArm } from '../arm.js';
import type { ArmState, Point } from '../arm.js';
import { COLOURS } from '../canvas.js';
import { pointAt, touch } from '../steering.js';
import { capacityParam, param, phaseParam, scaledMaxSteps } from './params.js';
import type { TaskParams } from './params.js';
import { armView, enterPhase, fail } from './task.js';
import type { ArmView, TaskDefinition } from './task.js';

/** The colours an episode with `colours` = N chooses among are the first N. */
export const CUE_COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'cyan', 'orange', 'white', 'pink'] as const;
export type CueColour = (typeof CUE_COLOURS)[number];

const row = (y: number, xs: readonly number[]): Point[] => xs.map((x) => ({ x, y }));
/** Pad slots per colour count: 3 in a row (the legacy layout), 5 in a row, 9 in a 3 x 3 grid. */
const LAYOUTS: Readonly<Record<number, readonly Point[]>> = {
  3: row(0.55, [0.22, 0.5, 0.78]),
  5: row(0.55, [0.14, 0.32, 0.5, 0.68, 0.86]),
  9: [0.28, 0.45, 0.62].flatMap((y) => row(y, [0.22, 0.5, 0.78])),
};
const PAD_RADIUS = 0.07;
const CUE_CENTRE: Readonly<Point> = { x: 0.5, y: 0.84 };
const CUE_HALF = 0.09;
/** Locked steps and the decision budget before there were parameters (cue 10 + delay 10, 60 steps). */
const LEGACY_LOCKED = 20;
const DECISION_BUDGET = 40;

function slots(params: TaskParams): readonly Point[] {
  const layout = LAYOUTS[param(params, 'colours')];
  if (!layout) throw new Error(`remember-colour: no layout for ${param(params, 'colours')} colours`);
  return layout;
}

export interface RememberColourState {
  readonly task: 'remember-colour';
  phase: 'cue' | 'delay' | 'choose';
  phaseStep: number;
  arm: ArmState;
  readonly params: TaskParams;
  readonly cue: CueColour;
  /** Colour of the pad in each slot, left to right. */
  readonly pads: readonly CueColour[];
  failure?: string;
}

export interface RememberColourView {
  readonly arm: ArmView;
  readonly pads: readonly CueColour[];
  /** Colour in the cue frame, or null when the frame is empty. */
  readonly cue: CueColour | null;
}

export const rememberColour: TaskDefinition<RememberColourState, RememberColourView> = {
  id: 'remember-colour',
  text: 'Remember the colour shown at the top, then touch the pad of that colour.',
  needsMemory: true,
  params: [
    phaseParam('cue', [5, 12], 10, 'steps the cue colour is shown'),
    phaseParam('delay', [5, 20], 10, 'steps the cue frame stays empty before the choice'),
    capacityParam('colours', [3, 5, 9], 3, 'pads (colours) to choose among: 3 in a row, 5 in a row, 9 in a 3 x 3 grid'),
  ],
  maxSteps: (params) => scaledMaxSteps(param(params, 'cue') + param(params, 'delay'), LEGACY_LOCKED, DECISION_BUDGET),
  memorylessChance: (params) => 1 / param(params, 'colours'),

  create(random, params) {
    const colours = param(params, 'colours');
    const cue = CUE_COLOURS[random.int(colours)] as CueColour;
    const pads = random.permutation(colours).map((i) => CUE_COLOURS[i] as CueColour);
    return { task: 'remember-colour', phase: 'cue', phaseStep: 0, arm: armAtHome(), params, cue, pads };
  },

  advance(state, command) {
    state.phaseStep++;
    switch (state.phase) {
      case 'cue':
        holdArm(state.arm);
        if (state.phaseStep >= param(state.params, 'cue')) enterPhase(state, 'delay');
        return 'running';
      case 'delay':
        holdArm(state.arm);
        if (state.phaseStep >= param(state.params, 'delay')) enterPhase(state, 'choose');
        return 'running';
      case 'choose': {
        driveArm(state.arm, command);
        if (!state.arm.grip) return 'running';
        const touched = slots(state.params).findIndex((slot) => distance(state.arm, slot) < TOUCH_RADIUS);
        if (touched < 0) return 'running';
        const colour = state.pads[touched];
        return colour === state.cue ? 'success' : fail(state, `touched the ${colour ?? '?'} pad; the cue was ${state.cue}`);
      }
    }
  },

  locked: (state) => state.phase !== 'choose',

  render(state, canvas) {
    canvas.square(CUE_CENTRE.x, CUE_CENTRE.y, CUE_HALF + 0.02, COLOURS.cueFrame);
    canvas.square(CUE_CENTRE.x, CUE_CENTRE.y, CUE_HALF, state.phase === 'cue' ? COLOURS[state.cue] : COLOURS.table);
    const layout = slots(state.params);
    state.pads.forEach((colour, i) => {
      const slot = layout[i] as Point;
      canvas.disc(slot.x, slot.y, PAD_RADIUS, COLOURS[colour]);
    });
  },

  view: (state) => ({ arm: armView(state.arm), pads: [...state.pads], cue: state.phase === 'cue' ? state.cue : null }),

  // While the arm is held the expert already points (gripper open) at the cue's pad: the cue is
  // shown from the first step, and the choice's start is not (steering.pointAt).
  expert(state) {
    const goal = slots(state.params)[state.pads.indexOf(state.cue)] as Point;
    return state.phase === 'choose' ? touch(state.arm, goal) : pointAt(state.arm, goal);
  },

  // Without the cue every colour is equally likely: always go for red (present at every count).
  memoryless: (view) => touch(view.arm, (LAYOUTS[view.pads.length] ?? [])[view.pads.indexOf('red')] as Point),
};
