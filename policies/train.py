"""Train a reference policy (memoryless, hamlet or memoryvla) on expert demonstrations in the
"momento-dataset/1" format and export it as a momento bundle.

    /usr/bin/python3 policies/train.py --family hamlet --data /tmp/data --out /tmp/bundles/hamlet-sim \\
        [--steps 3000] [--time-budget 240] [--seed 0] [--window 32] [--device cuda|cpu] [--name NAME]

Samples are policy calls at control steps 0, 4, 8, ... of each episode (where the runtime calls
the policy); the target is the next 8 executed actions (the last action of the episode repeated
past its end), normalised with the dataset's action mean / std; proprio is normalised with its
mean / std (std floored at 1e-2), the camera with fixed mean 0.5 / std 0.25. Every family trains
on whole episodes as sequences of calls (a batch of episodes, padded and masked): hamlet builds
each call's window of the last T calls exactly as the runtime does, memoryvla unrolls its banks
call by call (retrieve + fuse, write the fused tokens at timestep = call index, consolidate by
merging the most similar adjacent pair). Loss: MSE on the normalised chunk, the first `execute`
actions weighted more. AdamW, linear warm-up then cosine decay over max(step / steps,
elapsed / time budget), so a time budget ends the run on a decayed learning rate.

At the end: checkpoint.pt (state dict + config, for check_parity.py / export_checkpoint.py),
the bundle (policy.json, encoder/memory/head .onnx) and train.json in --out. SIGTERM / SIGINT
stop training early and still export.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import time
import traceback
from typing import Optional

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from momento_models.export import export_bundle  # noqa: E402
from momento_models.models import Policy  # noqa: E402
from momento_models.train_step import TrainStep, graph_optimizer, masked_loss  # noqa: E402
from momento_models.training import (  # noqa: E402
    CAMERA_MEAN, CAMERA_STD, FAMILIES, build_calls, count_parameters, episode_params, family_config, flow_inputs,
    forward_episodes, load_dataset, read_checkpoint, save_checkpoint,
)

CHUNK = 8
EXECUTE = 4
RATE_HZ = 10
STD_FLOOR = 1e-2
PROPRIO_NAMES = ['x', 'y', 'grip', 'holding']
ACTION_NAMES = ['vx', 'vy', 'grip']

T0 = time.time()


def log(msg: str) -> None:
    print(f'[{time.time() - T0:7.1f}s] {msg}', flush=True)


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description='Train a momento reference policy and export it as a bundle.')
    ap.add_argument('--family', required=True, choices=FAMILIES)
    ap.add_argument('--data', required=True, help='dataset directory (momento-dataset/1)')
    ap.add_argument('--out', required=True, help='bundle directory to write')
    ap.add_argument('--name', default=None, help='bundle name (default: <family>[-t<T>]-sim)')
    ap.add_argument('--steps', type=int, default=3000, help='maximum optimiser steps')
    ap.add_argument('--time-budget', type=float, default=0.0, help='seconds of training loop (0 = unlimited)')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--window', type=int, default=32, help='hamlet window T in policy calls')
    ap.add_argument('--capacity', type=int, default=16, help='memoryvla bank capacity L')
    ap.add_argument('--dim', type=int, default=64)
    ap.add_argument('--heads', type=int, default=4)
    ap.add_argument('--conv', default='16,32,64', help='conv channels of the camera stem')
    ap.add_argument('--head-hidden', type=int, default=256)
    ap.add_argument('--head', default='direct', choices=('direct', 'flow'),
                    help='direct regression, or a flow head (flow matching) that samples one of the expert\'s modes')
    ap.add_argument('--head-steps', type=int, default=10, help='Euler steps of a flow head at inference')
    ap.add_argument('--head-extras', default=None,
                    help="memoryvla direct head: extra inputs, comma-separated: perceptual_fused (the fused perceptual tokens, "
                         "flattened), image_tokens (a cue-conditioned cross-attention read of the image tokens); each enters "
                         "through a zero-initialised projection, so they can be added to an --init checkpoint without changing "
                         "its function (default: the --init checkpoint's, else none)")
    ap.add_argument('--version', default='2.0.0', help="the bundle's policy.json version")
    ap.add_argument('--batch', type=int, default=32, help='episodes per batch')
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--weight-decay', type=float, default=0.01)
    ap.add_argument('--warmup', type=int, default=100)
    ap.add_argument('--execute-weight', type=float, default=2.0, help='loss weight of the first `execute` actions (others 1)')
    ap.add_argument('--val-fraction', type=float, default=0.05)
    ap.add_argument('--max-episodes', type=int, default=0, help='use at most this many episodes per task (0 = all)')
    ap.add_argument('--task-weights', default='',
                    help="sample episodes by task weight, e.g. 'reach=0.5,pick-place-twice=0.5' (others 1; default: uniform over episodes)")
    ap.add_argument('--include-failures', action='store_true', help='also train on unsuccessful episodes')
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--threads', type=int, default=0, help='torch CPU threads (0 = leave default)')
    ap.add_argument('--amp', action='store_true', help='bfloat16 autocast on CUDA')
    ap.add_argument('--cuda-graphs', default='auto', choices=('auto', 'on', 'off'),
                    help='replay each training step from a CUDA graph (auto: on CUDA devices)')
    ap.add_argument('--log-every', type=int, default=50)
    ap.add_argument('--eval-every', type=int, default=250)
    ap.add_argument('--no-export', action='store_true')
    ap.add_argument('--init', default=None, help='continue from a checkpoint.pt of the same family (its weights and normalisation)')
    return ap.parse_args(argv)


class Stop:
    requested = False

    @classmethod
    def handler(cls, signum, frame) -> None:  # noqa: ARG003
        cls.requested = True
        log(f'signal {signum}: stopping after this step, then exporting')


def split_episodes(ds, args) -> tuple:
    """Deterministic train / validation split, per task: every k-th episode goes to validation."""
    rng = np.random.default_rng(args.seed)
    by_task: dict = {}
    for i, e in enumerate(ds.episodes):
        if not e.get('success', True) and not args.include_failures:
            continue
        by_task.setdefault(e['task'], []).append(i)
    train, val = [], []
    for task in ds.tasks:
        ids = by_task.get(task, [])
        if args.max_episodes:
            ids = ids[:args.max_episodes]
        ids = list(rng.permutation(ids)) if ids else []
        n_val = int(round(len(ids) * args.val_fraction)) if len(ids) >= 5 else 0
        if args.val_fraction > 0 and len(ids) >= 5:
            n_val = max(1, n_val)
        val += [int(i) for i in ids[:n_val]]
        train += [int(i) for i in ids[n_val:]]
    return sorted(train), sorted(val), {t: len(by_task.get(t, [])) for t in ds.tasks}


class Batcher:
    """Holds every call's inputs on the device; yields padded batches of whole episodes."""

    def __init__(self, ds, table, norm: dict, device: torch.device) -> None:
        self.table = table
        self.device = device
        imgs = np.asarray(ds.images[table.frames])  # [M, H, W, C] uint8
        self.images = torch.from_numpy(imgs).to(device)
        p = (ds.proprio[table.frames] - norm['proprio_mean']) / norm['proprio_std']
        self.proprio = torch.from_numpy(p.astype(np.float32)).to(device)
        t = (table.targets - norm['action_mean']) / norm['action_std']
        self.targets = torch.from_numpy(t.astype(np.float32)).to(device)
        self.task = torch.from_numpy(table.task).to(device)
        self.cam_mean = torch.tensor(CAMERA_MEAN, device=device).view(1, 3, 1, 1)
        self.cam_std = torch.tensor(CAMERA_STD, device=device).view(1, 3, 1, 1)

    @property
    def episodes(self) -> int:
        return len(self.table.episode_ids)

    def indices(self, rows: np.ndarray, calls: Optional[int] = None) -> tuple:
        """(call index [B * C] int64, mask [B * C] float32) on the CPU for the episodes `rows`,
        padded to `calls` calls (default: the longest of them); -1 rows point at call 0, masked."""
        lengths = self.table.episode_length[rows]
        calls = int(lengths.max()) if calls is None else int(calls)
        idx = self.table.episode_calls[rows, :calls]  # [B, C], -1 past the end
        if idx.shape[1] < calls:
            idx = np.concatenate([idx, np.full((len(rows), calls - idx.shape[1]), -1, np.int64)], axis=1)
        valid = idx >= 0
        return torch.from_numpy(np.where(valid, idx, 0).reshape(-1)), torch.from_numpy(valid.reshape(-1).astype(np.float32))

    def gather(self, idx: torch.Tensor) -> tuple:
        """Encoder inputs and targets of the calls idx (on the device): only device kernels, so a
        CUDA graph can capture it."""
        img = self.images[idx].permute(0, 3, 1, 2).float() * (1.0 / 255.0)
        img = (img - self.cam_mean) / self.cam_std
        return {'rgb': img, 'proprio': self.proprio[idx], 'task': self.task[idx]}, self.targets[idx]

    def batch(self, rows: np.ndarray, calls: Optional[int] = None) -> tuple:
        idx, mask = self.indices(rows, calls)
        c = len(idx) // len(rows)
        env, target = self.gather(idx.to(self.device))
        return env, target, mask.to(self.device), len(rows), c


