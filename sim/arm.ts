// The tabletop's effector: constants of the unit-square world (speed, home, radii) and the
// kinematics every task shares — driven by actions when free, held or retracted home when locked.

export const CONTROL_RATE_HZ = 10;
/** Simulated nanoseconds per control step (lock-step stamps are step * STEP_NS). */
export const STEP_NS = 1e8;
/** Effector displacement per control step and axis at |v| = 1. */
export const MAX_SPEED = 0.05;
/** Effector displacement per control step while it retracts home by itself. */
export const RETRACT_SPEED = 0.08;
/** Effector distance to an object's centre within which a grip touches, presses or picks it. */
export const TOUCH_RADIUS = 0.06;
export const HOME: Readonly<Point> = Object.freeze({ x: 0.5, y: 0.12 });
const ARM_MIN = 0.02;
const ARM_MAX = 0.98;

export interface Point {
  x: number;
  y: number;
}

/** The effector: position in the unit square, gripper closed (or press active), block held. */
export interface ArmState {
  x: number;
  y: number;
  grip: boolean;
  holding: boolean;
}

/** A validated action: velocities in [-1, 1] and the grip command (> 0 closes / presses). */
export interface ArmCommand {
  readonly vx: number;
  readonly vy: number;
  readonly grip: number;
}

export const IDLE_COMMAND: ArmCommand = Object.freeze({ vx: 0, vy: 0, grip: -1 });

export function armAtHome(): ArmState {
  return { x: HOME.x, y: HOME.y, grip: false, holding: false };
}

/**
 * Snaps a random coordinate to a pixel centre of the default 64 x 64 image, so that a layout
 * drawn there shows no sub-pixel differences the frame cannot tell apart.
 */
export function snapToPixel(value: number): number {
  return (Math.floor(value * 64) + 0.5) / 64;
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

/** Moves the effector by one control step of `command` and sets the gripper from its grip value. */
export function driveArm(arm: ArmState, command: ArmCommand): void {
  arm.x = clamp(arm.x + command.vx * MAX_SPEED, ARM_MIN, ARM_MAX);
  arm.y = clamp(arm.y + command.vy * MAX_SPEED, ARM_MIN, ARM_MAX);
  arm.grip = command.grip > 0;
}

/** Holds the effector still with the gripper open: while locked, actions cannot leave a trace. */
export function holdArm(arm: ArmState): void {
  arm.grip = false;
}

/** One step of the automatic return home (gripper open); true once the effector is home. */
export function retractArm(arm: ArmState): boolean {
  arm.grip = false;
  const dx = HOME.x - arm.x;
  const dy = HOME.y - arm.y;
  const remaining = Math.hypot(dx, dy);
  if (remaining <= RETRACT_SPEED) {
    arm.x = HOME.x;
    arm.y = HOME.y;
    return true;
  }
  arm.x += (dx / remaining) * RETRACT_SPEED;
  arm.y += (dy / remaining) * RETRACT_SPEED;
  return false;
}

/** true when `arm` is home, to float32 precision (what the proprio shows). */
export function isHome(arm: Point): boolean {
  return Math.abs(arm.x - HOME.x) < 1e-6 && Math.abs(arm.y - HOME.y) < 1e-6;
}
