// A graph against its declaration in the manifest: at load, the names, dtypes and shapes the ONNX
// file declares; at run time, the shapes it actually produced. A dimension the manifest fixes may
// be symbolic in the graph (PyTorch's exporter leaves some so, e.g. `Addperceptual_dim_1`): it is
// accepted at load and its size checked on every run, the first being the load's warm-up step.
import type { TensorDecl } from '../onnx/graph.js';
import type { GraphSpec } from './manifest.js';

// Inputs a bundle may leave out (torch.onnx.export drops inputs `forward` never reads).
function optionalHint(name: string): string {
  const optional = name === 'step' || name === 'task' || name.endsWith('_times');
  return optional ? `; '${name}' is optional: remove it from the manifest` : '';
}

/**
 * Compares a graph's declared inputs and outputs with the manifest's: same input names, every
 * manifest output present, same dtypes and ranks, dimension 0 symbolic, every dimension fixed on
 * both sides equal. Returns the problems, each naming the tensor with expected and actual.
 */
export function graphMismatches(spec: GraphSpec, graph: { readonly inputs: readonly TensorDecl[]; readonly outputs: readonly TensorDecl[] }): string[] {
  const problems: string[] = [];
  const compare = (kind: 'input' | 'output', want: GraphSpec['inputs'], have: readonly TensorDecl[]): void => {
    const byName = new Map(have.map((t) => [t.name, t]));
    for (const w of want) {
      const h = byName.get(w.name);
      if (!h) {
        problems.push(`${kind} '${w.name}': declared in the manifest, missing from the graph (graph has ${have.map((t) => `'${t.name}'`).join(', ')})${kind === 'input' ? optionalHint(w.name) : ''}`);
        continue;
      }
      byName.delete(w.name);
      if (h.dtype !== w.dtype) problems.push(`${kind} '${w.name}': dtype expected ${w.dtype}, actual ${h.dtype}`);
      if (h.shape.length !== w.shape.length) {
        problems.push(`${kind} '${w.name}': shape expected [${w.shape.join(', ')}], actual [${h.shape.join(', ')}]`);
        continue;
      }
      w.shape.forEach((dim, i) => {
        const actual = h.shape[i];
        if (i === 0 && typeof actual === 'number') {
          problems.push(`${kind} '${w.name}': dimension 0 expected symbolic 'batch', actual fixed ${actual} (export with dynamic_axes={'${w.name}': {0: 'batch'}})`);
        } else if (typeof dim === 'number' && typeof actual === 'number' && dim !== actual) {
          problems.push(`${kind} '${w.name}': dimension ${i} expected ${dim}, actual ${actual} (shape [${h.shape.join(', ')}])`);
        }
        // A symbolic graph dimension where the manifest fixes one is checked when the graph runs.
      });
    }
    if (kind === 'input') for (const extra of byName.values()) problems.push(`input '${extra.name}': required by the graph, not declared in the manifest`);
  };
  compare('input', spec.inputs, graph.inputs);
  compare('output', spec.outputs, graph.outputs);
  return problems;
}

/**
 * Checks the outputs of one run of a batch of `batch` against the manifest: each declared output
 * (or each of `only`) present, of the declared rank, `batch` rows, every fixed dimension equal.
 */
export function outputProblems(spec: GraphSpec, outputs: Readonly<Record<string, { readonly dims: readonly number[] }>>, batch: number, only?: readonly string[]): string[] {
  const problems: string[] = [];
  for (const w of spec.outputs) {
    if (only && !only.includes(w.name)) continue;
    const out = outputs[w.name];
    if (!out) {
      problems.push(`output '${w.name}': not produced`);
      continue;
    }
    const expected = w.shape.map((d, i) => (i === 0 ? batch : d));
    const wrong = out.dims.length !== expected.length || expected.some((d, i) => typeof d === 'number' && out.dims[i] !== d);
    if (wrong) problems.push(`output '${w.name}': shape [${out.dims.join(', ')}] at run time, the manifest declares [${w.shape.join(', ')}] (batch ${batch})`);
  }
  return problems;
}