def episode_sampling(ds, table, spec: str) -> Optional[np.ndarray]:
    """Per-episode sampling probabilities from `--task-weights` ('task=w,...'; unnamed tasks 1), or
    None for uniform epochs (a permutation per pass)."""
    if not spec:
        return None
    weights = {}
    for part in spec.split(','):
        task, _, w = part.partition('=')
        if task not in ds.tasks:
            raise SystemExit(f'--task-weights: unknown task {task!r} (tasks: {", ".join(ds.tasks)})')
        try:
            weights[task] = float(w)
        except ValueError:
            raise SystemExit(f'--task-weights: {task}={w!r} is not a number') from None
        if not (weights[task] >= 0 and math.isfinite(weights[task])):
            raise SystemExit(f'--task-weights: {task}={w} must be finite and >= 0')
    names = ds.tasks
    w = np.asarray([weights.get(names[ds.task[table.frames[row[0]]]], 1.0) for row in table.episode_calls], np.float64)
    if w.sum() <= 0:
        raise SystemExit(f'--task-weights {spec!r}: every training episode has weight 0')
    return w / w.sum()


def chunk_weights(args, device) -> torch.Tensor:
    w = torch.ones(CHUNK, device=device)
    w[:EXECUTE] = args.execute_weight
    return (w / w.mean()).view(1, CHUNK, 1)


