"""Checks that training sees exactly what the runtime computes.

    /usr/bin/python3 policies/test_training.py

- consolidate_batched (torch, batched) merges like bank.py's MemoryBank (same pair, same tokens and
  timesteps) over many writes with random, duplicated and near-duplicated entries;
- hamlet_window_index is the runtime's FIFO window seeded with copies of the first call;
- forward_episodes (whole episodes, padded batch) gives, for every valid call, the normalised chunk
  that the reference loop (runner.py, one call at a time, numpy banks) gives, for all three families
  at random init (memoryvla with a small capacity, so that consolidation happens);
- build_calls pads the target chunk with the episode's last action;
- a batch padded to more calls (train_step.py's CUDA-graph buckets) gives the same loss and
  gradients as the unpadded batch;
- the fused step graph (export_bundle(fused_step=True), step.onnx) declares the contract's inputs and
  outputs and gives what encoder -> memory -> head give, in onnxruntime (Python, or onnxruntime-node
  through node), for memoryvla (CNN and ViT stems, fused and raw writes) and memoryless bundles.
- flow_inputs builds the straight noise -> chunk path the runtime's Euler loop integrates, and a
  flow-head twin's checkpoint round-trips through save_checkpoint / load_checkpoint (weights-only).
Uses a synthetic dataset written by fake_dataset.py into a temporary folder.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from momento_models.bank import HamletWindow, MemoryBank  # noqa: E402
from momento_models.export import StepGraph, export_bundle  # noqa: E402
from momento_models.models import CameraConfig, Policy, PolicyConfig  # noqa: E402
from momento_models.ort_check import backend, compare_fused_step  # noqa: E402
from momento_models.runner import Observation, ReferenceRunner  # noqa: E402
from momento_models import training  # noqa: E402
from momento_models.training import (  # noqa: E402
    CAMERA_MEAN, CAMERA_STD, build_calls, consolidate_batched, family_config, flow_inputs, forward_episodes,
    hamlet_window_index, load_checkpoint, load_dataset, save_checkpoint,
)


def test_consolidation() -> None:
    rng = np.random.default_rng(5)
    L, n, d, batch, writes = 5, 3, 4, 6, 30
    banks = [MemoryBank(L, n, d) for _ in range(batch)]
    entries = torch.zeros(batch, 0, n, d)
    times = torch.zeros(batch, 0)
    for w in range(writes):
        tokens = rng.normal(0, 1, (batch, n, d)).astype(np.float32)
        for b in range(batch):
            if rng.random() < 0.3 and banks[b].entries:  # near copy of the last entry
                tokens[b] = banks[b].entries[-1].tokens + rng.normal(0, 1e-3, (n, d)).astype(np.float32)
        merged_ref = [bank.write_and_consolidate(float(w), tokens[b]) for b, bank in enumerate(banks)]
        entries = torch.cat([entries, torch.from_numpy(tokens).unsqueeze(1)], dim=1)
        times = torch.cat([times, torch.full((batch, 1), float(w))], dim=1)
        if entries.shape[1] > L:
            entries, times, best = consolidate_batched(entries, times, L)
            assert [[int(x)] for x in best] == merged_ref, (w, best, merged_ref)
        for b, bank in enumerate(banks):
            assert np.allclose(np.stack([e.tokens for e in bank.entries]), entries[b].numpy(), atol=1e-6)
            assert bank.timesteps() == times[b].tolist()
    print('consolidate_batched == MemoryBank: ok')


def test_window_index() -> None:
    T, calls = 4, 9
    idx = hamlet_window_index(calls, T)
    win = HamletWindow(T, 1, 1)
    for i in range(calls):
        win.push(np.full((1, 1), i, np.float32))
        assert win.array().ravel().tolist() == idx[i].float().tolist(), (i, win.array().ravel(), idx[i])
    print('hamlet_window_index == HamletWindow: ok')


def manifest_for(policy: Policy, ds, norm: dict) -> dict:
    h, w, c = ds.meta['image']['height'], ds.meta['image']['width'], ds.meta['image']['channels']
    return {
        'name': 't', 'seed': 0,
        'observation': {'cameras': [{'name': 'rgb', 'height': h, 'width': w, 'channels': c, 'mean': CAMERA_MEAN, 'std': CAMERA_STD}],
                        'proprio': {'names': ['x', 'y', 'grip', 'holding'], 'mean': norm['pm'].tolist(), 'std': norm['ps'].tolist()},
                        'instruction': {'tasks': ds.tasks}},
        'action': {'names': ['vx', 'vy', 'grip'], 'chunk': 8, 'execute': 4, 'rate_hz': 10, 'low': [-1e9] * 3, 'high': [1e9] * 3,
                   'mean': [0.0] * 3, 'std': [1.0] * 3},
        'memory': policy.memory_spec(), 'head': policy.head_spec(),
    }


def test_forward_matches_runner(data: str) -> None:
    ds = load_dataset(data)
    ids = [0, 1, 2, 3, 5]  # reach and remember-colour episodes of different lengths
    table = build_calls(ds, ids, 8, 4)
    # target padding: the last call's chunk repeats the episode's last action
    e = ds.episodes[ids[0]]
    last = table.episode_calls[0, table.episode_length[0] - 1]
    assert np.array_equal(table.targets[last][-1], ds.actions[e['start'] + e['length'] - 1])
    norm = {'pm': np.array([0.5, 0.4, 0.2, 0.1], np.float32), 'ps': np.array([0.2, 0.3, 0.4, 0.5], np.float32)}
    extras = {'capacity': 3, 'head_extras': ('perceptual_fused', 'image_tokens')}
    for family, extra in (('memoryless', {}), ('hamlet', {'window': 4}), ('memoryvla', {'capacity': 3}), ('memoryvla', extras)):
        torch.manual_seed(3)
        cfg = family_config(family, height=64, width=64, channels=3, proprio_dim=4, num_tasks=len(ds.tasks), action_dim=3,
                            dim=32, heads=2, conv_channels=(8, 16, 16), head_hidden=64, **extra)
        policy = Policy(cfg).eval()
        with torch.no_grad():  # let the observations move the tokens, so that merges differ
            for stem in policy.encoder.backbone.stems:
                stem.conv1.weight.mul_(3.0)
            for p in policy.head.extras.parameters():  # the zero-initialised extras made to matter
                p.add_(torch.randn_like(p) * 0.2)
        calls = int(table.episode_length.max())
        idx = np.where(table.episode_calls >= 0, table.episode_calls, 0).reshape(-1)
        frames = table.frames[idx]
        img = torch.from_numpy(np.asarray(ds.images[frames])).permute(0, 3, 1, 2).float() / 255.0
        img = (img - torch.tensor(CAMERA_MEAN).view(1, 3, 1, 1)) / torch.tensor(CAMERA_STD).view(1, 3, 1, 1)
        env = {'rgb': img, 'proprio': torch.from_numpy((ds.proprio[frames] - norm['pm']) / norm['ps']),
               'task': torch.from_numpy(table.task[idx])}
        with torch.no_grad():
            pred = forward_episodes(policy, env, len(ids), calls).reshape(len(ids), calls, 8, 3).numpy()
        if family == 'memoryvla':  # both unrolls: streams stacked (the default) and one stream at a time
            assert training.STACKED_STREAMS
            training.STACKED_STREAMS = False
            try:
                with torch.no_grad():
                    per_stream = forward_episodes(policy, env, len(ids), calls).reshape(len(ids), calls, 8, 3).numpy()
            finally:
                training.STACKED_STREAMS = True
            print(f'memoryvla unroll, stacked vs per stream: max abs diff {float(np.abs(per_stream - pred).max()):.2e}')
            assert np.abs(per_stream - pred).max() < 1e-5
        runner = ReferenceRunner(policy, manifest_for(policy, ds, norm))
        worst, merges = 0.0, 0
        for row, e in enumerate(ids):
            meta = ds.episodes[e]
            runner.reset(0)
            for c in range(table.episode_length[row]):
                f = meta['start'] + 4 * c
                res = runner.step(Observation({'rgb': np.asarray(ds.images[f])}, ds.proprio[f], ds.tasks[ds.task[f]]))
                merges += sum(len(m) for m in res.merged_at.values())
                worst = max(worst, float(np.abs(res.normalised - pred[row, c]).max()))
        assert worst < 1e-4, (family, worst)
        label = family + (f' + head extras {list(cfg.head_extras)}' if cfg.head_extras else '')
        print(f'forward_episodes == ReferenceRunner ({label}): max abs diff {worst:.2e}' + (f', {merges} merges' if merges else ''))
        if family == 'memoryvla':
            assert merges > 0


def test_padded_batch(data: str) -> None:
    """TrainStep's CUDA graphs pad a batch to a bucket of calls: the loss over the valid calls and
    its gradients equal the unpadded batch's (memory only looks back; padded calls are masked)."""
    from train import Batcher  # noqa: E402 (the training script's batcher)
    from momento_models.train_step import masked_loss
    ds = load_dataset(data)
    ids = [0, 1, 2, 3, 5]
    table = build_calls(ds, ids, 8, 4)
    norm = {'proprio_mean': np.zeros(4, np.float32), 'proprio_std': np.ones(4, np.float32),
            'action_mean': np.zeros(3, np.float32), 'action_std': np.ones(3, np.float32)}
    batcher = Batcher(ds, table, norm, torch.device('cpu'))
    rows = np.arange(len(ids))
    weights = torch.ones(1, 8, 1)
    calls = int(table.episode_length.max())
    for family, extra in (('hamlet', {'window': 4}), ('memoryvla', {'capacity': 3})):
        torch.manual_seed(4)
        cfg = family_config(family, height=64, width=64, channels=3, proprio_dim=4, num_tasks=len(ds.tasks), action_dim=3,
                            dim=32, heads=2, conv_channels=(8, 16, 16), head_hidden=64, **extra)
        policy = Policy(cfg)
        results = []
        for pad in (None, calls + 5):
            env, target, mask, b, c = batcher.batch(rows, pad)
            assert c == (calls if pad is None else pad) and float(mask.sum()) == float(table.episode_length.sum())
            policy.zero_grad(set_to_none=True)
            loss, _ = masked_loss(forward_episodes(policy, env, b, c), target, mask, weights)
            loss.backward()
            results.append((float(loss), torch.cat([p.grad.reshape(-1) for p in policy.parameters() if p.grad is not None])))
        (l0, g0), (l1, g1) = results
        assert abs(l0 - l1) <= 1e-6 * max(1.0, abs(l0)), (family, l0, l1)
        assert float((g0 - g1).abs().max()) <= 1e-5 * max(1.0, float(g0.abs().max())), family
        print(f'padded batch ({family}, {calls} -> {calls + 5} calls): same loss ({l0:.6f}) and gradients')


