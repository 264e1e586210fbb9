"""Compose the fused step graph of the memoryvla-tiny test bundle into test/fixtures/bundles/memoryvla-tiny-fused/.

    /usr/bin/python3 policies/export_fused_fixture.py
    /usr/bin/python3 policies/export_fused_fixture.py --in-place policies/memoryvla-sim

The second form adds step.onnx and `graphs.step` to a bundle in its own folder (a reference bundle
whose checkpoint is not at hand: the composed graph computes exactly what its three graphs do).

The fused step graph (the bundle contract's optional `graphs.step`, see the README) is encoder +
memory read + head in one ONNX graph: its inputs are the runtime-provided tensors (cameras,
proprio, task, step, and each stream's `_bank`, `_times`, `_mask`), its outputs `actions` plus what
the runtime writes into the banks (`<stream>_fused`, or `<stream>` for raw writes) and, optionally,
`<stream>_attention`. This script builds it from the three separate graphs of memoryvla-tiny (which
export_test_bundles.py writes) by renaming each graph's internal values apart and concatenating
the nodes, so the fused graph computes exactly what the three graphs compute. It copies the
separate graphs beside it (the contract keeps them required) and writes policy.json with
`graphs.step` added. Deterministic: the same inputs give the same bytes.
"""
from __future__ import annotations

import json
import os
import shutil

import onnx
from onnx import helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, 'test', 'fixtures', 'bundles', 'memoryvla-tiny')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'bundles', 'memoryvla-tiny-fused')
ROLES = ('encoder', 'memory', 'head')


def rename_internal(graph: onnx.GraphProto, prefix: str) -> None:
    """Prefix every value name of `graph` that is not one of its inputs or outputs (initializers,
    intermediate values, node names), so that graphs can be concatenated without collisions."""
    keep = {v.name for v in graph.input} | {v.name for v in graph.output}

    def fix(name: str) -> str:
        return name if name == '' or name in keep else prefix + name

    for node in graph.node:
        for attr in node.attribute:
            if attr.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS):
                raise SystemExit(f'{prefix}: node {node.name} has a subgraph; not supported by this composer')
        node.input[:] = [fix(n) for n in node.input]
        node.output[:] = [fix(n) for n in node.output]
        node.name = prefix + node.name
    for init in graph.initializer:
        init.name = fix(init.name)
    for info in graph.value_info:
        info.name = fix(info.name)


def compose(manifest: dict, source: str = SOURCE) -> onnx.ModelProto:
    models = {role: onnx.load(os.path.join(source, f'{role}.onnx')) for role in ROLES}
    opsets = {(o.domain, o.version) for m in models.values() for o in m.opset_import}
    if len(opsets) != 1:
        raise SystemExit(f'the graphs import different opsets: {sorted(opsets)}')
    for role, model in models.items():
        rename_internal(model.graph, f'{role}/')
    produced = {o.name for m in models.values() for o in m.graph.output}
    inputs, seen = [], set()
    for role in ROLES:
        for v in models[role].graph.input:
            if v.name not in produced and v.name not in seen:
                inputs.append(v)
                seen.add(v.name)
    mem = manifest['memory']
    written = [f"{s['name']}_fused" if mem['write'] == 'fused' else s['name'] for s in mem['streams']]
    wanted = ['actions', *written, *[f"{s['name']}_attention" for s in mem['streams']]]
    outputs_by_name = {o.name: o for m in models.values() for o in m.graph.output}
    graph = helper.make_graph(
        nodes=[n for role in ROLES for n in models[role].graph.node],
        name='step',
        inputs=inputs,
        outputs=[outputs_by_name[n] for n in wanted],
        initializer=[i for role in ROLES for i in models[role].graph.initializer],
        value_info=[v for role in ROLES for v in models[role].graph.value_info],
    )
    base = models['encoder']
    model = helper.make_model(graph, opset_imports=list(base.opset_import), producer_name='momento export_fused_fixture.py')
    model.ir_version = base.ir_version
    onnx.checker.check_model(model)
    return model


def spec_of(value: onnx.ValueInfoProto) -> dict:
    dtype = {onnx.TensorProto.FLOAT: 'float32', onnx.TensorProto.INT64: 'int64'}[value.type.tensor_type.elem_type]
    dims = [d.dim_param if d.dim_param else d.dim_value for d in value.type.tensor_type.shape.dim]
    return {'name': value.name, 'dtype': dtype, 'shape': dims}


def step_entry(model: onnx.ModelProto) -> dict:
    """The manifest's `graphs.step` entry for the composed graph."""
    return {
        'file': 'step.onnx',
        'inputs': [spec_of(v) for v in model.graph.input],
        'outputs': [spec_of(v) for v in model.graph.output],
    }


def main() -> None:
    import argparse
    parser = argparse.ArgumentParser(description='compose a fused step graph from a bundle\'s three graphs')
    parser.add_argument('--in-place', metavar='BUNDLE', help='add step.onnx to this bundle folder (default: write the memoryvla-tiny-fused fixture)')
    args = parser.parse_args()
    if args.in_place:
        compose_in_place(args.in_place)
        return
    with open(os.path.join(SOURCE, 'policy.json')) as f:
        manifest = json.load(f)
    if manifest['head']['kind'] != 'direct':
        raise SystemExit('a fused step graph needs a direct head')
    model = compose(manifest)
    os.makedirs(OUT, exist_ok=True)
    for role in ROLES:
        shutil.copyfile(os.path.join(SOURCE, f'{role}.onnx'), os.path.join(OUT, f'{role}.onnx'))
    onnx.save(model, os.path.join(OUT, 'step.onnx'))
    manifest['name'] = 'memoryvla-tiny-fused'
    manifest['description'] = 'memoryvla-tiny with a fused step graph (step.onnx: encoder + memory read + head), composed by policies/export_fused_fixture.py.'
    manifest['graphs']['step'] = step_entry(model)
    with open(os.path.join(OUT, 'policy.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    print(f'wrote {OUT}: step.onnx ({len(model.graph.node)} nodes), policy.json')


def compose_in_place(bundle: str) -> None:
    with open(os.path.join(bundle, 'policy.json')) as f:
        manifest = json.load(f)
    if manifest['head']['kind'] != 'direct' or manifest['memory']['kind'] != 'memoryvla':
        raise SystemExit(f'{bundle}: a composed step graph needs a memoryvla bundle with a direct head')
    manifest['graphs'].pop('step', None)
    model = compose(manifest, bundle)
    onnx.save(model, os.path.join(bundle, 'step.onnx'))
    manifest['graphs']['step'] = step_entry(model)
    with open(os.path.join(bundle, 'policy.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    print(f'wrote {bundle}: step.onnx ({len(model.graph.node)} nodes), policy.json')


if __name__ == '__main__':
    main()
