// The control law of the scripted experts: proportional velocity toward a goal, scaled so that
// no component leaves [-1, 1], and a grip that closes only once the effector has arrived.
// Smooth and a function of the visible scene, so behaviour cloning can fit it.
import { IDLE_COMMAND, MAX_SPEED, distance } from './arm.js';
import type { ArmCommand, Point } from './arm.js';

/** Fraction of the remaining distance covered per step when close (the proportional gain). */
const GAIN = 0.5;
/** Distance to the goal under which the expert counts as arrived and acts (grip or release). */
export const ARRIVE_DISTANCE = 0.015;

/** Velocity command toward `goal`: proportional near it, saturated (direction kept) far from it. */
export function steerToward(from: Point, goal: Point, grip: number): ArmCommand {
  let vx = (GAIN * (goal.x - from.x)) / MAX_SPEED;
  let vy = (GAIN * (goal.y - from.y)) / MAX_SPEED;
  const largest = Math.max(Math.abs(vx), Math.abs(vy));
  if (largest > 1) {
    vx /= largest;
    vy /= largest;
  }
  return { vx, vy, grip };
}

/** Go to `goal` with the gripper open, then close it there (touch, press or pick). */
export function touch(from: Point, goal: Point): ArmCommand {
  const arrived = distance(from, goal) < ARRIVE_DISTANCE;
  return steerToward(from, goal, arrived ? 1 : -1);
}

/** Carry with the gripper closed to `goal`, then open it there (place). */
export function carryTo(from: Point, goal: Point): ArmCommand {
  const arrived = distance(from, goal) < ARRIVE_DISTANCE;
  return steerToward(from, goal, arrived ? -1 : 1);
}

/** What experts send while the task ignores actions and nothing shown yet says where to go: stay still, gripper open. */
export function idle(): ArmCommand {
  return IDLE_COMMAND;
}

/**
 * What experts send while the task ignores actions (the arm is held or retracting) once the scene
 * has shown where to go next: the move toward `goal`, gripper open. It costs nothing in the
 * simulator, and it keeps behaviour cloning's target from depending on when the lock ends, which
 * nothing in an observation shows (an idle label there makes a policy guess the release time).
 */
export function pointAt(from: Point, goal: Point): ArmCommand {
  return steerToward(from, goal, -1);
}
