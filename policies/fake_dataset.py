"""Write a small synthetic dataset in the "momento-dataset/1" format, to develop and test the
training pipeline without the simulator.

    /usr/bin/python3 policies/fake_dataset.py --out /tmp/fake --episodes 40 [--seed 0] [--size 64]

Two toy tasks on a 64 x 64 table, with the simulator's conventions (unit square, y up, home at
(0.5, 0.12), |v| = 1 moves 0.05 per step, a grip > 0 closes the gripper):

- `reach`: a target disc is visible all episode; go there and close the gripper.
- `remember-colour`: a colour (red / green / blue) is shown in the cue frame for the first 10
  steps, then hidden for 10 steps (actions ignored, the expert idles); three pads in shuffled
  colours; touch the pad of the cue's colour. At decision time only memory knows the colour.

The expert is the simulator's control law (proportional, saturated; grip once within 0.015).
Files: dataset.json, images.u8 [N, H, W, 3], proprio.f32 [N, 4] (x, y, grip, holding),
actions.f32 [N, 3] (vx, vy, grip: the action executed right after the frame), task.i32 [N]
(index into dataset.json's tasks), episode.i32 [N].
"""
from __future__ import annotations

import argparse
import json
import os

import numpy as np

FORMAT = 'momento-dataset/1'
HOME = (0.5, 0.12)
MAX_SPEED = 0.05
GAIN = 0.5
ARRIVE = 0.015
TOUCH = 0.06
COLOURS = {'red': (220, 50, 50), 'green': (40, 180, 70), 'blue': (50, 80, 220)}
TABLE = (200, 190, 170)
EFFECTOR = (30, 30, 30)
PAD_SLOTS = [(0.22, 0.55), (0.5, 0.55), (0.78, 0.55)]
CUE = (0.5, 0.84)


class Canvas:
    def __init__(self, size: int) -> None:
        self.size = size
        c = (np.arange(size) + 0.5) / size
        self.x = c[None, :]
        self.y = 1.0 - c[:, None]  # row 0 is the top (y = 1)
        self.img = np.zeros((size, size, 3), np.uint8)

    def fill(self, colour) -> None:
        self.img[:] = colour

    def disc(self, cx, cy, r, colour) -> None:
        self.img[(self.x - cx) ** 2 + (self.y - cy) ** 2 <= r * r] = colour

    def ring(self, cx, cy, r_in, r_out, colour) -> None:
        d2 = (self.x - cx) ** 2 + (self.y - cy) ** 2
        self.img[(d2 <= r_out * r_out) & (d2 >= r_in * r_in)] = colour

    def square(self, cx, cy, half, colour) -> None:
        self.img[(np.abs(self.x - cx) <= half) & (np.abs(self.y - cy) <= half)] = colour


def steer(arm, goal, grip_when_arrived=True):
    vx = GAIN * (goal[0] - arm[0]) / MAX_SPEED
    vy = GAIN * (goal[1] - arm[1]) / MAX_SPEED
    m = max(abs(vx), abs(vy))
    if m > 1:
        vx, vy = vx / m, vy / m
    arrived = np.hypot(goal[0] - arm[0], goal[1] - arm[1]) < ARRIVE
    return np.array([vx, vy, 1.0 if (arrived and grip_when_arrived) else -1.0], np.float32)


def episode(task: str, rng: np.random.Generator, size: int):
    """Yields (image, proprio, action) frames until the episode ends; returns success."""
    arm = np.array([*HOME], np.float64)
    grip = False
    frames = []
    canvas = Canvas(size)
    if task == 'reach':
        target = rng.uniform([0.15, 0.35], [0.85, 0.9])
        max_steps = 40
    else:
        cue = rng.integers(3)
        pads = rng.permutation(3)  # colour index in each slot
        goal = PAD_SLOTS[int(np.where(pads == cue)[0][0])]
        max_steps = 60
    names = list(COLOURS)
    success = False
    for step in range(max_steps):
        canvas.fill(TABLE)
        locked = False
        if task == 'reach':
            canvas.disc(target[0], target[1], 0.06, (240, 160, 30))
            action = steer(arm, target)
        else:
            locked = step < 20
            canvas.square(CUE[0], CUE[1], 0.11, (90, 90, 90))
            canvas.square(CUE[0], CUE[1], 0.09, COLOURS[names[cue]] if step < 10 else TABLE)
            for slot, c in zip(PAD_SLOTS, pads):
                canvas.disc(slot[0], slot[1], 0.07, COLOURS[names[c]])
            action = np.array([0, 0, -1], np.float32) if locked else steer(arm, goal)
        ax, ay = np.float32(arm[0]), np.float32(arm[1])
        if grip:
            canvas.disc(ax, ay, 0.025, EFFECTOR)
        else:
            canvas.ring(ax, ay, 0.02, 0.04, EFFECTOR)
        proprio = np.array([ax, ay, 1.0 if grip else 0.0, 0.0], np.float32)
        frames.append((canvas.img.copy(), proprio, action))
        if not locked:  # apply the action
            arm = np.clip(arm + action[:2].astype(np.float64) * MAX_SPEED, 0.02, 0.98)
            grip = bool(action[2] > 0)
        else:
            grip = False
        if grip:
            goal_pt = target if task == 'reach' else goal
            if np.hypot(arm[0] - goal_pt[0], arm[1] - goal_pt[1]) < TOUCH:
                success = True
                break
    return frames, success


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--episodes', type=int, default=40, help='episodes per task')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--size', type=int, default=64)
    ap.add_argument('--tasks', default='reach,remember-colour')
    args = ap.parse_args()
    tasks = args.tasks.split(',')
    os.makedirs(args.out, exist_ok=True)
    files = {n: open(os.path.join(args.out, n), 'wb') for n in ('images.u8', 'proprio.f32', 'actions.f32', 'task.i32', 'episode.i32')}
    episodes, frames = [], 0
    for e in range(args.episodes):
        for ti, task in enumerate(tasks):
            seed = args.seed * 100000 + e
            rng = np.random.default_rng([seed, ti])
            eframes, success = episode(task, rng, args.size)
            for img, proprio, action in eframes:
                files['images.u8'].write(img.tobytes())
                files['proprio.f32'].write(proprio.astype('<f4').tobytes())
                files['actions.f32'].write(action.astype('<f4').tobytes())
                files['task.i32'].write(np.array([ti], '<i4').tobytes())
                files['episode.i32'].write(np.array([len(episodes)], '<i4').tobytes())
            episodes.append({'file': f'fake-{task}-{seed}', 'task': task, 'seed': seed, 'success': success,
                             'start': frames, 'length': len(eframes)})
            frames += len(eframes)
    for f in files.values():
        f.close()
    manifest = {'format': FORMAT, 'image': {'height': args.size, 'width': args.size, 'channels': 3}, 'camera': 'rgb',
                'proprio_dims': 4, 'action_dims': 3, 'frames': frames, 'tasks': tasks, 'episodes': episodes}
    with open(os.path.join(args.out, 'dataset.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
    ok = sum(e['success'] for e in episodes)
    print(f'{args.out}: {len(episodes)} episodes ({ok} successful), {frames} frames, tasks {tasks}')


if __name__ == '__main__':
    main()
