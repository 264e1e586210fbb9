"""Export the tiny random-init test bundles and their parity fixtures to test/fixtures/bundles/.

    /usr/bin/python3 policies/export_test_bundles.py

Writes, for each of hamlet-tiny, memoryvla-tiny and memoryless-tiny: policy.json, the ONNX
graphs, reference.json (a 24-call episode of generated observations and the reference loop's
chunks) and graph_io.json (one batch-2 call of each graph with its PyTorch outputs); plus
memory-variants.json for memoryvla-tiny (its reference episode under the runtime's eviction and
capacity overrides) and bank-parity.json (40 bank writes and the consolidated state after each,
merging and FIFO). Everything is seeded:
running it again gives the same numbers.
"""
from __future__ import annotations

import base64
import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from momento_models.bank import MemoryBank  # noqa: E402
from momento_models.export import export_bundle  # noqa: E402
from momento_models.models import CameraConfig, Policy, PolicyConfig  # noqa: E402
from momento_models.rng import episode_generator, episode_state  # noqa: E402
from momento_models.runner import Observation, ReferenceRunner  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'bundles')

TASKS = ['reach', 'shell-game', 'button-sequence', 'pick-place-twice', 'remember-colour']
EPISODE_STEPS = 24
#: Lengths of the episode's phases (calls with the same scene), summing to EPISODE_STEPS.
PHASES = (3, 2, 4, 1, 3, 2, 5, 4)
#: Calls of the reference episode whose graph calls are stacked into graph_io.json's batch of 2.
GRAPH_IO_CALLS = (2, 9)

OBSERVATION = {
    'cameras': [{'name': 'rgb', 'height': 16, 'width': 16, 'channels': 3,
                 'mean': [0.485, 0.456, 0.406], 'std': [0.229, 0.224, 0.225]}],
    'proprio': {'names': ['x', 'y', 'grip', 'holding'], 'mean': [0.1, -0.2, 0.5, 0.25], 'std': [0.5, 0.6, 0.4, 0.45]},
    'instruction': {'tasks': TASKS},
}
ACTION = {
    'names': ['vx', 'vy', 'grip'], 'chunk': 8, 'execute': 4, 'rate_hz': 10,
    'low': [-1.0, -1.0, -1.0], 'high': [1.0, 1.0, 1.0],
    'mean': [0.05, -0.1, 0.2], 'std': [0.4, 0.35, 0.6],
}

BUNDLES = [
    {
        'name': 'hamlet-tiny', 'torch_seed': 101, 'seed': 7, 'episode_seed': 1234, 'task': 'shell-game',
        'description': 'Random-init HAMLET test bundle: 4 moment tokens, window 4, flow head (4 Euler steps).',
        'cfg': dict(dim=24, heads=2, memory='hamlet', moment_tokens=4, window=4, head='flow', steps=4, head_hidden=48),
    },
    {
        'name': 'memoryvla-tiny', 'torch_seed': 201, 'seed': 11, 'episode_seed': 99, 'task': 'pick-place-twice',
        'description': 'Random-init MemoryVLA test bundle: perceptual 4x16 and cognitive 1x16 streams, capacity 4, fused writes, direct head.',
        'cfg': dict(dim=16, heads=2, memory='memoryvla', capacity=4, write='fused', perceptual_tokens=4,
                    perceptual_dim=16, cognitive_dim=16, head='direct', head_hidden=48),
    },
    {
        'name': 'memoryless-tiny', 'torch_seed': 303, 'seed': 13, 'episode_seed': 2024, 'task': 'remember-colour',
        'description': 'Random-init memoryless test bundle: DDIM head (4 of 50 steps, betas 1e-4 .. 0.02).',
        'cfg': dict(dim=24, heads=2, memory='none', head='ddim', steps=4, train_steps=50, beta_start=1e-4,
                    beta_end=0.02, head_hidden=48),
    },
]


def f32(values) -> list:
    """float32 values as the shortest decimals that read back to the same float32."""
    return [float(str(np.float32(v))) for v in np.asarray(values, dtype=np.float32).ravel()]


