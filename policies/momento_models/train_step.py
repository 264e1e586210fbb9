"""One optimiser step of policies/train.py over a batch of whole episodes, eager or replayed from a
CUDA graph.

Why graphs: the reference models are small (about 0.3 M parameters) and MemoryVLA's bank unroll
is a Python loop over the calls of an episode (about 46), so a step is tens of thousands of tiny
kernels and the GPU waits on their launches (the H200 ran 5 steps/s of batch 128). A CUDA graph
records the whole step once (gather, forward, backward, gradient clipping, AdamW) and replays it
with one launch. A graph needs fixed shapes, so the batch is padded to a bucket of calls
(`bucket` rounded up, at most the longest episode): one graph per bucket, captured the first time
that length comes up. Padded calls are masked out of the loss and memory only looks back, so
padding changes no valid call's value (test_training.py checks it).

The optimiser must be built with `capturable=True` and a tensor learning rate (`graph_optimizer`),
so that replays read the schedule's current value instead of the one baked in at capture.
"""
from __future__ import annotations

import contextlib
import math
from typing import Callable, Optional

import numpy as np
import torch

from .training import flow_inputs, forward_episodes

__all__ = ['masked_loss', 'graph_optimizer', 'TrainStep']


def masked_loss(pred: torch.Tensor, target: torch.Tensor, mask: torch.Tensor, weights: torch.Tensor) -> tuple:
    """Weighted mean squared error over the valid calls (mask 1), and the per-call losses."""
    per_call = (((pred.float() - target) ** 2) * weights).mean(dim=(1, 2))
    return (per_call * mask).sum() / mask.sum().clamp(min=1.0), per_call


def graph_optimizer(groups: list, lr: float, device: torch.device, graphs: bool) -> torch.optim.Optimizer:
    """AdamW (betas 0.9, 0.95); for CUDA graphs with its state and learning rate on the device."""
    if graphs:
        return torch.optim.AdamW(groups, lr=torch.tensor(lr, device=device), betas=(0.9, 0.95), capturable=True, foreach=True)
    return torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.95))


class TrainStep:
    """`step(rows)` trains on the episodes `rows` of `batcher` and returns (loss, grad norm) as
    device tensors (no host sync). `graphs=True` needs a CUDA device and a `graph_optimizer`."""

    def __init__(self, policy: torch.nn.Module, opt: torch.optim.Optimizer, batcher, weights: torch.Tensor, *,
                 batch: int, flow: bool, amp: bool, graphs: bool, max_calls: int, bucket: int = 8,
                 log: Optional[Callable[[str], None]] = None) -> None:
        self.policy, self.opt, self.batcher, self.weights = policy, opt, batcher, weights
        self.batch, self.flow, self.amp, self.graphs = batch, flow, amp, graphs
        self.max_calls, self.bucket = max_calls, bucket
        self.params = [p for p in policy.parameters() if p.requires_grad]
        self.log = log or (lambda _msg: None)
        self._graphs: dict = {}  # calls -> (graph, static idx, static mask, loss, grad norm)
        self.warm_steps = 0  # optimiser steps taken by warm-ups before captures (real steps too)

    def set_lr(self, lr: float) -> None:
        for g in self.opt.param_groups:
            if isinstance(g['lr'], torch.Tensor):
                g['lr'].fill_(lr)
            else:
                g['lr'] = lr

    def padded_calls(self, calls: int) -> int:
        return min(self.max_calls, int(math.ceil(calls / self.bucket)) * self.bucket)

    def __call__(self, rows: np.ndarray) -> tuple:
        if not self.graphs:
            idx, mask = self.batcher.indices(rows)
            self.opt.zero_grad(set_to_none=True)
            return self._body(idx.to(self.batcher.device), mask.to(self.batcher.device), len(rows), len(idx) // len(rows))
        if len(rows) != self.batch:
            raise ValueError(f'a graphed step takes batches of exactly {self.batch} episodes, got {len(rows)}')
        calls = self.padded_calls(int(self.batcher.table.episode_length[rows].max()))
        idx, mask = self.batcher.indices(rows, calls)
        entry = self._graphs.get(calls)
        if entry is None:
            try:
                entry = self._capture(calls, idx, mask)
            except RuntimeError as err:  # keep training: eager steps are slower, not wrong
                self.log(f'WARNING: CUDA graph capture failed ({type(err).__name__}: {str(err)[:300]}); training eagerly')
                self.graphs = False
                torch.cuda.synchronize(self.batcher.device)
                self.opt.zero_grad(set_to_none=True)
                return self._body(idx.to(self.batcher.device), mask.to(self.batcher.device), len(rows), calls)
            self._graphs[calls] = entry
        graph, s_idx, s_mask, loss, grad_norm = entry
        s_idx.copy_(idx, non_blocking=False)
        s_mask.copy_(mask, non_blocking=False)
        graph.replay()
        return loss, grad_norm

    def _body(self, idx: torch.Tensor, mask: torch.Tensor, batch: int, calls: int) -> tuple:
        env, target = self.batcher.gather(idx)
        if self.flow:  # the head regresses the velocity at a random point of the noise -> chunk path
            env['noisy_actions'], env['time'], target = flow_inputs(target)
        autocast = (torch.autocast(device_type='cuda', dtype=torch.bfloat16, cache_enabled=False)
                    if self.amp else contextlib.nullcontext())
        with autocast:
            pred = forward_episodes(self.policy, env, batch, calls)
        loss, _ = masked_loss(pred, target, mask, self.weights)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(self.params, 1.0)
        self.opt.step()
        return loss.detach(), grad_norm

    def _capture(self, calls: int, idx: torch.Tensor, mask: torch.Tensor) -> tuple:
        """Warm-up steps on a side stream (lazy initialisation must not happen during capture;
        they are real steps on this batch), then the capture of one step."""
        device = self.batcher.device
        s_idx, s_mask = idx.to(device), mask.to(device)
        warm = 3 if not self._graphs else 1
        side = torch.cuda.Stream(device)
        side.wait_stream(torch.cuda.current_stream(device))
        with torch.cuda.stream(side):
            for _ in range(warm):
                self.opt.zero_grad(set_to_none=True)
                self._body(s_idx, s_mask, self.batch, calls)
        self.warm_steps += warm
        torch.cuda.current_stream(device).wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        self.opt.zero_grad(set_to_none=True)
        with torch.cuda.graph(graph):
            loss, grad_norm = self._body(s_idx, s_mask, self.batch, calls)
        self.log(f'captured a CUDA graph for batches of {self.batch} episodes x {calls} calls ({warm} warm-up steps)')
        return graph, s_idx, s_mask, loss, grad_norm
