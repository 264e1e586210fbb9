// `shell-game`: a block is shown, cups come down over it, the cups swap places (animated), then
// the policy must touch the cup hiding the block. At decision time the 3 or 4 cups look alike
// and the block's slot is uniform, so a memoryless policy succeeds 1 time in `cups`.
import { TOUCH_RADIUS, armAtHome, distance, driveArm, holdArm } from '../arm.js';
import type { ArmState, Point } from '../arm.js';
import { COLOURS } from '../canvas.js';
import type { Canvas } from '../canvas.js';
import { pointAt, touch } from '../steering.js';
import { capacityParam, param, phaseParam, scaledMaxSteps } from './params.js';
import type { TaskParams } from './params.js';
import { armView, enterPhase, fail } from './task.js';
import type { ArmView, StepOutcome, TaskDefinition } from './task.js';

const row = (xs: readonly number[]): Point[] => xs.map((x) => ({ x, y: 0.6 }));
/** Cup slots per cup count (3: the legacy layout). */
const LAYOUTS: Readonly<Record<number, readonly Point[]>> = { 3: row([0.25, 0.5, 0.75]), 4: row([0.2, 0.4, 0.6, 0.8]) };
/** The slot pairs a swap draws from, per cup count (3: the legacy order). */
const PAIRS: Readonly<Record<number, readonly (readonly [number, number])[]>> = {
  3: [[0, 1], [1, 2], [0, 2]],
  4: [[0, 1], [1, 2], [2, 3], [0, 2], [1, 3], [0, 3]],
};
/** Locked steps (show 10, cover 4, 3 swaps x 12) and choice budget of the legacy 80-step limit. */
const LEGACY_LOCKED = 50;
const CHOICE_BUDGET = 30;

function slots(params: TaskParams): readonly Point[] {
  const layout = LAYOUTS[param(params, 'cups')];
  if (!layout) throw new Error(`shell-game: no layout for ${param(params, 'cups')} cups`);
  return layout;
}

function lockedSteps(params: TaskParams): number {
  return param(params, 'show') + param(params, 'cover') + param(params, 'swaps') * param(params, 'swap_steps');
}
const CUP_RADIUS = 0.07;
const BLOCK_HALF = 0.035;
/** Height of the raised cups while the block is shown. */
const LIFT = 0.16;
/**
 * Below this height the lowering cups hide the block at 64 x 64, so it is no longer drawn (nor in
 * the view): the legacy cover (4 steps) never went lower before the cups were down.
 */
const BLOCK_VISIBLE_LIFT = 0.04;
/** Height of a swap's arc: the cup moving right passes above, the other below. */
const ARC = 0.13;

export interface ShellGameState {
  readonly task: 'shell-game';
  phase: 'show' | 'cover' | 'swap' | 'choose';
  phaseStep: number;
  arm: ArmState;
  readonly params: TaskParams;
  /** Slot the block was shown in. */
  readonly shownSlot: number;
  /** Slot whose cup now hides the block. */
  blockSlot: number;
  /** The slot pairs swapped, in order. */
  readonly swaps: readonly (readonly [number, number])[];
  /** Swaps completed so far. */
  swapsDone: number;
  failure?: string;
}

export interface ShellGameView {
  readonly arm: ArmView;
  /** Cup centres (the cups look alike), sorted by x then y. */
  readonly cups: readonly Point[];
  /** Where the block is drawn, while it is drawn (the cups hide it once down). */
  readonly block: Point | null;
}

function smoothstep(t: number): number {
  return t * t * (3 - 2 * t);
}

/** Cup centres for the state's phase: raised, lowering, swapping along arcs, or resting. */
function coverLift(state: Readonly<ShellGameState>): number {
  return LIFT * (1 - state.phaseStep / param(state.params, 'cover'));
}

function cupCentres(state: Readonly<ShellGameState>): Point[] {
  const layout = slots(state.params);
  if (state.phase === 'show') return layout.map((s) => ({ x: s.x, y: s.y + LIFT }));
  if (state.phase === 'cover') {
    const lift = coverLift(state);
    return layout.map((s) => ({ x: s.x, y: s.y + lift }));
  }
  const cups = layout.map((s) => ({ ...s }));
  const pair = state.swaps[state.swapsDone];
  if (state.phase !== 'swap' || pair === undefined) return cups;
  const u = smoothstep(state.phaseStep / param(state.params, 'swap_steps'));
  const [left, right] = pair;
  const from = layout[left] as Point;
  const to = layout[right] as Point;
  const lift = ARC * Math.sin(Math.PI * u);
  cups[left] = { x: from.x + (to.x - from.x) * u, y: from.y + lift };
  cups[right] = { x: to.x + (from.x - to.x) * u, y: from.y - lift };
  return cups;
}

