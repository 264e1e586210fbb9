// One read-back instead of several: on WebGPU every output read back to the CPU costs ~0.6 ms on
// its own (a map and a wait per buffer, issue 12), and a fused memoryvla step reads three (the
// actions and each stream's tokens to write). `withPackedOutput` adds to a model, at the wire
// level, a Reshape to 1-D of each named float32 output and one Concat of them into a new output
// (PACKED_OUTPUT); a run fetches that one and `splitPacked` cuts it back into the named outputs as
// views (no copy: each output is one contiguous block). Reshape and Concat only move bytes, so the
// values are bit-identical to the outputs fetched one by one. The named outputs stay declared, so
// a run may still fetch them directly.
import protobuf from 'protobufjs';
import type { Feed } from './inference-thread.js';
import { concatBytes } from '../core/bytes.js';
import { editFields, onnxSchema } from './static-batch.js';

/** The name of the added output (not a name a bundle's manifest may use: it has a slash). */
export const PACKED_OUTPUT = 'momento/packed';

/** What a packed output holds, in order: each output's name and its dimensions after the batch. */
export interface PackLayout {
  readonly outputs: readonly { readonly name: string; readonly inner: readonly number[] }[];
}

/** Why `outputs` of a session cannot be packed (not float32, a symbolic dimension past the batch, too few), or undefined when they can. */
export function packProblem(declared: readonly { name: string; dtype: string; shape: readonly (number | string)[] }[], outputs: readonly string[]): string | undefined {
  if (outputs.length < 2) return `${outputs.length} output(s): nothing to pack`;
  if (new Set(outputs).size !== outputs.length) return `an output is named twice in [${outputs.join(', ')}]`;
  for (const name of outputs) {
    const d = declared.find((o) => o.name === name);
    if (!d) return `no output '${name}'`;
    if (d.dtype !== 'float32') return `output '${name}' is ${d.dtype}, only float32 outputs are packed`;
    if (d.shape.length < 1 || d.shape.slice(1).some((x) => typeof x !== 'number')) return `output '${name}' has shape [${d.shape.join(', ')}]: only the batch dimension may be symbolic`;
  }
  return undefined;
}

/** The layout of a packed output of `outputs`, from the session's declared outputs (packProblem must have passed). */
export function packLayout(declared: readonly { name: string; shape: readonly (number | string)[] }[], outputs: readonly string[]): PackLayout {
  return { outputs: outputs.map((name) => ({ name, inner: declared.find((o) => o.name === name)!.shape.slice(1) as number[] })) };
}

/**
 * The model `bytes` with one more output, PACKED_OUTPUT (float32, 1-D): the outputs `names`, each
 * reshaped to 1-D, concatenated in that order. Every other byte of the model is copied as it is.
 */
export function withPackedOutput(bytes: Uint8Array, names: readonly string[]): Uint8Array {
  const root = onnxSchema();
  const type = (name: string) => root.lookupType(`onnx.${name}`);
  const field = (message: string, name: string): number => type(message).fields[name]!.id;
  const shapeName = `${PACKED_OUTPUT}/shape`;
  const flat = names.map((_, i) => `${PACKED_OUTPUT}/${i}`);
  const FLOAT = 1;
  const INT64 = 7;
  const INT = 2; // AttributeProto.AttributeType.INT
  const nodes = [
    ...names.map((n, i) => ({ name: `${PACKED_OUTPUT}/reshape/${i}`, opType: 'Reshape', domain: '', input: [n, shapeName], output: [flat[i]!] })),
    { name: `${PACKED_OUTPUT}/concat`, opType: 'Concat', domain: '', input: flat, output: [PACKED_OUTPUT], attribute: [{ name: 'axis', type: INT, i: 0 }] },
  ];
  const shape = { name: shapeName, dims: [1], dataType: INT64, int64Data: [-1] };
  const output = { name: PACKED_OUTPUT, type: { tensorType: { elemType: FLOAT } } };
  const tagged = (id: number, message: string, value: object): Uint8Array => {
    const encoded = type(message).encode(type(message).fromObject(value)).finish();
    return protobuf.Writer.create().uint32((id << 3) | 2).bytes(encoded).finish();
  };
  // Repeated fields may appear anywhere in a message: appending adds the nodes after every
  // producer (topological order holds), the initializer and the output.
  const extra = concatBytes([
    ...nodes.map((n) => tagged(field('GraphProto', 'node'), 'NodeProto', n)),
    tagged(field('GraphProto', 'initializer'), 'TensorProto', shape),
    tagged(field('GraphProto', 'output'), 'ValueInfoProto', output),
  ]);
  const graphId = field('ModelProto', 'graph');
  let seen = 0;
  const patched = editFields(bytes, new Map([[graphId, (graph: Uint8Array) => (seen++, concatBytes([graph, extra]))]]));
  if (seen !== 1) throw new Error(`packed output: the model has ${seen} graphs, expected 1`);
  return patched;
}

/** Cuts a packed output of a run of `rows` rows into its outputs (views of `packed`); throws naming the sizes when they disagree. */
export function splitPacked(packed: Feed, layout: PackLayout, rows: number): Record<string, Feed> {
  const data = packed.data as Float32Array;
  const out: Record<string, Feed> = {};
  let at = 0;
  for (const { name, inner } of layout.outputs) {
    const n = rows * inner.reduce((a, b) => a * b, 1);
    out[name] = { data: data.subarray(at, at + n), dims: [rows, ...inner] };
    at += n;
  }
  if (at !== data.length) throw new RangeError(`packed output: ${data.length} floats for ${rows} rows of ${layout.outputs.map((o) => `${o.name} [${o.inner.join(', ')}]`).join(', ')}, expected ${at}`);
  return out;
}
