"""Training-side helpers shared by train.py and check_parity.py: the "momento-dataset/1" reader, the
policy-call table (which frames the runtime calls the policy on, and the action chunks it should
predict), the reference model configurations, and the batched, differentiable versions of the
runtime's memory rules (HAMLET windows, MemoryVLA banks with consolidation).

The runtime calls the policy at control steps 0, execute, 2*execute, ... of an episode; call c sees
frame 4c (execute = 4) and its target is the next `chunk` executed actions, the last action of the
episode repeated past its end.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass
from typing import Optional

import numpy as np
import torch

from .models import MASKED_SCORE, CameraConfig, Graph, Policy, PolicyConfig, sinusoidal

__all__ = [
    'DATASET_FORMAT', 'Dataset', 'CallTable', 'load_dataset', 'build_calls', 'family_config',
    'run_graph', 'hamlet_window_index', 'forward_episodes', 'consolidate_batched', 'save_checkpoint',
    'load_checkpoint', 'read_checkpoint', 'CAMERA_MEAN', 'CAMERA_STD', 'flow_inputs', 'episode_params',
]

DATASET_FORMAT = 'momento-dataset/1'
#: Unroll MemoryVLA's streams stacked (one set of kernels per call for both) when they share a width.
STACKED_STREAMS = True
#: Fixed camera normalisation of the trained bundles: (pixel/255 - mean) / std.
CAMERA_MEAN = [0.5, 0.5, 0.5]
CAMERA_STD = [0.25, 0.25, 0.25]


# ----------------------------------------------------------------------------------------------
# the dataset


@dataclass
class Dataset:
    root: str
    meta: dict
    images: np.ndarray  # memmap [N, H, W, C] uint8
    proprio: np.ndarray  # [N, P] float32
    actions: np.ndarray  # [N, A] float32
    task: np.ndarray  # [N] int32
    episode: np.ndarray  # [N] int32

    @property
    def tasks(self) -> list:
        return list(self.meta['tasks'])

    @property
    def episodes(self) -> list:
        return list(self.meta['episodes'])


def load_dataset(root: str) -> Dataset:
    with open(os.path.join(root, 'dataset.json')) as f:
        meta = json.load(f)
    if meta.get('format') != DATASET_FORMAT:
        raise ValueError(f"{root}/dataset.json: format is {meta.get('format')!r}, expected {DATASET_FORMAT!r}")
    h, w, c = meta['image']['height'], meta['image']['width'], meta['image']['channels']
    p, a = meta['proprio_dims'], meta['action_dims']
    path = lambda name: os.path.join(root, name)  # noqa: E731
    n = os.path.getsize(path('task.i32')) // 4
    if 'frames' in meta and meta['frames'] != n:
        raise ValueError(f"{root}: dataset.json says {meta['frames']} frames, task.i32 holds {n}")
    images = np.memmap(path('images.u8'), dtype=np.uint8, mode='r', shape=(n, h, w, c)) if n else np.zeros((0, h, w, c), np.uint8)
    proprio = np.fromfile(path('proprio.f32'), dtype='<f4').reshape(n, p)
    actions = np.fromfile(path('actions.f32'), dtype='<f4').reshape(n, a)
    task = np.fromfile(path('task.i32'), dtype='<i4')
    episode = np.fromfile(path('episode.i32'), dtype='<i4')
    if os.path.getsize(path('images.u8')) != n * h * w * c:
        raise ValueError(f'{root}: images.u8 has {os.path.getsize(path("images.u8"))} bytes, expected {n}x{h}x{w}x{c}')
    for i, e in enumerate(meta['episodes']):
        if e['length'] <= 0 or e['start'] < 0 or e['start'] + e['length'] > n:
            raise ValueError(f'{root}: episode {i} spans frames [{e["start"]}, {e["start"] + e["length"]}) outside [0, {n})')
        if int(episode[e['start']]) != i or int(episode[e['start'] + e['length'] - 1]) != i:
            raise ValueError(f'{root}: episode.i32 disagrees with dataset.json for episode {i}')
    return Dataset(root, meta, images, proprio, actions, task, episode)


@dataclass
class CallTable:
    """Every policy call of the chosen episodes, flat, plus the episodes as rows of call indices."""
    frames: np.ndarray  # [M] frame index in the dataset of each call
    targets: np.ndarray  # [M, k, A] float32 raw actions
    task: np.ndarray  # [M] int64 index into the dataset's tasks
    episode_calls: np.ndarray  # [E, Cmax] int64 call index, -1 past the episode's end
    episode_length: np.ndarray  # [E] calls per episode
    episode_ids: np.ndarray  # [E] index in dataset.json's episodes


def build_calls(ds: Dataset, episode_ids, chunk: int, execute: int, max_calls: Optional[int] = None) -> CallTable:
    """One numpy pass per episode (not per call): call c of an episode sees frame start + execute * c,
    its target the frames after it, clamped to the episode's last."""
    episode_ids = list(episode_ids)
    lengths = []
    for e in episode_ids:
        n_calls = (ds.meta['episodes'][e]['length'] + execute - 1) // execute
        lengths.append(min(n_calls, max_calls) if max_calls is not None else n_calls)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    frames = np.empty(int(offsets[-1]), np.int64)
    target_idx = np.empty((int(offsets[-1]), chunk), np.int64)
    cmax = max(lengths, default=0)
    table = np.full((len(episode_ids), cmax), -1, dtype=np.int64)
    for row, e in enumerate(episode_ids):
        meta = ds.meta['episodes'][e]
        start, length, n = meta['start'], meta['length'], lengths[row]
        a, b = offsets[row], offsets[row + 1]
        f = start + execute * np.arange(n, dtype=np.int64)
        frames[a:b] = f
        target_idx[a:b] = np.minimum(f[:, None] + np.arange(chunk, dtype=np.int64)[None, :], start + length - 1)
        table[row, :n] = np.arange(a, b)
    return CallTable(
        frames=frames,
        targets=np.asarray(ds.actions[target_idx.reshape(-1)], np.float32).reshape(len(frames), chunk, ds.actions.shape[1]),
        task=ds.task[frames].astype(np.int64),
        episode_calls=table,
        episode_length=np.asarray(lengths, np.int64),
        episode_ids=np.asarray(episode_ids, np.int64),
    )


