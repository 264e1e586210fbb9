// `pick-place-twice`: carry the block from the start pad A to the goal pad B, back to A, to B
// again, then touch the finish pad. After placements 1 and 3 the scene is the same (block on B,
// effector home): only memory tells "pick it again" from "finish" (memoryless chance 1/4). After
// each placement the effector retracts home and then waits there, locked, for `pause` steps.
import { HOME, TOUCH_RADIUS, armAtHome, distance, driveArm, holdArm, isHome, retractArm, snapToPixel } from '../arm.js';
import type { ArmCommand, ArmState, Point } from '../arm.js';
import { COLOURS } from '../canvas.js';
import type { SeededRandom } from '../random.js';
import { carryTo, pointAt, steerToward, touch } from '../steering.js';
import { param, phaseParam } from './params.js';
import type { TaskParams } from './params.js';
import { armView, enterPhase, fail } from './task.js';
import type { ArmView, StepOutcome, TaskDefinition } from './task.js';

const PAD_HALF = 0.07;
const BLOCK_HALF = 0.035;
const FINISH_RADIUS = 0.06;
const FINISH: Readonly<Point> = { x: 0.5, y: 0.8 };
/** Placements before the finish pad counts: A→B, B→A, A→B. */
const PLACEMENTS = 3;
/** The limit before there were pauses; each pause step adds two (one per locked step, one of slack) per placement. */
const LEGACY_MAX_STEPS = 140;

export interface PickPlaceTwiceState {
  readonly task: 'pick-place-twice';
  phase: 'work' | 'retract' | 'pause';
  phaseStep: number;
  arm: ArmState;
  readonly params: TaskParams;
  /** Pad centres: [0] is the start pad A, [1] the goal pad B. */
  readonly pads: readonly [Point, Point];
  /** Pad the block rests on, or null while it is held. */
  blockPad: 0 | 1 | null;
  /** Pad the held block was picked from. */
  pickedFrom: 0 | 1 | null;
  placements: number;
  failure?: string;
}

export interface PickPlaceTwiceView {
  readonly arm: ArmView;
  readonly pads: readonly [Point, Point];
  /** Pad the block is seen on (null while held: it is drawn at the effector). */
  readonly blockPad: 0 | 1 | null;
}

function otherPad(pad: 0 | 1): 0 | 1 {
  return pad === 0 ? 1 : 0;
}

/** A release places the block when the effector is this close to the destination pad's centre. */
function onPad(arm: Point, pad: Point): boolean {
  return distance(arm, pad) < TOUCH_RADIUS;
}

function work(state: PickPlaceTwiceState): StepOutcome {
  const { arm } = state;
  if (arm.holding) {
    if (arm.grip) return 'running';
    const to = otherPad(state.pickedFrom ?? 0);
    if (!onPad(arm, state.pads[to])) return fail(state, `released the block at (${arm.x.toFixed(3)}, ${arm.y.toFixed(3)}), off pad ${to}`);
    arm.holding = false;
    state.blockPad = to;
    state.pickedFrom = null;
    state.placements++;
    enterPhase(state, 'retract');
    return 'running';
  }
  if (!arm.grip) return 'running';
  if (distance(arm, FINISH) < TOUCH_RADIUS) {
    return state.placements === PLACEMENTS ? 'success' : fail(state, `touched the finish pad after ${state.placements} placements`);
  }
  if (state.blockPad !== null && distance(arm, state.pads[state.blockPad]) < TOUCH_RADIUS) {
    if (state.placements === PLACEMENTS) return fail(state, 'picked the block again after the third placement');
    arm.holding = true;
    state.pickedFrom = state.blockPad;
    state.blockPad = null;
  }
  return 'running';
}

/** Lane offset the memoryless strategy carries along: above the pads toward B, below toward A. */
const LANE = 0.12;
const DROP_OFFSET = 0.04;

/**
 * Memoryless carrying: the block's origin is invisible mid-carry, so the strategy keeps it in
 * its pose — lift off the pad up (toward B) or down (toward A), travel in that lane and release
 * just above (or below) the destination's centre, a spot a fresh pick never starts from.
 */
