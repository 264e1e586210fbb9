"""The runtime's noise generator, specified bit-exactly so Python and TypeScript draw the same noise.

Generator: mulberry32 over a uint32 state ``a``. One draw, in JavaScript::

    a = (a + 0x6D2B79F5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;          // x, a uint32

Uniforms: ``u = (x + 0.5) / 2**32``, strictly inside (0, 1), in float64.

Standard normals: Box-Muller in float64. Two consecutive uniforms ``u1`` then ``u2`` give
``r = sqrt(-2 ln u1)``, ``z0 = r cos(2 pi u2)`` and ``z1 = r sin(2 pi u2)``; both are used, z0 first,
then z1, each cast to float32. The normals form one continuous stream per generator: a request for
an odd count leaves the spare z1 for the next request (the bundles here always ask for k*A = 24,
an even count, so the spare never matters for them).

Seeding: an episode's generator starts from ``(manifest.seed XOR episode_seed) >>> 0`` (uint32),
and lives for the whole episode (it is not reseeded per call).

Use by the samplers: each policy call of an iterative head (``flow``/``ddim``) draws exactly k*A
normals from the episode's generator, in row-major order of the [k, A] chunk, as the initial
``noisy_actions``. Heads of kind ``direct`` draw nothing.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ['Mulberry32', 'episode_generator', 'episode_state']

_MASK = 0xFFFFFFFF
_TWO_POW_32 = 4294967296.0


def _imul(a: int, b: int) -> int:
    """Math.imul on uint32 operands, as a uint32: the low 32 bits of the product."""
    return (a * b) & _MASK


def episode_state(manifest_seed: int, episode_seed: int) -> int:
    """The generator's initial state for an episode: (manifest.seed XOR episode_seed) as uint32."""
    return ((int(manifest_seed) & _MASK) ^ (int(episode_seed) & _MASK)) & _MASK


class Mulberry32:
    """mulberry32 with a Box-Muller normal stream; see the module docstring for the exact spec."""

    def __init__(self, state: int) -> None:
        self.state = int(state) & _MASK
        self._spare: float | None = None

    def next_uint32(self) -> int:
        a = (self.state + 0x6D2B79F5) & _MASK
        self.state = a
        t = _imul(a ^ (a >> 15), 1 | a)
        t = ((t + _imul(t ^ (t >> 7), 61 | t)) & _MASK) ^ t
        return (t ^ (t >> 14)) & _MASK

    def next_uniform(self) -> float:
        return (self.next_uint32() + 0.5) / _TWO_POW_32

    def next_normal(self) -> float:
        """The next standard normal of the stream, as a float64 already rounded to float32."""
        if self._spare is not None:
            z, self._spare = self._spare, None
            return z
        u1 = self.next_uniform()
        u2 = self.next_uniform()
        r = math.sqrt(-2.0 * math.log(u1))
        z0 = float(np.float32(r * math.cos(2.0 * math.pi * u2)))
        z1 = float(np.float32(r * math.sin(2.0 * math.pi * u2)))
        self._spare = z1
        return z0

    def normals(self, count: int) -> np.ndarray:
        """`count` normals of the stream as float32, in draw order."""
        return np.array([self.next_normal() for _ in range(count)], dtype=np.float32)


def episode_generator(manifest_seed: int, episode_seed: int) -> Mulberry32:
    return Mulberry32(episode_state(manifest_seed, episode_seed))