def test_fused_step_export(tmp: str) -> None:
    tasks = ['reach', 'shell-game']
    fields = {
        'name': 'fused-tiny', 'seed': 0,
        'observation': {'cameras': [{'name': 'rgb', 'height': 32, 'width': 32, 'channels': 3, 'mean': [0.5] * 3, 'std': [0.25] * 3}],
                        'proprio': {'names': ['x', 'y'], 'mean': [0.0, 0.0], 'std': [1.0, 1.0]}, 'instruction': {'tasks': tasks}},
        'action': {'names': ['vx', 'vy'], 'chunk': 4, 'execute': 2, 'rate_hz': 10, 'low': [-1.0] * 2, 'high': [1.0] * 2,
                   'mean': [0.0] * 2, 'std': [1.0] * 2},
    }
    base = dict(cameras=[CameraConfig('rgb', 32, 32, 3)], proprio_dim=2, num_tasks=2, action_dim=2, chunk=4, dim=16, heads=2,
                head='direct', head_hidden=32)
    vla = dict(memory='memoryvla', capacity=3, perceptual_tokens=2, perceptual_dim=8, cognitive_dim=8)
    cases = {
        'memoryvla-cnn-fused': dict(base, **vla, write='fused'),
        'memoryvla-vit-raw': dict(base, **vla, write='raw', backbone='vit', patch=8, vit_dim=16, vit_layers=2, vit_heads=2),
        'memoryless': dict(base, memory='none'),
        'memoryvla-head-extras': dict(base, **vla, write='fused', head_extras=('perceptual_fused', 'image_tokens'), head_queries=2),
    }
    which = backend()
    for name, cfg in cases.items():
        torch.manual_seed(7)
        policy = Policy(PolicyConfig(**cfg)).eval()
        out = os.path.join(tmp, name)
        manifest = export_bundle(policy, fields, out, fused_step=True)
        step = manifest['graphs']['step']
        inputs = [t['name'] for t in step['inputs']]
        outputs = [t['name'] for t in step['outputs']]
        if cfg['memory'] == 'memoryvla':
            written = ['perceptual_fused', 'cognitive_fused'] if cfg['write'] == 'fused' else ['perceptual', 'cognitive']
            assert inputs == ['rgb', 'proprio', 'task', 'perceptual_bank', 'perceptual_times', 'perceptual_mask',
                              'cognitive_bank', 'cognitive_times', 'cognitive_mask', 'step'], inputs
            assert outputs == [written[0], 'perceptual_attention', written[1], 'cognitive_attention', 'actions'], outputs
        else:
            assert inputs == ['rgb', 'proprio', 'task'] and outputs == ['actions'], (inputs, outputs)
        # same names, dtypes and shapes as the separate graphs
        separate = {t['name']: t for role in ('encoder', 'memory', 'head') if role in manifest['graphs']
                    for t in manifest['graphs'][role]['inputs'] + manifest['graphs'][role]['outputs']}
        for t in step['inputs'] + step['outputs']:  # the step graph fixes the bank axis at L
            want = dict(separate[t['name']], shape=[cfg.get('capacity') if d == 'slots' else d for d in separate[t['name']]['shape']])
            assert want == t, (name, t, want)
        if which:
            diffs = compare_fused_step(out, batch=3)
            assert max(diffs.values()) < 1e-5, (name, diffs)
            print(f'fused step == encoder -> memory -> head ({name}, {which}): max abs diff {max(diffs.values()):.2e}')
        else:
            print(f'fused step ({name}): contract ok; equality not checked (no onnxruntime: neither Python nor node)')
    hamlet = Policy(PolicyConfig(**dict(base, memory='hamlet', moment_tokens=2, window=3)))
    try:
        StepGraph(hamlet)
        raise AssertionError('StepGraph accepted a hamlet policy')
    except ValueError as e:
        assert 'hamlet' in str(e)