# ----------------------------------------------------------------------------------------------
# the reference configurations


FAMILIES = ('memoryless', 'hamlet', 'memoryvla')


def family_config(family: str, *, height: int, width: int, channels: int, proprio_dim: int, num_tasks: int,
                  action_dim: int, chunk: int = 8, window: int = 32, dim: int = 64, heads: int = 4,
                  conv_channels: tuple = (16, 32, 64), head_hidden: int = 256, capacity: int = 16,
                  perceptual_tokens: int = 4, moment_tokens: int = 4, head: str = 'direct', head_steps: int = 10,
                  head_extras: tuple = ()) -> PolicyConfig:
    """The trained reference policies: one backbone width for every family (three stride-2 convs
    (16, 32, 64) over 64 x 64 -> 8 x 8 tokens of width 64), a direct regression head, or a flow
    head (`head_steps` Euler steps) that samples one of the expert's modes instead of their mean;
    memoryvla's direct head may also read `head_extras` (models.PolicyConfig.head_extras)."""
    if family not in FAMILIES:
        raise ValueError(f'family must be one of {FAMILIES}, got {family!r}')
    common = dict(cameras=[CameraConfig('rgb', height, width, channels)], proprio_dim=proprio_dim,
                  num_tasks=num_tasks, action_dim=action_dim, chunk=chunk, dim=dim, heads=heads,
                  conv_channels=tuple(conv_channels), head=head, head_hidden=head_hidden, steps=head_steps)
    if head not in ('direct', 'flow'):
        raise ValueError(f"head must be 'direct' or 'flow' for the trained families, got {head!r}")
    if head_extras and family != 'memoryvla':
        raise ValueError(f'head_extras are for the memoryvla family, not {family!r}')
    if family == 'memoryless':
        return PolicyConfig(memory='none', **common)
    if family == 'hamlet':
        return PolicyConfig(memory='hamlet', moment_tokens=moment_tokens, window=window, memory_blocks=2, **common)
    return PolicyConfig(memory='memoryvla', capacity=capacity, write='fused', perceptual_tokens=perceptual_tokens,
                        perceptual_dim=dim, cognitive_dim=dim, head_extras=tuple(head_extras), **common)


