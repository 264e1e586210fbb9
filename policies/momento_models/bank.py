"""Runtime memory state in Python: the MemoryVLA bank and the HAMLET window.

These mirror the TypeScript runtime (src/memory/) so that the reference loop (runner.py) and
training see exactly the state the runtime keeps between policy calls.

MemoryBank (one per MemoryVLA stream, capacity L): ``write(timestep, tokens [N, d])`` appends an
entry; ``consolidate()`` then merges while the bank holds more than L entries. One merge picks the
adjacent pair (i, i+1) with the highest similarity and replaces it by its elementwise average
(tokens and timestep), the first index winning ties. With ``eviction='fifo'`` (the ablation of
MemoryVLA's consolidation) the oldest entry is dropped instead, until L remain. The similarity, in float64, is exactly::

    sim(i) = (cos(e_i[0], e_{i+1}[0]) + ... + cos(e_i[N-1], e_{i+1}[N-1])) / N    (summed in n order)
    cos(a, b) = dot(a, b) / (sqrt(dot(a, a)) * sqrt(dot(b, b)))   or 0 if either norm is 0
    dot(a, b) = a[0]*b[0] + a[1]*b[1] + ...                       (float64, summed in index order)

Merged tokens are ``float32((float64(a) + float64(b)) / 2)``; the merged timestep is
``(t_i + t_{i+1}) / 2`` in float64 (exact for the dyadic values that arise).

HamletWindow: a FIFO of the last T calls' moment tokens [n_q, d], seeded at the episode's first
call with T copies of it; ``array()`` is the window [T, n_q, d], oldest first, current call last.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

__all__ = ['BankEntry', 'MemoryBank', 'HamletWindow', 'token_cosine', 'pair_similarity']


def token_cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of two 1-D vectors in float64 with sequential sums; 0 when either is the zero vector."""
    dot = 0.0
    na = 0.0
    nb = 0.0
    for x, y in zip(a.tolist(), b.tolist()):
        dot += x * y
        na += x * x
        nb += y * y
    if na == 0.0 or nb == 0.0:
        return 0.0
    return dot / (math.sqrt(na) * math.sqrt(nb))


def pair_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Mean over the N tokens of the cosine between matching tokens of two entries [N, d]."""
    total = 0.0
    for n in range(a.shape[0]):
        total += token_cosine(a[n], b[n])
    return total / a.shape[0]


@dataclass
class BankEntry:
    timestep: float
    tokens: np.ndarray  # [N, d] float32


@dataclass
class MemoryBank:
    capacity: int
    tokens: int
    dim: int
    #: 'merge' (consolidate the most similar adjacent pair) or 'fifo' (drop the oldest entry).
    eviction: str = 'merge'
    entries: list[BankEntry] = field(default_factory=list)
    #: Left index of each pair merged by the last consolidate(), in merge order.
    last_merged_at: list[int] = field(default_factory=list)
    #: Similarities of all adjacent pairs at each merge of the last consolidate() (for diagnostics).
    last_similarities: list[list[float]] = field(default_factory=list)
    #: Entries dropped by the last consolidate() under FIFO eviction.
    last_evicted: int = 0

    def __post_init__(self) -> None:
        if self.eviction not in ('merge', 'fifo'):
            raise ValueError(f"MemoryBank: eviction must be 'merge' or 'fifo', got {self.eviction!r}")

    def __len__(self) -> int:
        return len(self.entries)

    def reset(self) -> None:
        self.entries.clear()
        self.last_merged_at = []
        self.last_similarities = []
        self.last_evicted = 0

    def write(self, timestep: float, tokens: np.ndarray) -> None:
        tokens = np.asarray(tokens, dtype=np.float32)
        if tokens.shape != (self.tokens, self.dim):
            raise ValueError(f'MemoryBank.write: tokens must be [{self.tokens}, {self.dim}], got {list(tokens.shape)}')
        self.entries.append(BankEntry(float(timestep), tokens.copy()))

    def similarities(self) -> list[float]:
        return [pair_similarity(self.entries[i].tokens, self.entries[i + 1].tokens) for i in range(len(self.entries) - 1)]

    def consolidate(self) -> list[int]:
        """Back to capacity; returns the left index of each merged pair (none under FIFO)."""
        if self.eviction == 'fifo':
            evicted = max(0, len(self.entries) - self.capacity)
            del self.entries[:evicted]
            self.last_evicted = evicted
            self.last_merged_at = []
            self.last_similarities = []
            return []
        merged: list[int] = []
        sims_log: list[list[float]] = []
        while len(self.entries) > self.capacity:
            sims = self.similarities()
            best = 0
            for i in range(1, len(sims)):
                if sims[i] > sims[best]:  # strict: the first index wins ties
                    best = i
            a, b = self.entries[best], self.entries[best + 1]
            avg = ((a.tokens.astype(np.float64) + b.tokens.astype(np.float64)) / 2.0).astype(np.float32)
            self.entries[best : best + 2] = [BankEntry((a.timestep + b.timestep) / 2.0, avg)]
            merged.append(best)
            sims_log.append(sims)
        self.last_merged_at = merged
        self.last_similarities = sims_log
        return merged

    def write_and_consolidate(self, timestep: float, tokens: np.ndarray) -> list[int]:
        self.write(timestep, tokens)
        return self.consolidate()

    def inputs(self, slots: Optional[int] = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The memory graph's (s_bank [S, N, d], s_times [S], s_mask [S]) for this bank, S = slots
        (default L; a graph exported with a fixed bank axis larger than a capacity override gets its
        extra slots masked): entries in order in the first slots, empty slots zero with mask 0."""
        slots = self.capacity if slots is None else slots
        if slots < self.capacity:
            raise ValueError(f'MemoryBank.inputs: {slots} slots cannot hold a bank of capacity {self.capacity}')
        bank = np.zeros((slots, self.tokens, self.dim), dtype=np.float32)
        times = np.zeros((slots,), dtype=np.float32)
        mask = np.zeros((slots,), dtype=np.float32)
        for i, e in enumerate(self.entries):
            bank[i] = e.tokens
            times[i] = e.timestep
            mask[i] = 1.0
        return bank, times, mask

    def timesteps(self) -> list[float]:
        return [e.timestep for e in self.entries]


@dataclass
class HamletWindow:
    length: int
    tokens: int
    dim: int
    steps: list[np.ndarray] = field(default_factory=list)

    def reset(self) -> None:
        self.steps.clear()

    def push(self, moments: np.ndarray) -> None:
        moments = np.asarray(moments, dtype=np.float32)
        if moments.shape != (self.tokens, self.dim):
            raise ValueError(f'HamletWindow.push: moments must be [{self.tokens}, {self.dim}], got {list(moments.shape)}')
        if not self.steps:
            self.steps = [moments.copy() for _ in range(self.length)]
        else:
            self.steps = self.steps[1:] + [moments.copy()]

    def array(self) -> np.ndarray:
        if not self.steps:
            raise RuntimeError('HamletWindow.array: the window is empty; push the first moments first')
        return np.stack(self.steps, axis=0)