def test_head_extras_warm_start(tmp: str) -> None:
    """Head extras added to a checkpoint trained without them (train.py --init --head-extras ...)
    leave its function unchanged: the extras' projections start at zero; the old tensors load by name."""
    base = dict(cameras=[CameraConfig('rgb', 32, 32, 3)], proprio_dim=2, num_tasks=2, action_dim=2, chunk=4, dim=16, heads=2,
                head='direct', head_hidden=32, memory='memoryvla', capacity=3, perceptual_tokens=2, perceptual_dim=16, cognitive_dim=16)
    torch.manual_seed(11)
    old = Policy(PolicyConfig(**base)).eval()
    torch.manual_seed(12)
    new = Policy(PolicyConfig(**base, head_extras=('perceptual_fused', 'image_tokens'))).eval()
    missing, unexpected = new.load_state_dict(old.state_dict(), strict=False)
    assert not unexpected and missing and all(k.startswith('head.extras.') for k in missing), (missing, unexpected)
    g = torch.Generator().manual_seed(0)
    b, calls = 3, 6
    env = {'rgb': torch.randn(b * calls, 3, 32, 32, generator=g), 'proprio': torch.randn(b * calls, 2, generator=g),
           'task': torch.randint(0, 2, (b * calls,), generator=g)}
    with torch.no_grad():
        a, c = forward_episodes(old, env, b, calls), forward_episodes(new, env, b, calls)
    assert torch.equal(a, c), float((a - c).abs().max())
    # the extras are trainable from there: their projections get gradients
    new.train()
    forward_episodes(new, env, b, calls).square().sum().backward()
    grads = [m[-1].weight.grad if isinstance(m, torch.nn.Sequential) else m.out.weight.grad for m in new.head.extras]
    assert all(gr is not None and float(gr.abs().max()) > 0 for gr in grads)
    print(f'head extras warm start: same chunks as the checkpoint ({len(missing)} new tensors, zero projections get gradients)')