def config_to_dict(cfg: PolicyConfig) -> dict:
    d = asdict(cfg)
    d['conv_channels'] = list(d['conv_channels'])
    return d


def config_from_dict(d: dict) -> PolicyConfig:
    d = dict(d)
    d['cameras'] = [CameraConfig(**c) for c in d['cameras']]
    d['conv_channels'] = tuple(d['conv_channels'])
    d['head_extras'] = tuple(d.get('head_extras', ()))
    return PolicyConfig(**d)


def save_checkpoint(path: str, policy: Policy, manifest_fields: dict, extra: Optional[dict] = None) -> None:
    """State dict as tensors; config, manifest fields and extra as one JSON string, which the
    weights-only unpickler of every PyTorch version reads (1.13's rejects pickled floats)."""
    state = {k: v.detach().cpu().float().clone() for k, v in policy.state_dict().items()}
    meta = json.dumps({'config': config_to_dict(policy.cfg), 'manifest_fields': manifest_fields, 'extra': extra or {}})
    torch.save({'format': 'momento-checkpoint/2', 'meta_json': meta, 'state_dict': state}, path)


def read_checkpoint(path: str) -> dict:
    """{'config', 'manifest_fields', 'extra', 'state_dict'} of a checkpoint.pt (format 1: pickled
    dicts; format 2: the JSON string), loaded without pickle code execution."""
    ck = torch.load(path, map_location='cpu', weights_only=True)  # no pickle code execution
    if 'meta_json' in ck:
        meta = json.loads(ck['meta_json'])
        return {**meta, 'state_dict': ck['state_dict']}
    return {'config': ck['config'], 'manifest_fields': ck['manifest_fields'], 'extra': ck.get('extra', {}), 'state_dict': ck['state_dict']}


def load_checkpoint(path: str) -> tuple:
    ck = read_checkpoint(path)
    policy = Policy(config_from_dict(ck['config']))
    policy.load_state_dict(ck['state_dict'])
    return policy.eval(), ck['manifest_fields'], ck.get('extra', {})


def count_parameters(module: torch.nn.Module) -> int:
    return int(sum(p.numel() for p in module.parameters()))


# ----------------------------------------------------------------------------------------------
# batched forward over whole episodes, with the runtime's memory rules


def run_graph(graph: Graph, env: dict) -> dict:
    """Calls a graph module with its inputs taken from env by name; returns its outputs by name."""
    out = graph(*[env[s.name] for s in graph.inputs])
    if not isinstance(out, tuple):
        out = (out,)
    return {s.name: t for s, t in zip(graph.outputs, out)}


def flow_inputs(target: torch.Tensor, generator: Optional[torch.Generator] = None) -> tuple:
    """Flow matching on the runtime's convention (README "flow": x starts as noise at time 0 and
    x += (1/steps) * head(x, i/steps) carries it to the chunk at time 1): a straight path
    x_t = (1 - t) noise + t target with t ~ U[0, 1) per call; the head regresses the constant
    velocity target - noise. Returns (noisy_actions, time, velocity target)."""
    noise = torch.randn(target.shape, generator=generator, device=target.device if generator is None else 'cpu').to(target.device)
    t = torch.rand(target.shape[0], generator=generator, device=target.device if generator is None else 'cpu').to(target.device)
    tt = t.view(-1, 1, 1)
    return (1.0 - tt) * noise + tt * target, t, target - noise


