// Static batch buckets: onnxruntime-node has no `freeDimensionOverrides`, so a graph exported
// with a symbolic batch dimension keeps its Shape/Gather/Concat nodes at run time (on WebGPU they
// run on the CPU provider, with copies in and out). Rewriting dimension 0 of the graph's inputs
// and outputs to a number before the session is created lets onnxruntime fold them away
// (measured −23 % on CPU, −19 % on WebGPU for memoryvla's memory graph, issue 12). The model is
// patched with protobufjs at the wire level, by the field numbers of the official schema
// (proto/onnx.proto, onnx 1.12): only the dimension messages change, so fields newer than the
// schema survive.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { concatBytes } from '../core/bytes.js';

/** The batch sizes a graph is loaded at; a batch is padded up to the next one. */
export const BATCH_BUCKETS: readonly number[] = [1, 2, 4, 8, 16, 32, 64];

/** The smallest bucket that holds `batch` rows, or undefined above the largest. */
export function bucketFor(batch: number): number | undefined {
  return BATCH_BUCKETS.find((b) => b >= batch);
}

/**
 * Intra-op threads for a session that runs batches of `batch` rows: 1 below 16 (onnxruntime's
 * thread pool costs more than it gains on small batches), from 16 min(4, half the cores)
 * (measured +26–79 % at B = 64 on a 16-core host, issue 12). Never every core: on this repo's
 * 2-core CI machine 2 threads made B = 16 four times slower under load (87 vs 22 ms), so it
 * stays at 1 there.
 */
export function threadsForBatch(batch: number, cores: number): number {
  return batch >= 16 ? Math.max(1, Math.min(4, Math.floor(cores / 2))) : 1;
}

/** Field numbers of the messages on the path to a dimension, read from the schema. */
interface FieldIds {
  graph: number;
  input: number;
  output: number;
  valueInfo: number;
  type: number;
  tensorType: number;
  shape: number;
  dim: number;
  dimValue: number;
  dimParam: number;
}

let fieldIds: FieldIds | undefined;

/** The schema's folder: proto/ at the package root, two levels above src/onnx or three above dist/src/onnx. */
function schemaFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'proto', 'onnx.proto');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('static batch: proto/onnx.proto not found above src/onnx');
}

let schema: protobuf.Root | undefined;

/** The official ONNX schema (proto/onnx.proto), loaded once. */
export function onnxSchema(): protobuf.Root {
  schema ??= protobuf.loadSync(schemaFile());
  return schema;
}

function ids(): FieldIds {
  if (fieldIds) return fieldIds;
  const root = onnxSchema();
  const id = (type: string, field: string): number => root.lookupType(`onnx.${type}`).fields[field]!.id;
  fieldIds = {
    graph: id('ModelProto', 'graph'),
    input: id('GraphProto', 'input'),
    output: id('GraphProto', 'output'),
    valueInfo: id('GraphProto', 'valueInfo'),
    type: id('ValueInfoProto', 'type'),
    tensorType: id('TypeProto', 'tensorType'),
    shape: id('TypeProto.Tensor', 'shape'),
    dim: id('TensorShapeProto', 'dim'),
    dimValue: id('TensorShapeProto.Dimension', 'dimValue'),
    dimParam: id('TensorShapeProto.Dimension', 'dimParam'),
  };
  return fieldIds;
}

export type Edit = (payload: Uint8Array, index: number) => Uint8Array;

/**
 * The message `bytes` with the payload of each length-delimited field in `edits` replaced (the
 * edit gets the payload and its index among the fields of that number); every other byte is
 * copied as it is, so fields this schema does not know (newer IR versions) survive.
 */
export function editFields(bytes: Uint8Array, edits: ReadonlyMap<number, Edit>): Uint8Array {
  const reader = protobuf.Reader.create(bytes);
  const parts: Uint8Array[] = [];
  const seen = new Map<number, number>();
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    const edit = edits.get(tag >>> 3);
    if (edit && (tag & 7) === 2) {
      const length = reader.uint32();
      const payload = bytes.subarray(reader.pos, reader.pos + length);
      reader.pos += length;
      const index = seen.get(tag >>> 3) ?? 0;
      seen.set(tag >>> 3, index + 1);
      parts.push(protobuf.Writer.create().uint32(tag).bytes(edit(payload, index)).finish());
    } else {
      reader.skipType(tag & 7);
      parts.push(bytes.subarray(start, reader.pos));
    }
  }
  return concatBytes(parts);
}

/** The first string field numbered `id` of a message, or undefined. */
function stringField(bytes: Uint8Array, id: number): string | undefined {
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === id && (tag & 7) === 2) return reader.string();
    reader.skipType(tag & 7);
  }
  return undefined;
}

/**
 * The model at `file` (or its bytes `model`, already read or patched) with dimension 0 of every graph input and output fixed to `batch` (and
 * every intermediate value_info whose dimension 0 carries the same symbol), re-serialised. The
 * field numbers come from the official schema (proto/onnx.proto); only the dimension messages
 * change, every other byte (initializers, fields newer than the schema) is copied. Throws, naming
 * the file and tensor, when an input's dimension 0 is not symbolic.
 */
export function withStaticBatch(file: string, batch: number, model?: Uint8Array): Uint8Array {
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`static batch: batch must be a positive integer, got ${batch}`);
  const f = ids();
  const bytes = model ?? new Uint8Array(readFileSync(file));
  const symbols = new Set<string>();
  /** Rewrites dimension 0 of one ValueInfoProto of the graph's `side`. */
  const valueInfo = (side: 'input' | 'output' | 'value_info'): Edit => (payload) => {
    const dim0: Edit = (dim, index) => {
      if (index > 0) return dim;
      const param = stringField(dim, f.dimParam);
      if (param === undefined) {
        if (side === 'input') throw new Error(`static batch: ${file}: an input has a fixed dimension 0`);
        return dim;
      }
      if (side === 'value_info' && !symbols.has(param)) return dim;
      symbols.add(param);
      // Dimension: dim_value = batch, and any other field (denotation) as it was.
      return concatBytes([protobuf.Writer.create().uint32((f.dimValue << 3) | 0).int64(batch).finish(), stripFields(dim, [f.dimParam, f.dimValue])]);
    };
    const shape: Edit = (p) => editFields(p, new Map([[f.dim, dim0]]));
    const tensor: Edit = (p) => editFields(p, new Map([[f.shape, shape]]));
    const type: Edit = (p) => editFields(p, new Map([[f.tensorType, tensor]]));
    return editFields(payload, new Map([[f.type, type]]));
  };
  // Inputs and outputs first (they name the batch symbols), then the intermediate values.
  const first = editFields(bytes, new Map([[f.graph, (g) => editFields(g, new Map([[f.input, valueInfo('input')], [f.output, valueInfo('output')]]))]]));
  return editFields(first, new Map([[f.graph, (g) => editFields(g, new Map([[f.valueInfo, valueInfo('value_info')]]))]]));
}

/** `bytes` without the fields numbered `drop`. */
function stripFields(bytes: Uint8Array, drop: readonly number[]): Uint8Array {
  const reader = protobuf.Reader.create(bytes);
  const parts: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    reader.skipType(tag & 7);
    if (!drop.includes(tag >>> 3)) parts.push(bytes.subarray(start, reader.pos));
  }
  return concatBytes(parts);
}
