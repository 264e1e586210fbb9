"""Reference outputs of a trained bundle on recorded policy calls, for the runtime's parity test.

    /usr/bin/python3 policies/check_parity.py BUNDLE_DIR DATA_DIR [--steps 100] [--raw-images]

Loads the PyTorch model from BUNDLE_DIR/checkpoint.pt (written by train.py) and the bundle's
policy.json, then runs the reference loop (momento_models/runner.py: the runtime's conventions,
batch 1, memory carried across the calls of an episode) over whole recorded episodes of DATA_DIR —
one episode per task in turn, in dataset order — until --steps policy calls are covered (the
last episode is cut short). Call c of an episode sees the episode's frame c * execute.

Writes BUNDLE_DIR/parity.json:

    { bundle, description, manifest_seed, chunk_shape, tolerance, steps_total, dataset,
      episodes: [ { bundle, episode_seed, manifest_seed, tolerance, task, dataset_episode,
                    min_merge_margin, steps: [ <as in reference.json> ] } ] }

Each element of `episodes` has the shape of the tiny bundles' reference.json (test/helpers/
reference.ts): steps[i] = { index, observation: { images: { rgb: { height, width, channels,
encoding, data } }, proprio, task }, chunk, memory? }. Images are base64 of the uint8 H x W x C
bytes, zlib-compressed when `encoding` is "zlib" (node:zlib inflateSync; the default, keeping the
file small) or raw when `encoding` is absent (--raw-images). Floats are float32 as shortest
decimals.

MemoryVLA: a consolidation decision that hangs on a near tie could flip under the runtime's ONNX
numbers (equal to ~1e-6), so an episode in which any merge wins by less than --min-margin (mean
cosine) is skipped and the next episode of that task is tried.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from momento_models.runner import Observation, ReferenceRunner  # noqa: E402
from momento_models.training import load_checkpoint, load_dataset  # noqa: E402


def f32(values) -> list:
    return [float(str(np.float32(v))) for v in np.asarray(values, dtype=np.float32).ravel()]


def merge_margins(sims_lists: list) -> list:
    out = []
    for sims in sims_lists:
        ordered = sorted(sims, reverse=True)
        out.append(ordered[0] - ordered[1] if len(ordered) > 1 else float('inf'))
    return out


def image_json(img: np.ndarray, raw: bool) -> dict:
    data = img.tobytes()
    entry = {'height': int(img.shape[0]), 'width': int(img.shape[1]), 'channels': int(img.shape[2])}
    if raw:
        entry['data'] = base64.b64encode(data).decode('ascii')
    else:
        entry['encoding'] = 'zlib'
        entry['data'] = base64.b64encode(zlib.compress(data, 9)).decode('ascii')
    return entry


def candidate_episodes(ds) -> list:
    """Successful episodes, interleaved over the tasks (task order of dataset.json), dataset order within a task."""
    by_task = {t: [] for t in ds.tasks}
    for i, e in enumerate(ds.episodes):
        if e.get('success', True):
            by_task.setdefault(e['task'], []).append(i)
    queues = [list(v) for v in by_task.values()]
    out = []
    while any(queues):
        for q in queues:
            if q:
                out.append(q.pop(0))
    return out


class OrtRunner(ReferenceRunner):
    """The same reference loop with the bundle's ONNX graphs run by Python onnxruntime (CPU): an
    independent check of the export, where onnxruntime is installed (the GPU machine has it)."""

    def __init__(self, policy, manifest: dict, bundle: str) -> None:
        import onnxruntime as ort
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        self.sessions = {role: ort.InferenceSession(os.path.join(bundle, spec['file']), opts, providers=['CPUExecutionProvider'])
                         for role, spec in manifest['graphs'].items()}
        super().__init__(policy, manifest)

    def _run(self, role: str, env: dict) -> dict:
        sess = self.sessions[role]
        feeds = {i.name: np.ascontiguousarray(env[i.name]) for i in sess.get_inputs()}
        return {o.name: v for o, v in zip(sess.get_outputs(), sess.run(None, feeds))}


def onnxruntime_check(policy, manifest: dict, bundle: str, ds, episodes: list, execute: int) -> dict:
    """Runs the chosen episodes through onnxruntime and compares with the PyTorch chunks and merges:
    ok when every value is within |got - want| <= 1e-4 |want| + 1e-5 (the file's tolerance) and every
    merge decision agrees. max_relative_error (against max(|want|, 1e-2)) is reported too: chunk values
    near 0 come from value * std + mean with cancellation, so it reads a few 1e-5 where the
    normalised outputs agree to 1e-7."""
    try:
        import onnxruntime
    except ImportError:
        return {'ran': False, 'reason': 'onnxruntime is not installed'}
    runner = OrtRunner(policy, manifest, bundle)
    worst, worst_abs, excess, merges_equal, calls = 0.0, 0.0, -1.0, True, 0
    for ep in episodes:
        meta = ds.episodes[ep['dataset_episode']]
        runner.reset(int(meta['seed']))
        for step in ep['steps']:
            f = meta['start'] + step['index'] * execute
            obs = Observation(images={'rgb': np.asarray(ds.images[f])}, proprio=ds.proprio[f].copy(), task=ds.tasks[int(ds.task[f])])
            res = runner.step(obs)
            want = np.asarray(step['chunk'], np.float64)
            got = res.chunk.astype(np.float64).ravel()
            diff = np.abs(got - want)
            worst = max(worst, float(np.max(diff / np.maximum(np.abs(want), 1e-2))))
            worst_abs = max(worst_abs, float(diff.max()))
            excess = max(excess, float(np.max(diff - (1e-4 * np.abs(want) + 1e-5))))
            for name, mem in step.get('memory', {}).items():
                if res.merged_at.get(name) != mem['merged_at']:
                    merges_equal = False
            calls += 1
    return {'ran': True, 'onnxruntime': onnxruntime.__version__, 'calls': calls,
            'max_relative_error': worst, 'max_abs_error': worst_abs, 'within_tolerance': bool(excess <= 0.0),
            'merges_equal': merges_equal, 'ok': bool(excess <= 0.0 and merges_equal)}


def run_episode(runner: ReferenceRunner, ds, e: int, calls: int, execute: int, raw: bool) -> tuple:
    meta = ds.episodes[e]
    runner.reset(int(meta['seed']))
    steps, margins = [], []
    for c in range(calls):
        f = meta['start'] + c * execute
        img = np.asarray(ds.images[f])
        obs = Observation(images={'rgb': img}, proprio=ds.proprio[f].copy(), task=ds.tasks[int(ds.task[f])])
        res = runner.step(obs)
        entry = {
            'index': c,
            'observation': {'images': {'rgb': image_json(img, raw)}, 'proprio': f32(obs.proprio), 'task': obs.task},
            'chunk': f32(res.chunk),
        }
        if res.banks:
            entry['memory'] = {
                name: {'size': len(bank['timesteps']), 'timesteps': bank['timesteps'], 'merged_at': res.merged_at[name],
                       'attention': f32(res.attention[name])}
                for name, bank in res.banks.items()
            }
            for bank in runner.banks.values():
                margins += merge_margins(bank.last_similarities)
        steps.append(entry)
    return steps, (min(margins) if margins else None)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description='PyTorch reference outputs of a trained bundle on recorded policy calls.')
    ap.add_argument('bundle')
    ap.add_argument('data')
    ap.add_argument('--steps', type=int, default=100, help='policy calls in total')
    ap.add_argument('--checkpoint', default=None, help='default: BUNDLE/checkpoint.pt')
    ap.add_argument('--out', default=None, help='default: BUNDLE/parity.json')
    ap.add_argument('--min-margin', type=float, default=1e-5)
    ap.add_argument('--raw-images', action='store_true', help='store images uncompressed (as reference.json does)')
    ap.add_argument('--no-onnxruntime', action='store_true', help='skip the onnxruntime cross-check')
    args = ap.parse_args(argv)

    with open(os.path.join(args.bundle, 'policy.json')) as f:
        manifest = json.load(f)
    policy, fields, _ = load_checkpoint(args.checkpoint or os.path.join(args.bundle, 'checkpoint.pt'))
    for key in ('observation', 'action'):
        if json.loads(json.dumps(fields[key])) != manifest[key]:
            raise SystemExit(f'{args.bundle}: the checkpoint\'s {key} section differs from policy.json (different training runs?)')
    if policy.memory_spec() != manifest['memory'] or policy.head_spec() != manifest['head']:
        raise SystemExit(f'{args.bundle}: the checkpoint\'s memory/head differ from policy.json')
    ds = load_dataset(args.data)
    bundle_tasks = manifest['observation']['instruction']['tasks']
    missing = [t for t in ds.tasks if t not in bundle_tasks]
    if missing:
        raise SystemExit(f'{args.data}: tasks {missing} are not in the bundle\'s task list {bundle_tasks}')
    execute = manifest['action']['execute']
    runner = ReferenceRunner(policy, manifest)

    episodes, total, skipped = [], 0, []
    skipped_tasks: dict = {}
    for e in candidate_episodes(ds):
        if total >= args.steps:
            break
        meta = ds.episodes[e]
        n_calls = (meta['length'] + execute - 1) // execute
        calls = min(n_calls, args.steps - total)
        steps, margin = run_episode(runner, ds, e, calls, execute, args.raw_images)
        if margin is not None and margin < args.min_margin:
            skipped.append({'dataset_episode': e, 'task': meta['task'], 'min_merge_margin': margin})
            skipped_tasks[meta['task']] = skipped_tasks.get(meta['task'], 0) + 1
            continue
        episodes.append({
            'bundle': manifest['name'], 'episode_seed': int(meta['seed']), 'manifest_seed': manifest.get('seed', 0),
            'tolerance': {'relative': 1e-4, 'absolute': 1e-5}, 'task': meta['task'], 'dataset_episode': e,
            'calls': calls, 'min_merge_margin': margin, 'steps': steps,
        })
        total += calls
    if total < args.steps:
        print(f'warning: only {total} calls available (skipped {len(skipped)} episodes for merge margins)', file=sys.stderr)
    chunk_shape = [manifest['action']['chunk'], len(manifest['action']['names'])]
    out = {
        'bundle': manifest['name'],
        'description': 'PyTorch reference (policies/check_parity.py, momento_models/runner.py) of this bundle on recorded '
                       'policy calls. Each element of `episodes` is a reference episode as in the tiny bundles\' '
                       'reference.json: start an episode with episode_seed, feed each observation as one policy call '
                       '(call index = position) and compare the clamped chunk [chunk, action dims], row-major, with '
                       '|got - want| <= relative * |want| + absolute. Images: base64 of the uint8 H x W x C bytes, '
                       'zlib-compressed when encoding is "zlib". Floats are float32 written as shortest decimals.',
        'manifest_seed': manifest.get('seed', 0),
        'chunk_shape': chunk_shape,
        'tolerance': {'relative': 1e-4, 'absolute': 1e-5},
        'steps_total': total,
        'dataset': {'path': os.path.abspath(args.data), 'frames': int(len(ds.task)), 'episodes': len(ds.episodes)},
        'skipped': skipped,
        'onnxruntime_check': None,
        'episodes': episodes,
    }
    if not args.no_onnxruntime:
        out['onnxruntime_check'] = onnxruntime_check(policy, manifest, args.bundle, ds, episodes, execute)
    path = args.out or os.path.join(args.bundle, 'parity.json')
    with open(path, 'w') as f:
        json.dump(out, f, separators=(',', ':'))
    chunks = np.concatenate([np.asarray(s['chunk']) for ep in episodes for s in ep['steps']]) if episodes else np.zeros(0)
    margins = [ep['min_merge_margin'] for ep in episodes if ep['min_merge_margin'] is not None]
    used = ', '.join('%s x%d' % (ep['task'], ep['calls']) for ep in episodes)
    print(f'{path}: {total} calls over {len(episodes)} episodes ({used}), {os.path.getsize(path) / 1024:.0f} KB'
          + (f', chunk range [{chunks.min():.3f}, {chunks.max():.3f}]' if chunks.size else '')
          + (f', min merge margin {min(margins):.2e}' if margins else '')
          + (f', skipped {len(skipped)} episodes on merge margins ({skipped_tasks})' if skipped else ''))
    check = out['onnxruntime_check']
    if check and check['ran']:
        print(f"onnxruntime {check['onnxruntime']}: {check['calls']} calls, max abs error {check['max_abs_error']:.2e}, "
              f"max relative error (floor 1e-2) {check['max_relative_error']:.2e}, "
              f"merges {'equal' if check['merges_equal'] else 'DIFFER'}: {'ok' if check['ok'] else 'MISMATCH'}")
        if not check['ok']:
            return 3
    elif check:
        print(f"onnxruntime check skipped: {check['reason']}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