function carryWithoutMemory(view: PickPlaceTwiceView): ArmCommand {
  const { arm, pads } = view;
  const lineY = pads[0].y;
  const justPicked = pads.findIndex((p) => Math.abs(arm.x - p.x) < 0.02 && Math.abs(arm.y - p.y) < 0.03);
  if (justPicked >= 0) {
    const pad = pads[justPicked] as Point;
    return steerToward(arm, { x: pad.x, y: lineY + (justPicked === 0 ? LANE : -LANE) }, 1);
  }
  const towardGoal = arm.y > lineY;
  const pad = towardGoal ? pads[1] : pads[0];
  return carryTo(arm, { x: pad.x, y: pad.y + (towardGoal ? DROP_OFFSET : -DROP_OFFSET) });
}

/** Memoryless choice with the block on B: a coin at home, then the goal its heading points to. */
function finishOrPickWithoutMemory(view: PickPlaceTwiceView, random: SeededRandom): ArmCommand {
  const goal = view.pads[1];
  if (isHome(view.arm)) return random.next() < 0.5 ? touch(view.arm, goal) : touch(view.arm, FINISH);
  const heading = { x: view.arm.x - HOME.x, y: view.arm.y - HOME.y };
  const cosine = (p: Point): number => (heading.x * (p.x - HOME.x) + heading.y * (p.y - HOME.y)) / Math.hypot(p.x - HOME.x, p.y - HOME.y);
  return touch(view.arm, cosine(goal) >= cosine(FINISH) ? goal : FINISH);
}

export const pickPlaceTwice: TaskDefinition<PickPlaceTwiceState, PickPlaceTwiceView> = {
  id: 'pick-place-twice',
  text: 'Move the block from the blue pad to the yellow pad, back, and to the yellow pad again; then touch the purple pad.',
  needsMemory: true,
  params: [phaseParam('pause', [0, 8], 0, 'steps the effector waits at home (locked) after each placement', 0)],
  maxSteps: (params) => LEGACY_MAX_STEPS + 2 * PLACEMENTS * param(params, 'pause'),
  memorylessChance: () => 1 / 4,

  create(random, params) {
    const y = snapToPixel(random.uniform(0.42, 0.52));
    const left = { x: snapToPixel(random.uniform(0.22, 0.28)), y };
    const right = { x: snapToPixel(random.uniform(0.72, 0.78)), y };
    const pads: [Point, Point] = random.next() < 0.5 ? [left, right] : [right, left];
    return { task: 'pick-place-twice', phase: 'work', phaseStep: 0, arm: armAtHome(), params, pads, blockPad: 0, pickedFrom: null, placements: 0 };
  },

  advance(state, command) {
    state.phaseStep++;
    switch (state.phase) {
      case 'retract':
        if (retractArm(state.arm)) enterPhase(state, param(state.params, 'pause') > 0 ? 'pause' : 'work');
        return 'running';
      case 'pause':
        holdArm(state.arm);
        if (state.phaseStep >= param(state.params, 'pause')) enterPhase(state, 'work');
        return 'running';
      case 'work':
        driveArm(state.arm, command);
        return work(state);
    }
  },

  locked: (state) => state.phase !== 'work',

  render(state, canvas) {
    const [a, b] = state.pads;
    canvas.square(a.x, a.y, PAD_HALF, COLOURS.startPad);
    canvas.square(b.x, b.y, PAD_HALF, COLOURS.goalPad);
    canvas.disc(FINISH.x, FINISH.y, FINISH_RADIUS, COLOURS.finishPad);
    const block = state.blockPad === null ? state.arm : state.pads[state.blockPad];
    canvas.square(Math.fround(block.x), Math.fround(block.y), BLOCK_HALF, COLOURS.block);
  },

  view: (state) => ({ arm: armView(state.arm), pads: [{ ...state.pads[0] }, { ...state.pads[1] }], blockPad: state.blockPad }),

  // While the arm retracts or waits at home the expert points (gripper open) at its next goal, so
  // its label does not depend on when the pause ends (steering.pointAt).
  expert(state) {
    const { arm } = state;
    if (arm.holding) return carryTo(arm, state.pads[otherPad(state.pickedFrom ?? 0)]);
    const goal = state.placements === PLACEMENTS || state.blockPad === null ? FINISH : state.pads[state.blockPad];
    return state.phase === 'work' ? touch(arm, goal) : pointAt(arm, goal);
  },

  memoryless(view, random) {
    if (view.arm.holding) return carryWithoutMemory(view);
    if (view.blockPad === 0) return touch(view.arm, view.pads[0]);
    return finishOrPickWithoutMemory(view, random);
  },
};
