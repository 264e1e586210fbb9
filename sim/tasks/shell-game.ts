// `shell-game`: a block is shown, cups come down over it, the cups swap places (animated), then
// the policy must touch the cup hiding the block. At decision time the three cups look alike
// and the block's slot is uniform, so a memoryless policy succeeds 1 time in 3.
import { TOUCH_RADIUS, armAtHome, distance, driveArm, holdArm } from '../arm.js';
import type { ArmState, Point } from '../arm.js';
import { COLOURS } from '../canvas.js';
import type { Canvas } from '../canvas.js';
import { steerToward, touch } from '../steering.js';
import { armView, enterPhase, fail } from './task.js';
import type { ArmView, StepOutcome, TaskDefinition } from './task.js';

const SLOTS: readonly Point[] = [
  { x: 0.25, y: 0.6 },
  { x: 0.5, y: 0.6 },
  { x: 0.75, y: 0.6 },
];
const PAIRS: readonly (readonly [number, number])[] = [
  [0, 1],
  [1, 2],
  [0, 2],
];
const CUP_RADIUS = 0.07;
const BLOCK_HALF = 0.035;
/** Height of the raised cups while the block is shown. */
const LIFT = 0.16;
/** Height of a swap's arc: the cup moving right passes above, the other below. */
const ARC = 0.13;
export const SHELL_PHASES = { show: 10, cover: 4, swap: 12, swaps: 3 } as const;

export interface ShellGameState {
  readonly task: 'shell-game';
  phase: 'show' | 'cover' | 'swap' | 'choose';
  phaseStep: number;
  arm: ArmState;
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
function cupCentres(state: Readonly<ShellGameState>): Point[] {
  if (state.phase === 'show') return SLOTS.map((s) => ({ x: s.x, y: s.y + LIFT }));
  if (state.phase === 'cover') {
    const lift = LIFT * (1 - state.phaseStep / SHELL_PHASES.cover);
    return SLOTS.map((s) => ({ x: s.x, y: s.y + lift }));
  }
  const cups = SLOTS.map((s) => ({ ...s }));
  const pair = state.swaps[state.swapsDone];
  if (state.phase !== 'swap' || pair === undefined) return cups;
  const u = smoothstep(state.phaseStep / SHELL_PHASES.swap);
  const [left, right] = pair;
  const from = SLOTS[left] as Point;
  const to = SLOTS[right] as Point;
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
  return state.phase === 'show' || state.phase === 'cover' ? { ...(SLOTS[state.shownSlot] as Point) } : null;
}

function choose(state: ShellGameState): StepOutcome {
  const touched = SLOTS.findIndex((slot) => distance(state.arm, slot) < TOUCH_RADIUS);
  if (touched < 0) return 'running';
  if (touched === state.blockSlot) return 'success';
  return fail(state, `touched the cup in slot ${touched}; the block is under slot ${state.blockSlot}`);
}

export const shellGame: TaskDefinition<ShellGameState, ShellGameView> = {
  id: 'shell-game',
  text: 'Watch the block under the cups, then touch the cup that hides it.',
  needsMemory: true,
  maxSteps: 80,
  memorylessChance: 1 / 3,

  create(random) {
    const shownSlot = random.int(3);
    const swaps = Array.from({ length: SHELL_PHASES.swaps }, () => PAIRS[random.int(PAIRS.length)] as [number, number]);
    return { task: 'shell-game', phase: 'show', phaseStep: 0, arm: armAtHome(), shownSlot, blockSlot: shownSlot, swaps, swapsDone: 0 };
  },

  advance(state, command) {
    if (state.phase === 'choose') {
      state.phaseStep++;
      driveArm(state.arm, command);
      return state.arm.grip ? choose(state) : 'running';
    }
    holdArm(state.arm);
    state.phaseStep++;
    if (state.phase === 'show' && state.phaseStep >= SHELL_PHASES.show) enterPhase(state, 'cover');
    else if (state.phase === 'cover' && state.phaseStep >= SHELL_PHASES.cover) enterPhase(state, 'swap');
    else if (state.phase === 'swap' && state.phaseStep >= SHELL_PHASES.swap) {
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
    state.phase === 'choose' ? touch(state.arm, SLOTS[state.blockSlot] as Point) : steerToward(state.arm, cupCentres(state)[state.blockSlot] as Point, -1),

  // Nothing visible tells the cups apart, so any fixed choice is as good as any other: the leftmost.
  memoryless: (view) => touch(view.arm, view.cups[0] ?? (SLOTS[0] as Point)),
};
