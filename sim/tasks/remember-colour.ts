// `remember-colour`: a colour is shown in the cue frame, hidden for a delay, then the policy must
// touch the pad of that colour among three. The pads' arrangement is independent of the cue, so
// a memoryless policy succeeds 1 time in 3.
import { TOUCH_RADIUS, armAtHome, distance, driveArm, holdArm } from '../arm.js';
import type { ArmState, Point } from '../arm.js';
import { COLOURS } from '../canvas.js';
import { idle, touch } from '../steering.js';
import { armView, enterPhase, fail } from './task.js';
import type { ArmView, TaskDefinition } from './task.js';

export const CUE_COLOURS = ['red', 'green', 'blue'] as const;
export type CueColour = (typeof CUE_COLOURS)[number];

const SLOTS: readonly Point[] = [
  { x: 0.22, y: 0.55 },
  { x: 0.5, y: 0.55 },
  { x: 0.78, y: 0.55 },
];
const PAD_RADIUS = 0.07;
const CUE_CENTRE: Readonly<Point> = { x: 0.5, y: 0.84 };
const CUE_HALF = 0.09;
export const COLOUR_PHASES = { cue: 10, delay: 10 } as const;

export interface RememberColourState {
  readonly task: 'remember-colour';
  phase: 'cue' | 'delay' | 'choose';
  phaseStep: number;
  arm: ArmState;
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
  maxSteps: 60,
  memorylessChance: 1 / 3,

  create(random) {
    const cue = CUE_COLOURS[random.int(3)] as CueColour;
    const pads = random.permutation(3).map((i) => CUE_COLOURS[i] as CueColour);
    return { task: 'remember-colour', phase: 'cue', phaseStep: 0, arm: armAtHome(), cue, pads };
  },

  advance(state, command) {
    state.phaseStep++;
    switch (state.phase) {
      case 'cue':
        holdArm(state.arm);
        if (state.phaseStep >= COLOUR_PHASES.cue) enterPhase(state, 'delay');
        return 'running';
      case 'delay':
        holdArm(state.arm);
        if (state.phaseStep >= COLOUR_PHASES.delay) enterPhase(state, 'choose');
        return 'running';
      case 'choose': {
        driveArm(state.arm, command);
        if (!state.arm.grip) return 'running';
        const touched = SLOTS.findIndex((slot) => distance(state.arm, slot) < TOUCH_RADIUS);
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
    state.pads.forEach((colour, i) => {
      const slot = SLOTS[i] as Point;
      canvas.disc(slot.x, slot.y, PAD_RADIUS, COLOURS[colour]);
    });
  },

  view: (state) => ({ arm: armView(state.arm), pads: [...state.pads], cue: state.phase === 'cue' ? state.cue : null }),

  expert(state) {
    if (state.phase !== 'choose') return idle();
    return touch(state.arm, SLOTS[state.pads.indexOf(state.cue)] as Point);
  },

  // Without the cue every colour is equally likely: always go for red.
  memoryless: (view) => touch(view.arm, SLOTS[view.pads.indexOf('red')] as Point),
};