def episode_params(ds: 'Dataset', episode_ids) -> dict:
    """Per task, the range of every numeric task parameter over the given episodes (dataset.json's
    per-episode `params`, written by `momento collect` for parameterised tasks) and the splits seen.
    Empty per task when the dataset predates task parameters."""
    out: dict = {}
    for i in episode_ids:
        e = ds.meta['episodes'][i]
        row = out.setdefault(e['task'], {'params': {}, 'splits': []})
        for k, v in (e.get('params') or {}).items():
            if isinstance(v, (int, float)):
                lo, hi = row['params'].get(k, (v, v))
                row['params'][k] = (min(lo, v), max(hi, v))
        split = e.get('split')
        if split is not None and split not in row['splits']:
            row['splits'].append(split)
    return {t: {'params': {k: {'min': lo, 'max': hi} for k, (lo, hi) in sorted(r['params'].items())}, 'splits': r['splits']}
            for t, r in out.items()}


def hamlet_window_index(calls: int, window: int, device=None) -> torch.Tensor:
    """[calls, T]: window slot j of call i holds call clamp(i - T + 1 + j, 0) — the runtime's FIFO
    seeded with T copies of the first call."""
    i = torch.arange(calls, device=device).unsqueeze(1)
    j = torch.arange(window, device=device).unsqueeze(0)
    return torch.clamp(i - window + 1 + j, min=0)


def pair_similarities(entries: torch.Tensor) -> torch.Tensor:
    """entries [B, S, N, d] -> [B, S-1]: mean over the N tokens of the cosine between adjacent
    entries, in float64, 0 where either token is the zero vector (bank.py's rule). The squared
    norms are computed once per entry (not once per pair side): fewer kernels, the same values."""
    e = entries.double()
    norm = torch.sqrt((e * e).sum(-1))  # [B, S, N]
    dot = (e[:, :-1] * e[:, 1:]).sum(-1)  # [B, S-1, N]
    denom = norm[:, :-1] * norm[:, 1:]
    cos = torch.where(denom > 0, dot / denom, torch.zeros_like(dot))
    return cos.mean(-1)


def consolidate_batched(entries: torch.Tensor, times: torch.Tensor, capacity: int) -> tuple:
    """One write's consolidation for a batch of banks that all hold capacity + 1 entries: merge the
    adjacent pair of highest similarity (first index on ties) into its average. The choice is
    discrete (no gradient); the averages are differentiable. Returns (entries [B, L, N, d],
    times [B, L], merged index [B]).

    Slot j of the result is entry j before the merged pair, the pair's average at it, entry j + 1
    after it: two `where`s over the shifted views instead of index gathers."""
    s = entries.shape[1]
    assert s == capacity + 1
    with torch.no_grad():
        best = torch.argmax(pair_similarities(entries), dim=1)  # first maximal index
        slot = torch.arange(capacity, device=entries.device).unsqueeze(0)  # [1, L]
        before = slot < best.unsqueeze(1)  # [B, L]
        at = slot == best.unsqueeze(1)
    lo, hi = entries[:, :capacity], entries[:, 1:]
    avg = (lo + hi) * 0.5
    b4, at4 = before.view(*before.shape, 1, 1), at.view(*at.shape, 1, 1)
    merged = torch.where(b4, lo, torch.where(at4, avg, hi))
    t_lo, t_hi = times[:, :capacity], times[:, 1:]
    t = torch.where(before, t_lo, torch.where(at, (t_lo + t_hi) * 0.5, t_hi))
    return merged, t, best


def forward_episodes(policy: Policy, env: dict, batch: int, calls: int) -> torch.Tensor:
    """The policy over whole episodes at once. env holds the encoder inputs for batch x calls policy
    calls, flattened episode-major ([batch * calls, ...]). Returns the head's normalised chunks
    [batch * calls, k, A]. Calls past an episode's end compute garbage that never reaches the valid
    calls (memory only looks back), so the caller masks them out of the loss."""
    cfg = policy.cfg
    env = dict(env)
    env.update(run_graph(policy.encoder, env))
    if cfg.memory == 'hamlet':
        moments = env['moments']  # [B*C, n, d]
        n, d = moments.shape[1], moments.shape[2]
        moments = moments.reshape(batch, calls, n, d)
        idx = hamlet_window_index(calls, cfg.window, moments.device)  # [C, T]
        window = moments[:, idx]  # [B, C, T, n, d]
        env['window'] = window.reshape(batch * calls, cfg.window, n, d)
        env.update(run_graph(policy.memory, env))
    elif cfg.memory == 'memoryvla':
        stacked = STACKED_STREAMS and len({d for _, _, d in policy.memory.streams}) == 1
        env.update((_unroll_memoryvla_stacked if stacked else _unroll_memoryvla)(policy, env, batch, calls))
    return run_graph(policy.head, env)['actions']


