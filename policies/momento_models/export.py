"""Export a Policy as a momento bundle: encoder.onnx, memory.onnx (not for memory kind 'none'),
head.onnx and policy.json (format "momento-bundle/1"), each graph checked with onnx.checker and
against the tensor specs the manifest declares (names, dtypes, shapes with the symbolic "batch").

With `fused_step=True` the bundle also ships step.onnx, manifest entry `graphs.step` (see
StepGraph): encoder + memory read + head in one graph, so a GPU step is one run with one
read-back instead of three. The separate graphs stay: the runtime may use either."""
from __future__ import annotations

import dataclasses
import inspect
import json
import os

import numpy as np
import onnx
import torch

from .models import Graph, Policy

__all__ = ['MANIFEST_FORMAT', 'OPSET', 'StepGraph', 'export_bundle', 'example_inputs', 'graph_spec']

MANIFEST_FORMAT = 'momento-bundle/1'
OPSET = 17

_ONNX_DTYPES = {
    'float32': onnx.TensorProto.FLOAT,
    'int64': onnx.TensorProto.INT64,
    'int32': onnx.TensorProto.INT32,
    'uint8': onnx.TensorProto.UINT8,
}
_TORCH_DTYPES = {'float32': torch.float32, 'int64': torch.int64, 'int32': torch.int32, 'uint8': torch.uint8}


def graph_spec(graph: Graph, file: str) -> dict:
    return {
        'file': file,
        'inputs': [s.manifest() for s in graph.inputs],
        'outputs': [s.manifest() for s in graph.outputs],
    }


def example_inputs(graph: Graph, batch: int = 2, num_tasks: int = 1, seed: int = 0) -> tuple:
    """Plausible inputs for tracing: normal floats, task indices in range, masks as valid prefixes."""
    g = torch.Generator().manual_seed(seed)
    out = []
    for s in graph.inputs:
        shape = [batch, *s.shape]
        if s.dtype == 'int64':
            out.append(torch.randint(0, num_tasks, shape, generator=g, dtype=torch.int64))
        elif s.name.endswith('_mask'):
            filled = torch.arange(shape[-1]).unsqueeze(0) < torch.arange(1, batch + 1).unsqueeze(1)
            out.append(filled.to(torch.float32))
        elif s.name.endswith('_times') or s.name in ('step', 'time'):
            out.append(torch.rand(shape, generator=g) * 10.0)
        else:
            out.append(torch.randn(shape, generator=g, dtype=_TORCH_DTYPES[s.dtype]))
    return tuple(out)