function drawCup(canvas: Canvas, centre: Point): void {
  canvas.disc(centre.x, centre.y, CUP_RADIUS, COLOURS.cupRim);
  canvas.disc(centre.x, centre.y, CUP_RADIUS - 0.02, COLOURS.cup);
}

function blockDrawn(state: Readonly<ShellGameState>): Point | null {
  const shown = state.phase === 'show' || (state.phase === 'cover' && coverLift(state) >= BLOCK_VISIBLE_LIFT - 1e-9);
  return shown ? { ...(slots(state.params)[state.shownSlot] as Point) } : null;
}

function choose(state: ShellGameState): StepOutcome {
  const touched = slots(state.params).findIndex((slot) => distance(state.arm, slot) < TOUCH_RADIUS);
  if (touched < 0) return 'running';
  if (touched === state.blockSlot) return 'success';
  return fail(state, `touched the cup in slot ${touched}; the block is under slot ${state.blockSlot}`);
}

export const shellGame: TaskDefinition<ShellGameState, ShellGameView> = {
  id: 'shell-game',
  text: 'Watch the block under the cups, then touch the cup that hides it.',
  needsMemory: true,
  params: [
    phaseParam('show', [6, 14], 10, 'steps the block is shown under the raised cups'),
    phaseParam('cover', [2, 6], 4, 'steps the cups take to come down'),
    phaseParam('swap_steps', [8, 16], 12, 'steps each swap takes'),
    phaseParam('swaps', [1, 5], 3, 'swaps of a random pair of cups', 0),
    capacityParam('cups', [3, 4], 3, 'cups in a row'),
  ],
  maxSteps: (params) => scaledMaxSteps(lockedSteps(params), LEGACY_LOCKED, CHOICE_BUDGET),
  memorylessChance: (params) => 1 / param(params, 'cups'),

  create(random, params) {
    const cups = param(params, 'cups');
    const pairs = PAIRS[cups] ?? [];
    const shownSlot = random.int(cups);
    const swaps = Array.from({ length: param(params, 'swaps') }, () => pairs[random.int(pairs.length)] as [number, number]);
    return { task: 'shell-game', phase: 'show', phaseStep: 0, arm: armAtHome(), params, shownSlot, blockSlot: shownSlot, swaps, swapsDone: 0 };
  },

  advance(state, command) {
    if (state.phase === 'choose') {
      state.phaseStep++;
      driveArm(state.arm, command);
      return state.arm.grip ? choose(state) : 'running';
    }
    holdArm(state.arm);
    state.phaseStep++;
    if (state.phase === 'show' && state.phaseStep >= param(state.params, 'show')) enterPhase(state, 'cover');
    else if (state.phase === 'cover' && state.phaseStep >= param(state.params, 'cover')) enterPhase(state, state.swaps.length > 0 ? 'swap' : 'choose');
    else if (state.phase === 'swap' && state.phaseStep >= param(state.params, 'swap_steps')) {
      const [a, b] = state.swaps[state.swapsDone] as [number, number];
      if (state.blockSlot === a) state.blockSlot = b;
      else if (state.blockSlot === b) state.blockSlot = a;
      state.swapsDone++;
      enterPhase(state, state.swapsDone >= state.swaps.length ? 'choose' : 'swap');
    }
    return 'running';
  },

  locked: (state) => state.phase !== 'choose',

  render(state, canvas) {
    const block = blockDrawn(state);
    if (block) canvas.square(block.x, block.y, BLOCK_HALF, COLOURS.block);
    for (const cup of cupCentres(state)) drawCup(canvas, cup);
  },

  view(state) {
    const cups = cupCentres(state).sort((a, b) => a.x - b.x || a.y - b.y);
    return { arm: armView(state.arm), cups, block: blockDrawn(state) };
  },

  // While the scene plays, actions are ignored; the expert still points (gripper open) at the cup
  // that holds the block. That costs nothing in the simulator but gives behaviour cloning a target
  // at every call that depends on tracking the block, not only at the final choice.
  expert: (state) =>
    state.phase === 'choose' ? touch(state.arm, slots(state.params)[state.blockSlot] as Point) : pointAt(state.arm, cupCentres(state)[state.blockSlot] as Point),

  // Nothing visible tells the cups apart, so any fixed choice is as good as any other: the leftmost.
  memoryless: (view) => touch(view.arm, view.cups[0] ?? { x: 0.5, y: 0.6 }),
};