def _unroll_memoryvla(policy: Policy, env: dict, batch: int, calls: int) -> dict:
    """Call by call, as the runtime does: retrieve + fuse against the bank as it was before the call,
    write the fused tokens at timestep = call index, consolidate to at most L entries.

    What does not depend on the bank runs once for all calls (the queries of every call, the pooled
    `memory` output after the loop), and the per-slot attention the runtime records is not computed:
    the loop holds only the bank reads, the gate and the consolidation (about a third fewer kernels
    per call than calling the whole memory graph per call; the same numbers, test_training.py)."""
    cfg = policy.cfg
    mem = policy.memory
    L = cfg.capacity
    device = env['context'].device
    steps = torch.arange(calls, device=device, dtype=torch.float32)
    streams = []
    for (name, n, d), retrieval in zip(mem.streams, mem.retrieval):
        x = env[name].reshape(batch, calls, n, d)
        q = retrieval.query(x.reshape(batch * calls, n, d), steps.repeat(batch)).reshape(batch, calls, n, d)
        streams.append((name, n, d, retrieval, x, q))
    bank = {name: env[name].new_zeros(batch, L, n, d) for name, n, d, *_ in streams}  # [B, L, N, d], zero slots past `size`
    times = {name: env[name].new_zeros(batch, L) for name, *_ in streams}
    masks = [torch.zeros(batch, L, device=device)] + [
        (torch.arange(L, device=device) < min(c, L)).float().unsqueeze(0).expand(batch, L) for c in range(1, L + 1)]
    fused_all = {name: [] for name, *_ in streams}
    for c in range(calls):
        size = min(c, L)
        for name, n, d, retrieval, x, q in streams:
            fused, _ = retrieval.read(x[:, c], q[:, c], bank[name], times[name], masks[size], attention=False)
            fused_all[name].append(fused)
            written = fused if cfg.write == 'fused' else x[:, c]
            t_new = times[name].new_full((batch, 1), float(c))
            if size < L:  # room left: the new entry goes into slot `size`, the zero slots after it stay
                bank[name] = torch.cat([bank[name][:, :size], written.unsqueeze(1), bank[name][:, size + 1:]], dim=1)
                times[name] = torch.cat([times[name][:, :size], t_new, times[name][:, size + 1:]], dim=1)
            else:
                bank[name], times[name], _ = consolidate_batched(torch.cat([bank[name], written.unsqueeze(1)], dim=1),
                                                                 torch.cat([times[name], t_new], dim=1), L)
    # MemoryVLAMemory's pooled output, for all calls at once
    pooled = [torch.stack(fused_all[name], dim=1).mean(dim=2) for name, *_ in streams]  # [B, C, d] each
    memory = mem.out(mem.norm(torch.cat(pooled, dim=-1)))
    out = {'memory': memory.reshape(batch * calls, memory.shape[-1])}
    for name, n, d, *_ in streams:  # the fused tokens, as the memory graph outputs them (head extras)
        out[f'{name}_fused'] = torch.stack(fused_all[name], dim=1).reshape(batch * calls, n, d)
    return out


# ----------------------------------------------------------------------------------------------
# the memoryvla unroll with both streams in one set of kernels


def _stacked_linear(x: torch.Tensor, wb: tuple) -> torch.Tensor:
    """x [S, M, d_in], (weights [S, d_out, d_in] transposed to [S, d_in, d_out], biases [S, 1, d_out])
    -> [S, M, d_out] (one batched matmul)."""
    return torch.baddbmm(wb[1], x, wb[0])


def _stack_linears(layers: list) -> tuple:
    return torch.stack([l.weight for l in layers]).transpose(1, 2), torch.stack([l.bias for l in layers]).unsqueeze(1)


