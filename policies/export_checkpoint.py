"""Export (again) a bundle from the checkpoint train.py wrote, e.g. when the export failed on the
training machine or to re-export with this machine's PyTorch / onnx.

    /usr/bin/python3 policies/export_checkpoint.py BUNDLE_DIR [--checkpoint PATH] [--fused-step]

Writes policy.json and the .onnx graphs into BUNDLE_DIR (the checkpoint defaults to
BUNDLE_DIR/checkpoint.pt) and sets train.json's "export" entry when train.json is there.
--fused-step also writes step.onnx (encoder + memory read + head in one graph, `graphs.step`;
memoryvla and memoryless bundles with a direct head).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from momento_models.export import export_bundle  # noqa: E402
from momento_models.training import load_checkpoint  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description='Export a momento bundle from a train.py checkpoint.')
    ap.add_argument('bundle')
    ap.add_argument('--checkpoint', default=None)
    ap.add_argument('--fused-step', action='store_true', help='also export step.onnx, the fused step graph (graphs.step)')
    args = ap.parse_args(argv)
    policy, fields, _ = load_checkpoint(args.checkpoint or os.path.join(args.bundle, 'checkpoint.pt'))
    for stale in ('encoder.onnx', 'memory.onnx', 'head.onnx', 'step.onnx', 'policy.json'):
        if os.path.exists(os.path.join(args.bundle, stale)):
            os.remove(os.path.join(args.bundle, stale))
    export_bundle(policy, fields, args.bundle, fused_step=args.fused_step)
    sizes = {f: os.path.getsize(os.path.join(args.bundle, f)) for f in sorted(os.listdir(args.bundle)) if f.endswith(('.onnx', 'policy.json'))}
    report = os.path.join(args.bundle, 'train.json')
    if os.path.exists(report):
        with open(report) as f:
            data = json.load(f)
        data['export'] = {'ok': True, 'bytes': sizes, 'by': 'export_checkpoint.py'}
        with open(report, 'w') as f:
            json.dump(data, f, indent=1)
            f.write('\n')
    print(f'{args.bundle}: ' + ', '.join(f'{k} {v / 1024:.0f} KB' for k, v in sizes.items()))
    return 0


if __name__ == '__main__':
    sys.exit(main())