def test_flow_inputs_and_checkpoint() -> None:
    target = torch.randn(6, 8, 3, generator=torch.Generator().manual_seed(1))
    noisy, t, velocity = flow_inputs(target, torch.Generator().manual_seed(2))
    assert noisy.shape == target.shape and t.shape == (6,) and bool(((t >= 0) & (t < 1)).all())
    tt = t.view(-1, 1, 1)
    # the path's end (time 1) is the chunk, its start (time 0) the noise the velocity started from
    assert torch.allclose(noisy + (1 - tt) * velocity, target, atol=1e-5)
    assert torch.allclose(noisy - tt * velocity, target - velocity, atol=1e-5)
    # the runtime's Euler loop (x += v / steps at times i / steps) carries the noise to the chunk on this path
    x = target - velocity
    for _ in range(10):
        x = x + velocity / 10
    assert torch.allclose(x, target, atol=1e-5)
    torch.manual_seed(4)
    cfg = family_config('hamlet', height=64, width=64, channels=3, proprio_dim=4, num_tasks=5, action_dim=3, dim=32, heads=2,
                        conv_channels=(8, 16, 16), head_hidden=64, window=1, head='flow', head_steps=6)
    policy = Policy(cfg)
    fields = {'name': 'twin', 'observation': {'proprio': {'mean': [0.25, 1.5]}}, 'seed': 0}
    with tempfile.TemporaryDirectory() as tmp:
        save_checkpoint(os.path.join(tmp, 'checkpoint.pt'), policy, fields, {'train': {'steps': 3, 'final_loss': 0.5}})
        back, back_fields, extra = load_checkpoint(os.path.join(tmp, 'checkpoint.pt'))
    assert back.cfg == policy.cfg and back_fields == fields and extra['train']['final_loss'] == 0.5
    assert back.head_spec() == {'kind': 'flow', 'steps': 6}
    for k, v in policy.state_dict().items():
        assert torch.equal(v, back.state_dict()[k]), k
    print('flow_inputs path and checkpoint round trip: ok')


def main() -> None:
    test_consolidation()
    test_window_index()
    test_flow_inputs_and_checkpoint()
    with tempfile.TemporaryDirectory() as tmp:
        test_head_extras_warm_start(tmp)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, os.path.join(HERE, 'fake_dataset.py'), '--out', tmp, '--episodes', '4'], check=True,
                       stdout=subprocess.DEVNULL)
        test_forward_matches_runner(tmp)
        test_padded_batch(tmp)
    with tempfile.TemporaryDirectory() as tmp:
        test_fused_step_export(tmp)
    print('all ok')


if __name__ == '__main__':
    main()