def _stacked_norm(x: torch.Tensor, wb: tuple, eps: float) -> torch.Tensor:
    """x [S, B, L, N, d], one LayerNorm per stream (weights, biases [S, 1, 1, 1, d])."""
    return torch.nn.functional.layer_norm(x, x.shape[-1:], eps=eps) * wb[0] + wb[1]


def _unroll_memoryvla_stacked(policy: Policy, env: dict, batch: int, calls: int) -> dict:
    """_unroll_memoryvla with the streams stacked on a leading axis (tokens padded to the widest
    stream; padded tokens are masked out of attention, written as zero vectors, which the
    similarity rule scores 0, and left out of the per-stream token means), so each call runs one
    set of kernels for both streams. StreamRetrieval.read's arithmetic, per stream weights through
    batched matmuls; test_training.py checks it against the reference loop."""
    cfg = policy.cfg
    mem = policy.memory
    L = cfg.capacity
    device = env['context'].device
    names = [name for name, _, _ in mem.streams]
    ns = [n for _, n, _ in mem.streams]
    d = mem.streams[0][2]
    rets = list(mem.retrieval)
    S, N, heads = len(ns), max(ns), rets[0].heads
    dh = d // heads
    steps = torch.arange(calls, device=device, dtype=torch.float32)

    def pad(t: torch.Tensor, n: int) -> torch.Tensor:  # [..., n, d] -> [..., N, d]
        return t if n == N else torch.cat([t, t.new_zeros(*t.shape[:-2], N - n, d)], dim=-2)

    x = torch.stack([pad(env[name].reshape(batch, calls, n, d), n) for name, n in zip(names, ns)])  # [S, B, C, N, d]
    q = torch.stack([pad(r.query(env[name].reshape(batch * calls, n, d), steps.repeat(batch)).reshape(batch, calls, n, d), n)
                     for name, n, r in zip(names, ns, rets)])
    token_valid = torch.stack([torch.arange(N, device=device) < n for n in ns])  # [S, N]
    token_keep = token_valid.to(x.dtype).view(S, 1, N, 1)
    null_k = torch.stack([r.null_k.reshape(1, d) for r in rets]).unsqueeze(1).expand(S, batch, 1, d)
    null_v = torch.stack([r.null_v.reshape(1, d) for r in rets]).unsqueeze(1).expand(S, batch, 1, d)
    # 1 / real tokens per stream, made by kernels (no host-to-device copy: a CUDA graph captures this)
    inv_n = (1.0 / token_valid.sum(-1).double()).view(S, 1, 1)
    # valid keys per bank size: the null, then each slot's real tokens while the slot is filled
    slot = torch.arange(L, device=device)
    valid_by_size = []
    for size in range(L + 1):
        tok = (slot < size).view(1, L, 1) & token_valid.view(S, 1, N)  # [S, L, N]
        v = torch.cat([torch.ones(S, 1, dtype=torch.bool, device=device), tok.reshape(S, L * N)], dim=1)
        valid_by_size.append(v.view(S, 1, 1, 1, 1 + L * N))
    bank = x.new_zeros(S, batch, L, N, d)
    times = x.new_zeros(S, batch, L)
    # the per-stream weights, stacked once per unroll (gradients flow back through the stacks)
    lin = {key: _stack_linears([getattr(r, key) for r in rets]) for key in ('k', 'v', 'o')}
    lin['fc1'] = _stack_linears([r.gate.fc1 for r in rets])
    lin['fc2'] = _stack_linears([r.gate.fc2 for r in rets])
    norm_bank = (torch.stack([r.norm_bank.weight for r in rets]).view(S, 1, 1, 1, d),
                 torch.stack([r.norm_bank.bias for r in rets]).view(S, 1, 1, 1, d))
    eps = rets[0].norm_bank.eps
    fused_all = []
    for c in range(calls):
        size = min(c, L)
        xc = x[:, :, c]  # [S, B, N, d]
        entries = _stacked_norm(bank, norm_bank, eps)  # [S, B, L, N, d]
        keys = entries + sinusoidal(times, d).unsqueeze(3)
        k = torch.cat([null_k, _stacked_linear(keys.reshape(S, batch * L * N, d), lin['k']).reshape(S, batch, L * N, d)], dim=2)
        v = torch.cat([null_v, _stacked_linear(entries.reshape(S, batch * L * N, d), lin['v']).reshape(S, batch, L * N, d)], dim=2)
        qh = q[:, :, c].reshape(S, batch, N, heads, dh).transpose(2, 3)  # [S, B, h, N, dh]
        kh = k.reshape(S, batch, 1 + L * N, heads, dh).transpose(2, 3)
        vh = v.reshape(S, batch, 1 + L * N, heads, dh).transpose(2, 3)
        scores = torch.matmul(qh * (1.0 / math.sqrt(dh)), kh.transpose(-2, -1))
        scores = scores.masked_fill(~valid_by_size[size], MASKED_SCORE)
        out = torch.matmul(torch.softmax(scores, dim=-1), vh)  # [S, B, h, N, dh]
        out = out.transpose(2, 3).reshape(S, batch * N, d)
        retrieved = _stacked_linear(out, lin['o']).reshape(S, batch, N, d)
        h = _stacked_linear(torch.cat([xc, retrieved], dim=-1).reshape(S, batch * N, 2 * d), lin['fc1'])
        g = torch.sigmoid(_stacked_linear(torch.nn.functional.gelu(h), lin['fc2'])).reshape(S, batch, N, d)
        fused = g * xc + (1.0 - g) * retrieved
        fused_all.append(fused)
        written = (fused if cfg.write == 'fused' else xc) * token_keep  # padded tokens as zero vectors
        t_new = times.new_full((S, batch, 1), float(c))
        if size < L:
            bank = torch.cat([bank[:, :, :size], written.unsqueeze(2), bank[:, :, size + 1:]], dim=2)
            times = torch.cat([times[:, :, :size], t_new, times[:, :, size + 1:]], dim=2)
        else:
            full = torch.cat([bank, written.unsqueeze(2)], dim=2).reshape(S * batch, L + 1, N, d)
            t_full = torch.cat([times, t_new], dim=2).reshape(S * batch, L + 1)
            bank, times = _consolidate_stacked(full, t_full, L, inv_n.repeat_interleave(batch, dim=0))
            bank, times = bank.reshape(S, batch, L, N, d), times.reshape(S, batch, L)
    fused = torch.stack(fused_all, dim=2)  # [S, B, C, N, d]
    pooled = [fused[s, :, :, :n].mean(dim=2) for s, n in enumerate(ns)]
    memory = mem.out(mem.norm(torch.cat(pooled, dim=-1)))
    out = {'memory': memory.reshape(batch * calls, memory.shape[-1])}
    for s, (name, n) in enumerate(zip(names, ns)):  # the fused tokens, as the memory graph outputs them (head extras)
        out[f'{name}_fused'] = fused[s, :, :, :n].reshape(batch * calls, n, d)
    return out


