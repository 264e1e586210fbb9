"""The iterative heads' samplers and noise schedules, exactly as the runtime drives them.

flow: x ~ N(0, I) (k*A normals of the episode generator, row-major [k, A]); for i = 0 .. steps-1,
  t = float32(i / steps), x = x + (1 / steps) * head(features, x, t). The result is the chunk.

ddim (eta = 0): betas = linspace(beta_start, beta_end, train_steps) (beta_i = beta_start +
  (beta_end - beta_start) * i / (train_steps - 1)), alpha_bar_i = prod_{j <= i} (1 - beta_j), in
  float64. Sampling timesteps, evenly spaced over [0, train_steps - 1] and rounded half up:
  tau_i = floor((2 i (train_steps - 1) + (steps - 1)) / (2 (steps - 1))) for i = 0 .. steps-1
  (steps = 1 gives [train_steps - 1]), visited from the largest down (50 / 4 -> 49, 33, 16, 0).
  At each tau with next timestep tau' (alpha_bar_prev = alpha_bar[tau'], or 1 after the last):
      eps = head(features, x, time = float32(tau))
      x0  = (x - sqrt(1 - alpha_bar[tau]) eps) / sqrt(alpha_bar[tau])
      x   = sqrt(alpha_bar_prev) x0 + sqrt(1 - alpha_bar_prev) eps
  (float64 arithmetic per element, x stored as float32; no clipping of x0). The result is the chunk.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ['ddim_alpha_bars', 'ddim_timesteps', 'ddim_update', 'flow_times', 'flow_update']


def flow_times(steps: int) -> list:
    return [float(np.float32(i / steps)) for i in range(steps)]


def ddim_alpha_bars(train_steps: int, beta_start: float, beta_end: float) -> list:
    """alpha_bar[0 .. train_steps-1] of the linear beta schedule, float64."""
    out = []
    acc = 1.0
    for i in range(train_steps):
        beta = beta_start if train_steps == 1 else beta_start + (beta_end - beta_start) * i / (train_steps - 1)
        acc *= 1.0 - beta
        out.append(acc)
    return out


def ddim_timesteps(train_steps: int, steps: int) -> list:
    """Sampling timesteps, largest first."""
    if steps < 1 or steps > train_steps:
        raise ValueError(f'ddim: steps must be in [1, train_steps={train_steps}], got {steps}')
    if steps == 1:
        return [train_steps - 1]
    taus = [(2 * i * (train_steps - 1) + (steps - 1)) // (2 * (steps - 1)) for i in range(steps)]
    return taus[::-1]


def ddim_update(x: np.ndarray, eps: np.ndarray, alpha_bar: float, alpha_bar_prev: float) -> np.ndarray:
    x64 = x.astype(np.float64)
    e64 = eps.astype(np.float64)
    x0 = (x64 - math.sqrt(1.0 - alpha_bar) * e64) / math.sqrt(alpha_bar)
    return (math.sqrt(alpha_bar_prev) * x0 + math.sqrt(1.0 - alpha_bar_prev) * e64).astype(np.float32)


def flow_update(x: np.ndarray, velocity: np.ndarray, steps: int) -> np.ndarray:
    return (x.astype(np.float64) + (1.0 / steps) * velocity.astype(np.float64)).astype(np.float32)
