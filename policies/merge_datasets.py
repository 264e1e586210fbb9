"""Concatenate several "momento-dataset/1" folders (e.g. parallel `momento collect` runs over
disjoint seed ranges) into one.

    /usr/bin/python3 policies/merge_datasets.py --out /tmp/data /tmp/parts/0 /tmp/parts/1 ...

Tasks are merged in order of first appearance (a part's task.i32 is remapped), episodes keep their
order part by part with `start` shifted, episode.i32 renumbered; images.u8 is copied as bytes.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

import numpy as np

FILES = ('images.u8', 'proprio.f32', 'actions.f32', 'task.i32', 'episode.i32')


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('parts', nargs='+')
    args = ap.parse_args(argv)
    metas = []
    for part in args.parts:
        with open(os.path.join(part, 'dataset.json')) as f:
            metas.append(json.load(f))
    first = metas[0]
    for part, m in zip(args.parts, metas):
        if m.get('format') != 'momento-dataset/1':
            raise SystemExit(f'{part}: not a momento-dataset/1 folder')
        for key in ('image', 'proprio_dims', 'action_dims'):
            if m[key] != first[key]:
                raise SystemExit(f'{part}: {key} {m[key]} differs from {args.parts[0]} ({first[key]})')
    tasks: list = []
    for m in metas:
        for t in m['tasks']:
            if t not in tasks:
                tasks.append(t)
    os.makedirs(args.out, exist_ok=True)
    out = {name: open(os.path.join(args.out, name), 'wb') for name in FILES}
    episodes, frames = [], 0
    try:
        for part, m in zip(args.parts, metas):
            n = os.path.getsize(os.path.join(part, 'task.i32')) // 4
            with open(os.path.join(part, 'images.u8'), 'rb') as f:
                shutil.copyfileobj(f, out['images.u8'], 16 << 20)
            for name in ('proprio.f32', 'actions.f32'):
                with open(os.path.join(part, name), 'rb') as f:
                    shutil.copyfileobj(f, out[name])
            remap = np.asarray([tasks.index(t) for t in m['tasks']], dtype='<i4')
            task = np.fromfile(os.path.join(part, 'task.i32'), dtype='<i4')
            out['task.i32'].write((remap[task] if n else task).astype('<i4').tobytes())
            episode = np.fromfile(os.path.join(part, 'episode.i32'), dtype='<i4')
            out['episode.i32'].write((episode + len(episodes)).astype('<i4').tobytes())
            for e in m['episodes']:
                episodes.append({**e, 'start': e['start'] + frames})
            frames += n
    finally:
        for f in out.values():
            f.close()
    manifest = {k: v for k, v in first.items() if k not in ('tasks', 'episodes', 'frames')}
    manifest.update({'frames': frames, 'tasks': tasks, 'episodes': episodes})
    with open(os.path.join(args.out, 'dataset.json'), 'w') as f:
        json.dump(manifest, f)
    print(f'{args.out}: {len(args.parts)} parts, {len(episodes)} episodes, {frames} frames, tasks {tasks}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