def evaluate(policy, batcher: Batcher, args, weights, task_names) -> tuple:
    """Mean validation loss over all calls, and per task."""
    policy.eval()
    generator = torch.Generator().manual_seed(1234)  # the same noise at every evaluation (flow heads)
    total, count = 0.0, 0.0
    per_task_sum = np.zeros(len(task_names))
    per_task_n = np.zeros(len(task_names))
    with torch.no_grad():
        for start in range(0, batcher.episodes, args.batch):
            rows = np.arange(start, min(start + args.batch, batcher.episodes))
            env, target, mask, b, c = batcher.batch(rows)
            if policy.cfg.head == 'flow':
                env['noisy_actions'], env['time'], target = flow_inputs(target, generator)
            pred = forward_episodes(policy, env, b, c)
            _, per_call = masked_loss(pred, target, mask, weights)
            m = mask.cpu().numpy()
            pc = per_call.float().cpu().numpy()
            tk = env['task'].cpu().numpy()
            total += float((pc * m).sum())
            count += float(m.sum())
            np.add.at(per_task_sum, tk[m > 0], pc[m > 0])
            np.add.at(per_task_n, tk[m > 0], 1)
    policy.train()
    per_task = {task_names[i]: float(per_task_sum[i] / per_task_n[i]) for i in range(len(task_names)) if per_task_n[i] > 0}
    return total / max(count, 1.0), per_task


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, Stop.handler)
    signal.signal(signal.SIGINT, Stop.handler)
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    device = torch.device(args.device)
    if device.type == 'cuda':
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    name = args.name or (f'{args.family}-t{args.window}-sim' if args.family == 'hamlet' else f'{args.family}-sim')
    os.makedirs(args.out, exist_ok=True)
    log(f'{name}: family {args.family}, torch {torch.__version__}, device {device}'
        + (f' ({torch.cuda.get_device_name(device)})' if device.type == 'cuda' else ''))

    # ---------------------------------------------------------------- data
    ds = load_dataset(args.data)
    if ds.meta['image']['channels'] != 3 or ds.meta['proprio_dims'] != len(PROPRIO_NAMES) or ds.meta['action_dims'] != len(ACTION_NAMES):
        raise SystemExit(f'{args.data}: expected 3-channel images, {len(PROPRIO_NAMES)} proprio and {len(ACTION_NAMES)} action dims')
    train_ids, val_ids, per_task = split_episodes(ds, args)
    if not train_ids:
        raise SystemExit(f'{args.data}: no episodes to train on')
    frames = np.concatenate([np.arange(ds.episodes[i]['start'], ds.episodes[i]['start'] + ds.episodes[i]['length']) for i in train_ids])
    norm = {
        'proprio_mean': ds.proprio[frames].mean(0).astype(np.float32),
        'proprio_std': np.maximum(ds.proprio[frames].std(0), STD_FLOOR).astype(np.float32),
        'action_mean': ds.actions[frames].mean(0).astype(np.float32),
        'action_std': np.maximum(ds.actions[frames].std(0), STD_FLOOR).astype(np.float32),
    }
    init = None
    if args.init:
        # Continue training: the checkpoint's weights were fitted to its normalisation, so keep it.
        init = read_checkpoint(args.init)  # no pickle code execution
        fields = init['manifest_fields']
        norm = {'proprio_mean': fields['observation']['proprio']['mean'], 'proprio_std': fields['observation']['proprio']['std'],
                'action_mean': fields['action']['mean'], 'action_std': fields['action']['std']}
        log(f'init from {args.init} (steps so far: {init.get("extra", {}).get("train", {}).get("steps")})')
    # round-trip through the JSON the manifest stores, so training uses exactly the runtime's values
    norm = {k: np.asarray([float(str(np.float32(x))) for x in v], np.float32) for k, v in norm.items()}
    train_table = build_calls(ds, train_ids, CHUNK, EXECUTE)
    val_table = build_calls(ds, val_ids, CHUNK, EXECUTE) if val_ids else None
    train_batcher = Batcher(ds, train_table, norm, device)
    val_batcher = Batcher(ds, val_table, norm, device) if val_table is not None else None
    episodes_per_task = {t: {'train': 0, 'val': 0} for t in ds.tasks}
    for i in train_ids:
        episodes_per_task[ds.episodes[i]['task']]['train'] += 1
    for i in val_ids:
        episodes_per_task[ds.episodes[i]['task']]['val'] += 1
    log(f'data {args.data}: {len(ds.episodes)} episodes, {len(ds.task)} frames, tasks {ds.tasks}; '
        f'train {len(train_ids)} episodes / {len(train_table.frames)} calls (max {train_table.episode_calls.shape[1]} per episode), '
        f'val {len(val_ids)}; per task {episodes_per_task}')

    # ---------------------------------------------------------------- model
    h, w, c = ds.meta['image']['height'], ds.meta['image']['width'], ds.meta['image']['channels']
    if args.head_extras is not None:
        head_extras = tuple(x for x in args.head_extras.split(',') if x)
    else:
        head_extras = tuple(init['config'].get('head_extras', ())) if init is not None else ()
    cfg = family_config(args.family, height=h, width=w, channels=c, proprio_dim=len(PROPRIO_NAMES), num_tasks=len(ds.tasks),
                        action_dim=len(ACTION_NAMES), chunk=CHUNK, window=args.window, dim=args.dim, heads=args.heads,
                        conv_channels=tuple(int(x) for x in args.conv.split(',')), head_hidden=args.head_hidden,
                        capacity=args.capacity, head=args.head, head_steps=args.head_steps, head_extras=head_extras)
    policy = Policy(cfg)
    if init is not None:
        # Parameters the checkpoint lacks must be new head extras (zero-initialised: the function is the checkpoint's).
        missing, unexpected = policy.load_state_dict(init['state_dict'], strict=False)
        added = tuple(x for x in cfg.head_extras if x not in tuple(init['config'].get('head_extras', ())))
        if unexpected or (missing and not added) or any(not k.startswith('head.extras.') for k in missing):
            raise SystemExit(f'--init {args.init}: the checkpoint does not fit this model: missing {missing}, unexpected {unexpected}')
        if added:
            log(f'init: head extras {list(added)} added, zero-initialised ({len(missing)} new tensors)')
    policy = policy.to(device).train()
    longest = int(train_table.episode_calls.shape[1])
    if args.family == 'hamlet' and 1 < args.window < longest:
        log(f'WARNING: window T = {args.window} calls is shorter than the longest training episode ({longest} calls): '
            'a cue older than the window is out of its sight')
    params = {role: count_parameters(g) for role, g in policy.graphs().items()}
    params['total'] = count_parameters(policy)
    log(f'model: memory {policy.memory_spec()}, parameters {params}')
    manifest_fields = {
        'name': name,
        'description': (f'{args.family} reference policy for the momento simulator tasks ({", ".join(ds.tasks)}), '
                        f'trained by behaviour cloning of the scripted experts (policies/train.py).'
                        + (' The memoryless twin: the HAMLET network with a window of one call, so the memory module'
                           ' sees only the present and nothing of the past.' if args.family == 'hamlet' and args.window == 1 else '')
                        + (f' A flow head ({args.head_steps} Euler steps from the episode\'s seeded noise) samples one of the'
                           ' expert\'s modes rather than answering their mean.' if args.head == 'flow' else '')),
        'version': args.version,
        'seed': 0,
        'observation': {
            'cameras': [{'name': 'rgb', 'height': h, 'width': w, 'channels': c, 'mean': CAMERA_MEAN, 'std': CAMERA_STD}],
            'proprio': {'names': PROPRIO_NAMES, 'mean': norm['proprio_mean'].tolist(), 'std': norm['proprio_std'].tolist()},
            'instruction': {'tasks': ds.tasks},
        },
        'action': {'names': ACTION_NAMES, 'chunk': CHUNK, 'execute': EXECUTE, 'rate_hz': RATE_HZ,
                   'low': [-1.0] * len(ACTION_NAMES), 'high': [1.0] * len(ACTION_NAMES),
                   'mean': norm['action_mean'].tolist(), 'std': norm['action_std'].tolist()},
    }

    # ---------------------------------------------------------------- optimisation
    decay, no_decay = [], []
    for pname, p in policy.named_parameters():
        (no_decay if p.ndim < 2 or pname.endswith('.pos') or 'null_' in pname or 'queries' in pname else decay).append(p)
    graphs = args.cuda_graphs == 'on' or (args.cuda_graphs == 'auto' and device.type == 'cuda')
    if graphs and device.type != 'cuda':
        raise SystemExit(f'--cuda-graphs on needs a CUDA device, got --device {args.device}')
    opt = graph_optimizer([{'params': decay, 'weight_decay': args.weight_decay}, {'params': no_decay, 'weight_decay': 0.0}],
                          args.lr, device, graphs)
    weights = chunk_weights(args, device)
    amp = args.amp and device.type == 'cuda'
    train_step = TrainStep(policy, opt, train_batcher, weights, batch=args.batch, flow=cfg.head == 'flow', amp=amp,
                           graphs=graphs, max_calls=longest, log=log)
    rng = np.random.default_rng(args.seed + 1)
    order: list = []
    episode_p = episode_sampling(ds, train_table, args.task_weights)
    budget = args.time_budget if args.time_budget > 0 else float('inf')
    history = []
    window_loss, window_n = 0.0, 0
    step = 0
    val_loss, val_per_task = float('nan'), {}
    t_train = time.time()
    log(f'training: up to {args.steps} steps' + (f' / {budget:.0f} s' if budget < float('inf') else '')
        + f', batch {args.batch} episodes, lr {args.lr}' + (', bf16 autocast' if amp else '')
        + (', CUDA graphs' if graphs else ''))
    while step < args.steps and not Stop.requested:
        elapsed = time.time() - t_train
        progress = max(step / args.steps, elapsed / budget)
        if progress >= 1.0:
            break
        lr = args.lr * min(1.0, (step + 1) / max(1, args.warmup)) * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * progress)))
        train_step.set_lr(lr)
        while len(order) < args.batch:
            n = train_batcher.episodes
            order += list(rng.permutation(n) if episode_p is None else rng.choice(n, size=n, replace=True, p=episode_p))
        rows = np.asarray(order[:args.batch])
        del order[:args.batch]
        warm_before = train_step.warm_steps
        loss, grad_norm = train_step(rows)
        step += 1 + train_step.warm_steps - warm_before
        window_loss = window_loss + loss.detach()  # summed on the device: no sync per step
        window_n += 1
        if step % args.log_every == 0 or step == 1:
            window_loss = float(window_loss)
            if not math.isfinite(window_loss):
                log(f'step {step}: loss is {window_loss}; stopping')
                break
            msg = f'step {step:5d} loss {window_loss / window_n:.4f} lr {lr:.2e} grad {float(grad_norm):.2f}'
            if val_batcher is not None and (step % args.eval_every == 0):
                val_loss, val_per_task = evaluate(policy, val_batcher, args, weights, ds.tasks)
                msg += f' | val {val_loss:.4f}'
            log(msg)
            history.append({'step': step, 'time': round(time.time() - t_train, 2), 'loss': window_loss / window_n,
                            'val': None if math.isnan(val_loss) else val_loss})
            window_loss, window_n = 0.0, 0
    train_time = time.time() - t_train
    final_train = history[-1]['loss'] if history else float('nan')
    if window_n:
        final_train = float(window_loss) / window_n
    if val_batcher is not None:
        val_loss, val_per_task = evaluate(policy, val_batcher, args, weights, ds.tasks)
    log(f'done: {step} steps in {train_time:.1f} s ({step / max(train_time, 1e-9):.2f} steps/s), '
        f'train loss {final_train:.4f}, val loss {val_loss:.4f}, val per task '
        + ', '.join(f'{k} {v:.4f}' for k, v in val_per_task.items()))

    # ---------------------------------------------------------------- checkpoint, export, report
    policy = policy.float().cpu().eval()
    report = {
        'name': name, 'family': args.family, 'steps': step, 'train_seconds': round(train_time, 1),
        'total_seconds': None, 'device': str(device),
        'gpu': torch.cuda.get_device_name(device) if device.type == 'cuda' else None,
        'torch': torch.__version__, 'parameters': params, 'memory': policy.memory_spec(), 'head': policy.head_spec(),
        'config': {'head_steps': cfg.steps if cfg.head == 'flow' else None, 'dim': cfg.dim, 'heads': cfg.heads, 'conv_channels': list(cfg.conv_channels), 'head_hidden': cfg.head_hidden,
                   'window': cfg.window if args.family == 'hamlet' else None,
                   'capacity': cfg.capacity if args.family == 'memoryvla' else None},
        'args': vars(args), 'data': os.path.abspath(args.data), 'tasks': ds.tasks,
        'episodes_per_task': episodes_per_task, 'successful_episodes_per_task': per_task,
        'task_params': {'train': episode_params(ds, train_ids), 'val': episode_params(ds, val_ids)},
        'dataset_max_calls': int(train_table.episode_calls.shape[1]),
        'train_seeds': [min(int(ds.episodes[i].get('seed', -1)) for i in train_ids), max(int(ds.episodes[i].get('seed', -1)) for i in train_ids)],
        'date': time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime()),
        'calls': {'train': int(len(train_table.frames)), 'val': int(len(val_table.frames)) if val_table is not None else 0},
        'final_loss': final_train, 'final_val_loss': None if math.isnan(val_loss) else val_loss, 'val_loss_per_task': val_per_task,
        'history': history, 'export': None,
    }
    ck_path = os.path.join(args.out, 'checkpoint.pt')
    save_checkpoint(ck_path, policy, manifest_fields, {'train': {k: report[k] for k in ('family', 'steps', 'final_loss')}})
    log(f'checkpoint {ck_path}')
    status = 0
    if not args.no_export:
        try:
            for stale in ('encoder.onnx', 'memory.onnx', 'head.onnx', 'policy.json'):
                if os.path.exists(os.path.join(args.out, stale)):
                    os.remove(os.path.join(args.out, stale))
            export_bundle(policy, manifest_fields, args.out)
            sizes = {f: os.path.getsize(os.path.join(args.out, f)) for f in sorted(os.listdir(args.out)) if f.endswith(('.onnx', '.json'))}
            report['export'] = {'ok': True, 'bytes': sizes}
            log(f'exported bundle {args.out}: ' + ', '.join(f'{f} {s / 1024:.0f} KB' for f, s in sizes.items()))
        except Exception as err:  # keep the checkpoint and report; export_checkpoint.py can retry
            report['export'] = {'ok': False, 'error': f'{type(err).__name__}: {err}'}
            traceback.print_exc()
            log(f'EXPORT FAILED: {err}; the checkpoint is kept ({ck_path}): retry with policies/export_checkpoint.py')
            status = 2
    report['total_seconds'] = round(time.time() - T0, 1)
    with open(os.path.join(args.out, 'train.json'), 'w') as f:
        json.dump(report, f, indent=1)
        f.write('\n')
    log(f'wrote {os.path.join(args.out, "train.json")}')
    return status


if __name__ == '__main__':
    sys.exit(main())
