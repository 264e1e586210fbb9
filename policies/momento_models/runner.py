"""Reference step loop in pure PyTorch: what the runtime computes for each policy call.

One call, given an observation (uint8 H x W x C images per camera, proprio, task id):
  1. preprocess: camera -> [1, C, H, W] float32 (pixel/255 - mean)/std per channel;
     proprio -> (x - mean)/std; task -> int64 index in manifest.observation.instruction.tasks.
  2. encoder.
  3. memory: hamlet: push `moments` into the window (seeded with T copies at the first call) and
     feed `window` [1, T, n_q, d]; memoryvla: per stream feed the bank *before* this call's write
     (`s_bank`, `s_times`, `s_mask`; entries in the first slots, empty slots zero), `step` = call
     index; then write `s_fused` (write = fused) or the encoder's `s` (raw) at timestep = call
     index and consolidate (memory.eviction 'merge', the default) or drop the oldest entry
     ('fifo'). A capacity override C (the runtime's memoryOverride) keeps at most C entries; the
     banks are fed with the graph's fixed slot count (extra slots masked) or, where the bank axis
     is symbolic, with C slots.
  4. head: direct, or the flow / ddim sampler of samplers.py with noise from the episode's
     generator (rng.py).
  5. action = value * std + mean, clamped to [low, high]: the chunk [k, A].
Graphs are wired by tensor name, as in the runtime.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import torch

from .bank import HamletWindow, MemoryBank
from .models import Policy
from .rng import Mulberry32, episode_generator
from .samplers import ddim_alpha_bars, ddim_timesteps, ddim_update, flow_times, flow_update

__all__ = ['Observation', 'StepResult', 'ReferenceRunner', 'preprocess']


@dataclass
class Observation:
    images: dict  # camera name -> uint8 [H, W, C]
    proprio: np.ndarray
    task: str


@dataclass
class StepResult:
    chunk: np.ndarray  # [k, A] float32, denormalised and clamped
    normalised: np.ndarray  # [k, A] the head's / sampler's output before denormalisation
    #: memoryvla: per stream, the bank after this call's write and consolidation
    banks: dict = field(default_factory=dict)
    #: memoryvla: per stream, the left index of each merged pair
    merged_at: dict = field(default_factory=dict)
    #: memoryvla: per stream, the retrieval attention [L]
    attention: dict = field(default_factory=dict)
    #: iterative heads: the initial noise [k, A]
    noise: Optional[np.ndarray] = None


def preprocess(manifest: dict, obs: Observation) -> dict:
    spec = manifest['observation']
    tensors = {}
    for cam in spec['cameras']:
        img = np.asarray(obs.images[cam['name']], dtype=np.uint8)
        expected = (cam['height'], cam['width'], cam['channels'])
        if img.shape != expected:
            raise ValueError(f"camera {cam['name']!r}: image must be {expected}, got {img.shape}")
        x = img.astype(np.float32) / np.float32(255.0)
        x = (x - np.asarray(cam['mean'], np.float32)) / np.asarray(cam['std'], np.float32)
        tensors[cam['name']] = x.transpose(2, 0, 1)[None].copy()
    p = np.asarray(obs.proprio, dtype=np.float32)
    p = (p - np.asarray(spec['proprio']['mean'], np.float32)) / np.asarray(spec['proprio']['std'], np.float32)
    tensors['proprio'] = p[None]
    tensors['task'] = np.array([spec['instruction']['tasks'].index(obs.task)], dtype=np.int64)
    return tensors


class ReferenceRunner:
    """Runs one episode at a time through a Policy exactly as the runtime does (batch 1)."""

    def __init__(self, policy: Policy, manifest: dict, capacity: Optional[int] = None,
                 eviction: Optional[str] = None) -> None:
        self.policy = policy.eval()
        self.manifest = manifest
        self.mem = manifest['memory']
        if self.mem['kind'] == 'memoryvla':
            self.capacity = self.mem['capacity'] if capacity is None else capacity
            self.eviction = eviction or self.mem.get('eviction', 'merge')
            # A manifest without graphs (training's own checks) is taken to have a symbolic bank axis.
            inputs = manifest.get('graphs', {}).get('memory', {}).get('inputs', [])
            banks = [t for t in inputs if t['name'].endswith('_bank')]
            fixed = [t['shape'][1] for t in banks if isinstance(t['shape'][1], int)]
            self.slots = fixed[0] if fixed else self.capacity
            if self.capacity > self.slots:
                raise ValueError(f"capacity {self.capacity} exceeds the memory graph's {self.slots} fixed bank slots")
        elif capacity is not None or eviction is not None:
            raise ValueError(f"capacity/eviction overrides apply to memoryvla bundles, not {self.mem['kind']!r}")
        self.head_spec = manifest['head']
        #: When a list, every graph call is appended as (role, inputs, outputs) numpy dicts.
        self.trace: Optional[list] = None
        self.reset(0)

    def reset(self, episode_seed: int) -> None:
        self.call = 0
        self.rng: Mulberry32 = episode_generator(self.manifest.get('seed', 0), episode_seed)
        self.window: Optional[HamletWindow] = None
        self.banks: dict = {}
        if self.mem['kind'] == 'hamlet':
            self.window = HamletWindow(self.mem['window'], self.mem['tokens'], self.mem['dim'])
        elif self.mem['kind'] == 'memoryvla':
            self.banks = {s['name']: MemoryBank(self.capacity, s['tokens'], s['dim'], self.eviction) for s in self.mem['streams']}

    def _run(self, role: str, env: dict) -> dict:
        graph = self.policy.graphs()[role]
        feeds = {s.name: env[s.name] for s in graph.inputs}
        with torch.no_grad():
            out = graph(*[torch.from_numpy(np.ascontiguousarray(feeds[s.name])) for s in graph.inputs])
        if not isinstance(out, tuple):
            out = (out,)
        outputs = {s.name: t.numpy().copy() for s, t in zip(graph.outputs, out)}
        if self.trace is not None:
            self.trace.append((role, {k: np.array(v) for k, v in feeds.items()}, outputs))
        return outputs

    def step(self, obs: Observation) -> StepResult:
        env = preprocess(self.manifest, obs)
        env.update(self._run('encoder', env))
        result = StepResult(chunk=np.zeros(0), normalised=np.zeros(0))
        kind = self.mem['kind']
        if kind == 'hamlet':
            self.window.push(env['moments'][0])
            env['window'] = self.window.array()[None]
            env.update(self._run('memory', env))
        elif kind == 'memoryvla':
            for name, bank in self.banks.items():
                b, t, m = bank.inputs(self.slots)
                env[f'{name}_bank'], env[f'{name}_times'], env[f'{name}_mask'] = b[None], t[None], m[None]
            env['step'] = np.array([self.call], dtype=np.float32)
            env.update(self._run('memory', env))
            for name, bank in self.banks.items():
                written = env[f'{name}_fused'] if self.mem['write'] == 'fused' else env[name]
                result.merged_at[name] = bank.write_and_consolidate(float(self.call), written[0])
                result.banks[name] = {'timesteps': bank.timesteps(), 'tokens': [e.tokens.copy() for e in bank.entries]}
                if f'{name}_attention' in env:
                    result.attention[name] = env[f'{name}_attention'][0].copy()
        value = self._head(env, result)
        action = self.manifest['action']
        chunk = value * np.asarray(action['std'], np.float32) + np.asarray(action['mean'], np.float32)
        result.chunk = np.clip(chunk, np.asarray(action['low'], np.float32), np.asarray(action['high'], np.float32))
        result.normalised = value
        self.call += 1
        return result

    def _head(self, env: dict, result: StepResult) -> np.ndarray:
        head = self.head_spec
        k, a = self.manifest['action']['chunk'], len(self.manifest['action']['names'])
        if head['kind'] == 'direct':
            return self._run('head', env)['actions'][0]
        x = self.rng.normals(k * a).reshape(k, a)
        result.noise = x.copy()
        if head['kind'] == 'flow':
            for t in flow_times(head['steps']):
                env['noisy_actions'] = x[None]
                env['time'] = np.array([t], dtype=np.float32)
                x = flow_update(x, self._run('head', env)['actions'][0], head['steps'])
            return x
        alpha_bars = ddim_alpha_bars(head['train_steps'], head['beta_start'], head['beta_end'])
        taus = ddim_timesteps(head['train_steps'], head['steps'])
        for i, tau in enumerate(taus):
            env['noisy_actions'] = x[None]
            env['time'] = np.array([tau], dtype=np.float32)
            eps = self._run('head', env)['actions'][0]
            prev = alpha_bars[taus[i + 1]] if i + 1 < len(taus) else 1.0
            x = ddim_update(x, eps, alpha_bars[tau], prev)
        return x

    def run_episode(self, observations: list, episode_seed: int) -> list:
        self.reset(episode_seed)
        return [self.step(o) for o in observations]
