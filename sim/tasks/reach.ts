// `reach`: the control task — go to the marked target. Nothing is hidden, so a memoryless
// policy solves it (the expert is one); it checks that a policy can steer at all.
import { HOME, armAtHome, distance, driveArm, snapToPixel } from '../arm.js';
import type { ArmState, Point } from '../arm.js';
import { COLOURS } from '../canvas.js';
import { steerToward } from '../steering.js';
import type { TaskParams } from './params.js';
import { armView } from './task.js';
import type { ArmView, TaskDefinition } from './task.js';

/** Effector distance to the target's centre that counts as reached. */
const REACH_RADIUS = 0.05;

export interface ReachState {
  readonly task: 'reach';
  phase: 'reach';
  phaseStep: number;
  arm: ArmState;
  readonly params: TaskParams;
  target: Point;
  failure?: string;
}

export interface ReachView {
  readonly arm: ArmView;
  readonly target: Point;
}

export const reach: TaskDefinition<ReachState, ReachView> = {
  id: 'reach',
  text: 'Move the gripper to the red target.',
  needsMemory: false,
  // Reach has no phases to time: it is free from the first step.
  params: [],
  maxSteps: () => 40,
  memorylessChance: () => 1,

  create(random, params) {
    return {
      task: 'reach',
      phase: 'reach',
      phaseStep: 0,
      arm: armAtHome(),
      params,
      target: { x: snapToPixel(random.uniform(0.15, 0.85)), y: snapToPixel(random.uniform(HOME.y + 0.25, 0.85)) },
    };
  },

  advance(state, command) {
    state.phaseStep++;
    driveArm(state.arm, command);
    return distance(state.arm, state.target) < REACH_RADIUS ? 'success' : 'running';
  },

  locked: () => false,

  render(state, canvas) {
    canvas.ring(state.target.x, state.target.y, 0.025, REACH_RADIUS, COLOURS.target);
  },

  view: (state) => ({ arm: armView(state.arm), target: { ...state.target } }),

  expert: (state) => steerToward(state.arm, state.target, -1),

  // The target is visible: the expert's law applied to the view is the best memoryless policy.
  memoryless: (view) => steerToward(view.arm, view.target, -1),
};