def make_episode(seed: int, task: str) -> list:
    """Phases of a few calls each (lengths PHASES): within a phase the scene (a coloured block on a
    gradient, sometimes a yellow cue) and the proprio hold still up to noise; between phases they
    jump. Consecutive calls of a phase are what MemoryVLA consolidation should merge."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:16, 0:16]
    base = np.stack([xs * 12, ys * 10, (xs + ys) * 5], axis=-1).astype(np.float64) + 20
    colours = np.array([[230, 40, 40], [40, 200, 60], [50, 70, 230], [240, 240, 240]], dtype=np.float64)
    observations = []
    for phase, length in enumerate(PHASES):
        cx, cy = rng.integers(2, 14, 2)
        proprio = rng.uniform(-1, 1, 4)
        for _ in range(length):
            img = base.copy()
            img[cy - 2:cy + 2, cx - 2:cx + 2] = colours[phase % 4]
            if phase % 3 == 0:
                img[0:3, 13:16] = [255, 255, 0]
            img += rng.normal(0, 6, img.shape)
            image = np.clip(np.round(img), 0, 255).astype(np.uint8)
            p = (proprio + rng.normal(0, 0.02, 4)).astype(np.float32)
            observations.append(Observation(images={'rgb': image}, proprio=p, task=task))
    assert len(observations) == EPISODE_STEPS
    return observations


def build(spec: dict) -> tuple:
    torch.manual_seed(spec['torch_seed'])
    cfg = PolicyConfig(cameras=[CameraConfig('rgb', 16, 16, 3)], proprio_dim=4, num_tasks=len(TASKS),
                       action_dim=3, chunk=8, conv_channels=(8, 16), **spec['cfg'])
    policy = Policy(cfg).eval()
    with torch.no_grad():  # at random init the tokens hardly see the image: let observations move them
        for stem in policy.encoder.backbone.stems:
            stem.conv1.weight.mul_(3.0)
    fields = {'name': spec['name'], 'description': spec['description'], 'version': '0.1.0', 'seed': spec['seed'],
              'observation': OBSERVATION, 'action': ACTION}
    return policy, fields


def check_merge_margins(name: str, banks_log: list) -> None:
    """Every merge decision of the reference episode must be clear, so that the runtime's ONNX
    numbers (equal to ~1e-6) make the same decisions."""
    for step, sims_by_stream in enumerate(banks_log):
        for stream, sims_list in sims_by_stream.items():
            for sims in sims_list:
                ordered = sorted(sims, reverse=True)
                if len(ordered) > 1 and ordered[0] - ordered[1] < 1e-4:
                    raise SystemExit(f'{name}: call {step}, stream {stream}: merge margin {ordered[0] - ordered[1]:.2e} too small')


def tensor_json(name: str, dtype: str, array: np.ndarray) -> dict:
    data = [int(v) for v in array.ravel()] if dtype == 'int64' else f32(array)
    return {'name': name, 'dtype': dtype, 'shape': list(array.shape), 'data': data}


def graph_io(policy: Policy, trace: list, calls_per_step: list) -> dict:
    """Stacks one call of each graph from two policy calls of the episode into a batch of 2."""
    graphs = {}
    for role, graph in policy.graphs().items():
        picked = []
        for which, call in enumerate(GRAPH_IO_CALLS):
            entries = [t for t in calls_per_step[call] if t[0] == role]
            picked.append(entries[0] if which == 0 else entries[-1])  # iterative heads: first / last sampler step
        inputs = {s.name: np.concatenate([p[1][s.name] for p in picked], axis=0) for s in graph.inputs}
        with torch.no_grad():
            out = graph(*[torch.from_numpy(inputs[s.name]) for s in graph.inputs])
        out = out if isinstance(out, tuple) else (out,)
        outputs = {s.name: t.numpy() for s, t in zip(graph.outputs, out)}
        for s in graph.outputs:  # batching must not change a row
            single = np.concatenate([p[2][s.name] for p in picked], axis=0)
            if not np.allclose(single, outputs[s.name], rtol=1e-5, atol=1e-6):
                raise SystemExit(f'{role}.{s.name}: batch-2 outputs differ from the batch-1 calls')
        graphs[role] = {
            'inputs': [tensor_json(s.name, s.dtype, inputs[s.name]) for s in graph.inputs],
            'outputs': [tensor_json(s.name, s.dtype, outputs[s.name]) for s in graph.outputs],
        }
    return graphs


def run_reference(name: str, runner: ReferenceRunner, observations: list, episode_seed: int) -> tuple:
    """One episode through the reference loop: the results, each call's graph calls, and the steps
    as reference.json writes them."""
    runner.reset(episode_seed)
    runner.trace = []
    results, calls_per_step, sims_log = [], [], []
    for obs in observations:
        start = len(runner.trace)
        results.append(runner.step(obs))
        calls_per_step.append(runner.trace[start:])
        sims_log.append({n: list(b.last_similarities) for n, b in runner.banks.items()})
    check_merge_margins(name, sims_log)
    steps = []
    for i, (obs, res) in enumerate(zip(observations, results)):
        cam = obs.images['rgb']
        entry = {
            'index': i,
            'observation': {
                'images': {'rgb': {'height': cam.shape[0], 'width': cam.shape[1], 'channels': cam.shape[2],
                                   'data': base64.b64encode(cam.tobytes()).decode('ascii')}},
                'proprio': f32(obs.proprio),
                'task': obs.task,
            },
            'chunk': f32(res.chunk),
        }
        if res.banks:
            entry['memory'] = {
                name: {'size': len(bank['timesteps']), 'timesteps': bank['timesteps'],
                       'merged_at': res.merged_at[name], 'attention': f32(res.attention[name])}
                for name, bank in res.banks.items()
            }
        steps.append(entry)
    return results, calls_per_step, steps


#: Runtime memory variants of memoryvla-tiny (L = 4) written to memory-variants.json: FIFO
#: eviction, and capacities L/4, L/2 and 2L (the bank axis of its memory graph is symbolic). 2L
#: is run with FIFO: merging at 5..8 entries makes decisions within 1e-4 of a tie on this episode
#: (check_merge_margins), which float32 ONNX numbers need not reproduce.
MEMORY_VARIANTS = [
    {'eviction': 'fifo', 'capacity': 4},
    {'eviction': 'merge', 'capacity': 1},
    {'eviction': 'merge', 'capacity': 2},
    {'eviction': 'fifo', 'capacity': 8},
]


def export_memory_variants(spec: dict, policy: Policy, manifest: dict, observations: list, out_dir: str) -> None:
    variants = []
    for v in MEMORY_VARIANTS:
        runner = ReferenceRunner(policy, manifest, capacity=v['capacity'], eviction=v['eviction'])
        _, _, steps = run_reference(f"{spec['name']} {v}", runner, observations, spec['episode_seed'])
        # The observations are those of reference.json: keep only what differs.
        variants.append({**v, 'slots': runner.slots,
                         'steps': [{'index': st['index'], 'chunk': st['chunk'], 'memory': st['memory']} for st in steps]})
    doc = {
        'bundle': spec['name'],
        'description': "reference.json's episode run with the runtime's memory overrides (eviction, capacity): per "
                       'variant, the clamped chunk and the banks after each call; observations as in reference.json.',
        'episode_seed': spec['episode_seed'],
        'tolerance': {'relative': 1e-4, 'absolute': 1e-5},
        'variants': variants,
    }
    with open(os.path.join(out_dir, 'memory-variants.json'), 'w') as f:
        json.dump(doc, f, separators=(',', ':'))


def export_one(spec: dict) -> None:
    policy, fields = build(spec)
    out_dir = os.path.join(OUT, spec['name'])
    for stale in ('encoder.onnx', 'memory.onnx', 'head.onnx'):
        if os.path.exists(os.path.join(out_dir, stale)):
            os.remove(os.path.join(out_dir, stale))
    manifest = export_bundle(policy, fields, out_dir)

    observations = make_episode(spec['episode_seed'], spec['task'])
    runner = ReferenceRunner(policy, manifest)
    results, calls_per_step, steps = run_reference(spec['name'], runner, observations, spec['episode_seed'])

    reference = {
        'bundle': spec['name'],
        'description': 'Reference episode: feed each observation through the runtime as one policy call '
                       '(call index = position, one episode started with episode_seed) and compare the clamped chunk '
                       '[chunk, action dims], row-major. Images are base64 of the uint8 H x W x C bytes; every float '
                       'is a float32 written as its shortest decimal (read it through Math.fround / a Float32Array). '
                       'memoryvla: per stream, the bank after the call (size, timesteps), the merged pairs and the '
                       'retrieval attention. Compare with |got - want| <= relative * |want| + absolute.',
        'episode_seed': spec['episode_seed'],
        'manifest_seed': manifest['seed'],
        'chunk_shape': [ACTION['chunk'], len(ACTION['names'])],
        'tolerance': {'relative': 1e-4, 'absolute': 1e-5},
        'steps': steps,
    }
    if manifest['head']['kind'] != 'direct':
        state = episode_state(manifest['seed'], spec['episode_seed'])
        gen = episode_generator(manifest['seed'], spec['episode_seed'])
        probe = episode_generator(manifest['seed'], spec['episode_seed'])
        reference['rng'] = {
            'state': state,
            'uint32': [gen.next_uint32() for _ in range(8)],
            'normals': f32(probe.normals(8)),
            'first_noise': f32(results[0].noise),
        }
    with open(os.path.join(out_dir, 'reference.json'), 'w') as f:
        json.dump(reference, f, separators=(',', ':'))
    if manifest['memory']['kind'] == 'memoryvla':
        export_memory_variants(spec, policy, manifest, observations, out_dir)

    io = {
        'bundle': spec['name'],
        'description': f'One call of each graph, batch 2: rows are policy calls {list(GRAPH_IO_CALLS)} of reference.json '
                       '(for iterative heads, the first sampler step of the first and the last of the second). '
                       'Data are flattened row-major.',
        'graphs': graph_io(policy, runner.trace, calls_per_step),
    }
    with open(os.path.join(out_dir, 'graph_io.json'), 'w') as f:
        json.dump(io, f, separators=(',', ':'))

    chunks = np.stack([r.chunk for r in results])
    clamped = float(np.mean((chunks <= -1.0) | (chunks >= 1.0)))
    print(f"{spec['name']}: chunk range [{chunks.min():.3f}, {chunks.max():.3f}], clamped {clamped:.1%}")


# ----------------------------------------------------------------------------------------------
# bank parity


def exact_token(rng: np.random.Generator, dim: int) -> np.ndarray:
    """A token whose norm is exact (a Pythagorean triple scaled by a power of two) so that its
    cosine with itself is exactly 1 under any summation order."""
    triples = [(3, 4, 5), (5, 12, 13), (8, 15, 17), (1, 0, 1)]
    a, b, _ = triples[rng.integers(len(triples))]
    v = np.zeros(dim, dtype=np.float32)
    i, j = rng.choice(dim, 2, replace=False)
    scale = 2.0 ** int(rng.integers(-4, 2))
    v[i], v[j] = a * scale, b * scale
    return v


def bank_parity() -> dict:
    n, d, L, writes = 3, 5, 6, 40
    rng = np.random.default_rng(20240611)
    exact_a = np.stack([exact_token(rng, d) for _ in range(n)])
    exact_b = np.stack([exact_token(rng, d) for _ in range(n)])
    # 1-2 and 4-5 are exact duplicates of exactly normed tokens: at write 6 their pairs tie at 1.0
    # and the first wins; 27-28 copy 26 (three equal entries: equal pairs tie); 'near' adds noise of
    # the given scale to the previous write; write 18 has an all-zero token (cosine 0).
    plan = {1: ('exact', exact_a), 2: ('exact', exact_a), 4: ('exact', exact_b), 5: ('exact', exact_b),
            12: ('near', 1e-4), 13: ('copy', 0), 18: ('zero-token', 1), 21: ('near', 1e-3), 22: ('near', 1e-3),
            27: ('copy', 0), 28: ('copy', 0), 33: ('exact', exact_a), 34: ('exact', exact_a), 35: ('near', 1e-5)}
    bank = MemoryBank(L, n, d)
    previous = None
    out = []
    for w in range(writes):
        kind, arg = plan.get(w, ('random', None))
        if kind == 'copy':
            tokens = previous.copy()
        elif kind == 'exact':
            tokens = arg.copy()
        elif kind == 'near':
            tokens = (previous + rng.normal(0, arg, (n, d))).astype(np.float32)
        else:
            tokens = rng.normal(0, 1, (n, d)).astype(np.float32)
            if kind == 'zero-token':
                tokens[arg] = 0.0
        previous = tokens
        before = [e.tokens for e in bank.entries] + [tokens]
        merged = bank.write_and_consolidate(float(w), tokens)
        if merged:
            _check_decision_robust(w, before, merged[0])
        out.append({
            'timestep': float(w),
            'kind': kind,
            'tokens': f32(tokens),
            'merged_at': merged,
            'similarities': bank.last_similarities,
            'after': {'timesteps': bank.timesteps(), 'tokens': f32(np.stack([e.tokens for e in bank.entries]))},
        })
    fifo = MemoryBank(L, n, d, 'fifo')
    fifo_out = []
    for w in out:
        fifo.write_and_consolidate(w['timestep'], np.asarray(w['tokens'], dtype=np.float32).reshape(n, d))
        fifo_out.append({'timestep': w['timestep'], 'evicted': fifo.last_evicted,
                         'after': {'timesteps': fifo.timesteps(), 'tokens': f32(np.stack([e.tokens for e in fifo.entries]))}})
    return {
        'fifo': {'description': "The same writes into a bank with eviction 'fifo': past capacity the oldest entry is dropped.",
                 'writes': fifo_out},
        'description': 'MemoryBank parity: write(timestep, tokens [tokens, dim]) then consolidate, in order; '
                       '`after` is the bank state (timesteps, tokens [size, tokens, dim] row-major), '
                       '`similarities` the adjacent-pair similarities seen at each merge.',
        'capacity': L, 'tokens': n, 'dim': d, 'writes': out,
    }


def _alternative_similarity(a: np.ndarray, b: np.ndarray, variant: int) -> float:
    total = 0.0
    for x, y in zip(a.astype(np.float64), b.astype(np.float64)):
        if variant == 0:  # numpy's (pairwise / BLAS) sums, one square root
            na, nb = float(np.dot(x, x)), float(np.dot(y, y))
            cos = 0.0 if na == 0 or nb == 0 else float(np.dot(x, y)) / math.sqrt(na * nb)
        else:  # hypot norms
            na, nb = math.hypot(*x), math.hypot(*y)
            cos = 0.0 if na == 0 or nb == 0 else float(np.dot(x, y)) / na / nb
        total += cos
    return total / a.shape[0]


def _check_decision_robust(w: int, entries: list, merged: int) -> None:
    """The merge decision must not hang on float rounding: other ways of computing the cosine
    (summation order, norms) must pick the same pair, so the fixture tests the bank's semantics."""
    for variant in (0, 1):
        sims = [_alternative_similarity(entries[i], entries[i + 1], variant) for i in range(len(entries) - 1)]
        if int(np.argmax(sims)) != merged:
            raise SystemExit(f'bank parity: write {w}: the merge decision depends on float rounding ({sims})')


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    for spec in BUNDLES:
        export_one(spec)
    with open(os.path.join(OUT, 'bank-parity.json'), 'w') as f:
        json.dump(bank_parity(), f, separators=(',', ':'))
    for root, _, files in sorted(os.walk(OUT)):
        for name in sorted(files):
            path = os.path.join(root, name)
            print(f'{os.path.relpath(path, ROOT)}: {os.path.getsize(path) / 1024:.1f} KB')


if __name__ == '__main__':
    main()
