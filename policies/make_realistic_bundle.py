"""Build the realistic-size benchmark bundle: MemoryVLA memory over a ViT-S/16 encoder at 128 x 128
(~22 M encoder parameters, the size of real policies' vision encoders), untrained weights from a
fixed seed, with the simulator's observation and action spaces. Exported with export.py (opset 17,
dynamic batch) plus the fused step graph (step.onnx, `graphs.step`) and a MODEL_CARD.md.

    /usr/bin/python3 policies/make_realistic_bundle.py [--out DIR] [--no-fused] [--no-check] [--force]

The bundle is ~215 MB (encoder.onnx and step.onnx each hold the ViT's weights), so it is not in
git: it goes to --out, default $MOMENTO_BUNDLE_CACHE/<name> or ~/.cache/momento/bundles/<name>;
`npm run bench -- gpu` runs this script when the folder is missing. The bundle is written into
a temporary sibling folder and renamed into place, so a half-written bundle is never found.
Runs on PyTorch 1.13 (Debian) and 2.x.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from momento_models.export import export_bundle  # noqa: E402
from momento_models.models import CameraConfig, Policy, PolicyConfig  # noqa: E402
from momento_models.ort_check import backend, compare_fused_step  # noqa: E402

NAME = 'memoryvla-vits-128'
SEED = 0
IMAGE = 128
#: The simulator's spaces come from the reference bundle trained on it.
SIM_BUNDLE = os.path.join(HERE, 'memoryvla-sim', 'policy.json')
#: Largest |fused - separate| accepted (float32 through ~12 transformer blocks, same provider).
FUSED_TOLERANCE = 1e-4


def default_out() -> str:
    cache = os.environ.get('MOMENTO_BUNDLE_CACHE') or os.path.join(os.path.expanduser('~'), '.cache', 'momento', 'bundles')
    return os.path.join(cache, NAME)


def config(num_tasks: int, proprio_dim: int, action_dim: int, chunk: int, vit_layers: int = 12) -> PolicyConfig:
    return PolicyConfig(
        cameras=[CameraConfig('rgb', IMAGE, IMAGE, 3)], proprio_dim=proprio_dim, num_tasks=num_tasks,
        action_dim=action_dim, chunk=chunk,
        dim=384, heads=6, backbone='vit', patch=16, vit_dim=384, vit_layers=vit_layers, vit_heads=6,
        memory='memoryvla', capacity=16, write='fused', perceptual_tokens=8, perceptual_dim=96, cognitive_dim=384,
        head='direct', head_hidden=512,
    )


def manifest_fields(sim: dict) -> dict:
    obs = json.loads(json.dumps(sim['observation']))
    for cam in obs['cameras']:
        cam['height'] = cam['width'] = IMAGE
    return {
        'name': NAME,
        'description': ('Benchmark bundle, untrained weights: MemoryVLA memory over a ViT-S/16 encoder at 128x128 '
                        f'(seed {SEED}), with the simulator\'s observation and action spaces. For timing, not for control.'),
        'version': '0.1.0', 'seed': SEED, 'observation': obs, 'action': sim['action'],
    }


def parameters(model: Policy) -> dict:
    counts = {role: int(sum(p.numel() for p in g.parameters())) for role, g in model.graphs().items()}
    return {'total': sum(counts.values()), **counts}


def model_card(manifest: dict, params: dict, files: dict, check: dict | None, seconds: float) -> str:
    mem = manifest['memory']
    streams = ', '.join(f"{s['name']} {s['tokens']}x{s['dim']}" for s in mem['streams'])
    lines = [
        f"# {manifest['name']}", '',
        '**Benchmark bundle, untrained weights.** Its actions are noise: it exists to time a policy of realistic size '
        '(GPU against CPU, `npm run bench -- gpu`), not to control anything.', '',
        '| | |', '|---|---|',
        f"| memory | MemoryVLA: banks of L = {mem['capacity']} ({streams}), {mem['write']} writes |",
        '| backbone | ViT-S/16 over the 128x128 camera (64 patches, width 384, 12 blocks, 6 heads), proprio MLP, task embedding; width 384 |',
        f"| head | direct regression of a chunk of {manifest['action']['chunk']} actions |",
        f"| parameters | {params['total']:,} (" + ', '.join(f'{k} {v:,}' for k, v in params.items() if k != 'total') + ') |',
        '| files | ' + ', '.join(f'{f} {b / 1e6:.1f} MB' for f, b in files.items()) + ' |',
        f'| weights | PyTorch default initialisation, torch.manual_seed({SEED}); PyTorch {torch.__version__} |',
        f"| fused step | {'step.onnx (graphs.step): encoder + memory read + head in one graph' if 'step' in manifest['graphs'] else 'not exported'} |",
        '',
        'Observation and action spaces are those of `policies/memoryvla-sim` (the simulator\'s tasks), with the '
        'camera at 128x128: the simulator renders that size when a reset asks for `image_size: 128`.', '',
    ]
    if check is not None:
        lines += [f"Fused step against encoder -> memory -> head ({check['backend']}, CPU, batch {check['batch']}): "
                  + ', '.join(f'{k} {v:.2e}' for k, v in check['max_abs_diff'].items()) + ' (max |difference|).', '']
    lines += [f'Built in {seconds:.0f} s by `policies/make_realistic_bundle.py` (not committed: ~215 MB).', '']
    return '\n'.join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description='Build the realistic-size benchmark bundle (untrained ViT-S/16 + MemoryVLA).')
    ap.add_argument('--out', default=None, help=f'bundle folder (default {default_out()})')
    ap.add_argument('--no-fused', action='store_true', help='do not export step.onnx')
    ap.add_argument('--no-check', action='store_true', help='skip the fused-vs-separate check in onnxruntime')
    ap.add_argument('--force', action='store_true', help='rebuild even when the folder has a policy.json')
    ap.add_argument('--vit-layers', type=int, default=12, help='ViT blocks (12 = ViT-S; fewer only for quick tests)')
    args = ap.parse_args(argv)
    out = os.path.abspath(args.out or default_out())
    if os.path.exists(os.path.join(out, 'policy.json')) and not args.force:
        print(f'{out}: exists (--force rebuilds)')
        return 0
    t0 = time.time()
    with open(SIM_BUNDLE) as f:
        sim = json.load(f)
    torch.manual_seed(SEED)
    cfg = config(len(sim['observation']['instruction']['tasks']), len(sim['observation']['proprio']['names']),
                 len(sim['action']['names']), sim['action']['chunk'], args.vit_layers)
    model = Policy(cfg).eval()
    params = parameters(model)
    print(f'{NAME}: {params}', file=sys.stderr)
    tmp = f'{out}.partial-{os.getpid()}'
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        manifest = export_bundle(model, manifest_fields(sim), tmp, fused_step=not args.no_fused)
        check = None
        if not args.no_fused and not args.no_check:
            which = backend()
            if which:
                diffs = compare_fused_step(tmp, batch=2)
                worst = max(diffs.values())
                print(f'{NAME}: fused vs separate ({which}): {diffs}', file=sys.stderr)
                if worst > FUSED_TOLERANCE:
                    raise RuntimeError(f'{NAME}: step.onnx differs from encoder -> memory -> head by {worst:.3g} (> {FUSED_TOLERANCE})')
                check = {'backend': which, 'batch': 2, 'max_abs_diff': diffs}
            else:
                print(f'{NAME}: no onnxruntime (Python or node) here: fused step not checked', file=sys.stderr)
        files = {f: os.path.getsize(os.path.join(tmp, f)) for f in sorted(os.listdir(tmp)) if f.endswith('.onnx')}
        with open(os.path.join(tmp, 'MODEL_CARD.md'), 'w') as f:
            f.write(model_card(manifest, params, files, check, time.time() - t0))
        with open(os.path.join(tmp, 'build.json'), 'w') as f:
            json.dump({'parameters': params, 'bytes': files, 'fused_check': check, 'torch': torch.__version__,
                       'vit_layers': args.vit_layers, 'seconds': round(time.time() - t0, 1)}, f, indent=1)
            f.write('\n')
        if os.path.exists(out):
            shutil.rmtree(out)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        os.rename(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f'{out}: {", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in files.items())} in {time.time() - t0:.0f} s')
    return 0


if __name__ == '__main__':
    sys.exit(main())
