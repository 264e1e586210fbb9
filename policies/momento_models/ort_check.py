"""Runs a bundle's ONNX graphs in onnxruntime and checks that the fused step graph (step.onnx)
gives what encoder -> memory -> head give on the same inputs.

onnxruntime's Python package where it is installed (the GPU machine); otherwise the runtime's own
onnxruntime-node, through `node` (this repository's node_modules), so the check needs nothing
that is not already here. Inputs are example_inputs()-style random tensors; tensors travel to
node as base64 in JSON (small batches only).
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess

import numpy as np

__all__ = ['run_graph', 'compare_fused_step']

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_NP = {'float32': np.float32, 'int64': np.int64, 'int32': np.int32, 'uint8': np.uint8}

# Reads {file, feeds: {name: {dtype, dims, b64}}} on stdin, writes {name: {dtype, dims, b64}}.
_NODE_SCRIPT = r"""
import ort from 'onnxruntime-node';
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const req = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const Arr = { float32: Float32Array, int64: BigInt64Array, int32: Int32Array, uint8: Uint8Array };
const session = await ort.InferenceSession.create(req.file, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
const feeds = {};
for (const [name, t] of Object.entries(req.feeds)) {
  const buf = Buffer.from(t.b64, 'base64');
  const A = Arr[t.dtype];
  feeds[name] = new ort.Tensor(t.dtype, new A(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)), t.dims);
}
const out = await session.run(feeds);
const res = {};
for (const [name, t] of Object.entries(out)) {
  const d = t.data;
  res[name] = { dtype: t.type, dims: t.dims, b64: Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64') };
}
await session.release();
process.stdout.write(JSON.stringify(res));
"""


def _python_ort():
    try:
        import onnxruntime  # noqa: PLC0415
        return onnxruntime
    except ImportError:
        return None


def backend() -> str:
    """'onnxruntime' (Python), 'node' (onnxruntime-node) or '' when neither is available."""
    if _python_ort() is not None:
        return 'onnxruntime'
    if shutil.which('node') and os.path.isdir(os.path.join(ROOT, 'node_modules', 'onnxruntime-node')):
        return 'node'
    return ''


def run_graph(file: str, feeds: dict) -> dict:
    """Runs one .onnx file on CPU with numpy feeds; returns its outputs by name as numpy arrays."""
    ort = _python_ort()
    if ort is not None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        session = ort.InferenceSession(file, options, providers=['CPUExecutionProvider'])
        names = [o.name for o in session.get_outputs()]
        return dict(zip(names, session.run(names, feeds)))
    if backend() != 'node':
        raise RuntimeError('ort_check: neither Python onnxruntime nor node with onnxruntime-node is available')
    req = {'file': os.path.abspath(file), 'feeds': {
        n: {'dtype': str(a.dtype), 'dims': list(a.shape), 'b64': base64.b64encode(np.ascontiguousarray(a).tobytes()).decode()}
        for n, a in feeds.items()}}
    proc = subprocess.run(['node', '--input-type=module', '-e', _NODE_SCRIPT], input=json.dumps(req).encode(),
                          capture_output=True, cwd=ROOT, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f'ort_check: node failed on {file}: {proc.stderr.decode()[-2000:]}')
    res = json.loads(proc.stdout)
    return {n: np.frombuffer(base64.b64decode(t['b64']), dtype=_NP[t['dtype']]).reshape(t['dims']) for n, t in res.items()}


def _random_feeds(specs: list, batch: int, num_tasks: int, capacity: int, rng: np.random.Generator) -> dict:
    feeds = {}
    for s in specs:
        # any symbolic axis other than the batch is a bank axis (capacity L)
        shape = [batch if d == 'batch' else capacity if isinstance(d, str) else d for d in s['shape']]
        name = s['name']
        if s['dtype'] == 'int64':
            feeds[name] = rng.integers(0, num_tasks, shape).astype(np.int64)
        elif name.endswith('_mask'):  # valid prefixes of different lengths
            filled = np.arange(shape[-1])[None, :] < (np.arange(batch)[:, None] * capacity // max(batch - 1, 1) + 1)
            feeds[name] = filled.astype(np.float32)
        elif name.endswith('_times') or name == 'step':
            feeds[name] = (rng.random(shape) * 20.0).astype(np.float32)
        else:
            feeds[name] = rng.normal(0, 1, shape).astype(np.float32)
    return feeds


def compare_fused_step(bundle: str, batch: int = 3, seed: int = 0) -> dict:
    """Max |fused - separate| per output of step.onnx, on one random batch of `batch` rows."""
    with open(os.path.join(bundle, 'policy.json')) as f:
        m = json.load(f)
    graphs = m['graphs']
    if 'step' not in graphs:
        raise ValueError(f'{bundle}: policy.json has no graphs.step')
    rng = np.random.default_rng(seed)
    capacity = m['memory'].get('capacity', 1)
    feeds = _random_feeds(graphs['step']['inputs'], batch, len(m['observation']['instruction']['tasks']), capacity, rng)
    env = dict(feeds)
    for role in ('encoder', 'memory', 'head'):
        if role not in graphs:
            continue
        spec = graphs[role]
        missing = [s['name'] for s in spec['inputs'] if s['name'] not in env]
        if missing:
            raise ValueError(f"{bundle}: graph '{role}' needs {missing}, which neither step.onnx's inputs nor earlier graphs give")
        env.update(run_graph(os.path.join(bundle, spec['file']), {s['name']: env[s['name']] for s in spec['inputs']}))
    fused = run_graph(os.path.join(bundle, graphs['step']['file']), feeds)
    diffs = {}
    for s in graphs['step']['outputs']:
        a, b = fused[s['name']], env[s['name']]
        if a.shape != b.shape:
            raise ValueError(f"{bundle}: step output '{s['name']}' has shape {a.shape}, the separate graphs give {b.shape}")
        diffs[s['name']] = float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64)))) if a.size else 0.0
    return diffs