class StepGraph(Graph):
    """encoder -> memory read + fuse -> direct head as one graph (the fused step).

    Inputs: the encoder's inputs (cameras, proprio, task), then the memory graph's inputs that no
    graph of the step produces (MemoryVLA: `<s>_bank`, `<s>_times`, `<s>_mask` per stream, `step`),
    in the memory graph's order. Outputs: what the runtime reads to commit the step's memory write
    (MemoryVLA: `<s>_fused` per stream for fused writes, `<s>` for raw ones), then, with
    `attention`, each stream's `<s>_attention` (retrieval statistics), then `actions`. Names,
    dtypes and shapes are the separate graphs'; the batch dimension is first and symbolic.

    Memory kinds: 'memoryvla' and 'none' (encoder + head). Not 'hamlet': its window input holds
    the current step's moment tokens, which the runtime can only place after the encoder ran.
    Head: 'direct' only (an iterative head is run once per sampler step by the runtime).
    """

    def __init__(self, model: Policy, attention: bool = True) -> None:
        super().__init__()
        cfg = model.cfg
        if cfg.head != 'direct':
            raise ValueError(f"StepGraph: the fused step needs a direct head, this policy's head is {cfg.head!r}")
        if cfg.memory == 'hamlet':
            raise ValueError('StepGraph: not for hamlet (its window input holds the current moments, known only after the encoder ran)')
        self.encoder, self.memory, self.head = model.encoder, model.memory, model.head
        parts = [g for g in (self.encoder, self.memory, self.head) if g is not None]
        produced, specs = set(), {}
        inputs = []
        for g in parts:
            for spec in g.inputs:
                if spec.name not in produced and spec.name not in specs:
                    inputs.append(spec)
                specs.setdefault(spec.name, spec)
            for spec in g.outputs:
                produced.add(spec.name)
                specs.setdefault(spec.name, spec)
        outputs = []
        if cfg.memory == 'memoryvla':
            for name, _, _ in self.memory.streams:
                outputs.append(specs[f'{name}_fused' if cfg.write == 'fused' else name])
                if attention:
                    outputs.append(specs[f'{name}_attention'])
        outputs.append(specs['actions'])
        # The bank axis is static here (the capacity L): the runtime's step-graph contract fixes it,
        # padding a larger bank is for the separate memory graph.
        self.inputs = [dataclasses.replace(s, symbolic={}) for s in inputs]
        self.outputs = [dataclasses.replace(s, symbolic={}) for s in outputs]
        self._parts = parts

    def forward(self, *args: torch.Tensor) -> tuple:
        env = dict(zip([s.name for s in self.inputs], args))
        for g in self._parts:
            out = g(*[env[s.name] for s in g.inputs])
            out = out if isinstance(out, tuple) else (out,)
            env.update(zip([s.name for s in g.outputs], out))
        return tuple(env[s.name] for s in self.outputs)


def _check_value_info(where: str, infos, specs) -> None:
    names = [i.name for i in infos]
    expected = [s.name for s in specs]
    if names != expected:
        raise RuntimeError(f'{where}: tensors are {names}, the manifest says {expected}')
    for info, spec in zip(infos, specs):
        tt = info.type.tensor_type
        if tt.elem_type != _ONNX_DTYPES[spec.dtype]:
            raise RuntimeError(f"{where}: tensor '{spec.name}' has ONNX elem_type {tt.elem_type}, expected {spec.dtype}")
        dims = [d.dim_param if d.HasField('dim_param') else d.dim_value for d in tt.shape.dim]
        if dims != ['batch', *spec.dims()]:
            raise RuntimeError(f"{where}: tensor '{spec.name}' has shape {dims}, expected {['batch', *spec.dims()]}")


def _export_graph(graph: Graph, path: str, num_tasks: int) -> None:
    names_in = [s.name for s in graph.inputs]
    names_out = [s.name for s in graph.outputs]
    kwargs = {}
    # PyTorch 2.x defaults to the dynamo exporter; the TorchScript one honours dynamic_axes the same
    # way on 1.13 and 2.x, so ask for it where the argument exists.
    if 'dynamo' in inspect.signature(torch.onnx.export).parameters:
        kwargs['dynamo'] = False
    graph.eval()
    with torch.no_grad():
        torch.onnx.export(
            graph, example_inputs(graph, 2, num_tasks), path,
            input_names=names_in, output_names=names_out,
            dynamic_axes={s.name: {0: 'batch', **{i + 1: name for i, name in s.symbolic.items()}} for s in graph.inputs + graph.outputs},
            opset_version=OPSET, do_constant_folding=True, **kwargs,
        )
    model = onnx.load(path)
    # The exporter's shape inference sometimes leaves a static output dim symbolic (e.g. after a
    # broadcast); state the declared shapes, then let strict ONNX shape inference confirm them.
    for info, spec in zip(model.graph.output, graph.outputs):
        dims = info.type.tensor_type.shape.dim
        for dim, value in zip(list(dims)[1:], spec.dims()):
            if isinstance(value, str):
                if not dim.HasField('dim_param') or dim.dim_param != value:
                    dim.Clear()
                    dim.dim_param = value
            elif dim.HasField('dim_param') or dim.dim_value != value:
                dim.Clear()
                dim.dim_value = value
    onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path)
    where = os.path.basename(path)
    _check_value_info(f'{where} inputs', model.graph.input, graph.inputs)
    _check_value_info(f'{where} outputs', model.graph.output, graph.outputs)