def _consolidate_stacked(entries: torch.Tensor, times: torch.Tensor, capacity: int, inv_n: torch.Tensor) -> tuple:
    """consolidate_batched for banks with padded (zero) tokens: the similarity is the sum of the
    real tokens' cosines times 1 / (real tokens) (inv_n [B, 1, 1], float64)."""
    with torch.no_grad():
        e = entries.double()
        norm = torch.sqrt((e * e).sum(-1))
        dot = (e[:, :-1] * e[:, 1:]).sum(-1)
        denom = norm[:, :-1] * norm[:, 1:]
        cos = torch.where(denom > 0, dot / denom, torch.zeros_like(dot))
        best = torch.argmax(cos.sum(-1) * inv_n[:, :, 0], dim=1)
        slot = torch.arange(capacity, device=entries.device).unsqueeze(0)
        before = slot < best.unsqueeze(1)
        at = slot == best.unsqueeze(1)
    lo, hi = entries[:, :capacity], entries[:, 1:]
    merged = torch.where(before.view(*before.shape, 1, 1), lo, torch.where(at.view(*at.shape, 1, 1), (lo + hi) * 0.5, hi))
    t_lo, t_hi = times[:, :capacity], times[:, 1:]
    return merged, torch.where(before, t_lo, torch.where(at, (t_lo + t_hi) * 0.5, t_hi))