def export_bundle(model: Policy, manifest_fields: dict, out_dir: str, fused_step: bool = False,
                  step_attention: bool = True) -> dict:
    """Writes the bundle into out_dir and returns the manifest.

    manifest_fields: name, description, version, seed, observation, action (as in policy.json).
    The memory and head sections come from the model; if manifest_fields has them they must agree.
    fused_step: also write step.onnx (StepGraph, with the attention outputs when step_attention)
    and its `graphs.step` entry.
    """
    os.makedirs(out_dir, exist_ok=True)
    manifest = {'format': MANIFEST_FORMAT}
    for key in ('name', 'description', 'version', 'seed', 'observation', 'action'):
        if key in manifest_fields:
            manifest[key] = manifest_fields[key]
    unknown = set(manifest_fields) - {'name', 'description', 'version', 'seed', 'observation', 'action', 'memory', 'head'}
    if unknown:
        raise ValueError(f'export_bundle: unknown manifest fields {sorted(unknown)}')
    for key, derived in (('memory', model.memory_spec()), ('head', model.head_spec())):
        if key in manifest_fields and manifest_fields[key] != derived:
            raise ValueError(f'export_bundle: manifest {key} {manifest_fields[key]} disagrees with the model ({derived})')
        manifest[key] = derived
    _check_consistency(model, manifest)
    num_tasks = len(manifest['observation']['instruction']['tasks'])
    graphs = {}
    for role, graph in model.graphs().items():
        file = f'{role}.onnx'
        _export_graph(graph, os.path.join(out_dir, file), num_tasks)
        graphs[role] = graph_spec(graph, file)
    if fused_step:
        step = StepGraph(model, attention=step_attention)
        _export_graph(step, os.path.join(out_dir, 'step.onnx'), num_tasks)
        graphs['step'] = graph_spec(step, 'step.onnx')
    manifest['graphs'] = graphs
    with open(os.path.join(out_dir, 'policy.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    return manifest


def _check_consistency(model: Policy, manifest: dict) -> None:
    cfg = model.cfg
    obs, act = manifest['observation'], manifest['action']
    cams = [(c['name'], c['channels'], c['height'], c['width']) for c in obs['cameras']]
    expected = [(c.name, c.channels, c.height, c.width) for c in cfg.cameras]
    if cams != expected:
        raise ValueError(f'export_bundle: manifest cameras {cams} differ from the model {expected}')
    for c in obs['cameras']:
        if len(c['mean']) != c['channels'] or len(c['std']) != c['channels']:
            raise ValueError(f"export_bundle: camera {c['name']!r} needs one mean/std per channel")
    p = obs['proprio']
    if not len(p['names']) == len(p['mean']) == len(p['std']) == cfg.proprio_dim:
        raise ValueError(f'export_bundle: proprio names/mean/std must have {cfg.proprio_dim} entries')
    if len(obs['instruction']['tasks']) != cfg.num_tasks:
        raise ValueError(f'export_bundle: {len(obs["instruction"]["tasks"])} tasks, the model embeds {cfg.num_tasks}')
    a = cfg.action_dim
    for key in ('names', 'low', 'high', 'mean', 'std'):
        if len(act[key]) != a:
            raise ValueError(f'export_bundle: action.{key} must have {a} entries')
    if act['chunk'] != cfg.chunk or act['execute'] > act['chunk']:
        raise ValueError(f'export_bundle: action.chunk must be {cfg.chunk} and execute <= chunk')
    if np.any(np.asarray(act['low']) > np.asarray(act['high'])):
        raise ValueError('export_bundle: action.low must not exceed action.high')
