// Static batch buckets: onnxruntime-node has no `freeDimensionOverrides`, so a graph exported
// with a symbolic batch dimension keeps its Shape/Gather/Concat nodes at run time (on WebGPU they
// run on the CPU provider, with copies in and out). Rewriting dimension 0 of the graph's inputs
// and outputs to a number before the session is created lets onnxruntime fold them away
// (measured −23 % on CPU, −19 % on WebGPU for memoryvla's memory graph, issue 12). The model is
// parsed with protobufjs from the official schema (proto/onnx.proto, onnx 1.12, IR 8).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

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

interface Dim {
  dimValue?: number | Long;
  dimParam?: string;
}
type Long = { toNumber(): number };
interface ValueInfo {
  name?: string;
  type?: { tensorType?: { shape?: { dim?: Dim[] } } };
}
interface Model {
  graph?: { input?: ValueInfo[]; output?: ValueInfo[]; valueInfo?: ValueInfo[] };
}

let modelType: protobuf.Type | undefined;

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

function onnxModel(): protobuf.Type {
  modelType ??= protobuf.loadSync(schemaFile()).lookupType('onnx.ModelProto');
  return modelType;
}

/**
 * The model at `file` with dimension 0 of every graph input and output fixed to `batch` (and
 * every intermediate value whose dimension 0 carries the same symbol), re-serialised. Throws,
 * naming the file, when the model would not survive the round trip intact (fields newer than the
 * schema: protobufjs would drop them) or when an input's dimension 0 is not symbolic.
 */
export function withStaticBatch(file: string, batch: number): Uint8Array {
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`static batch: batch must be a positive integer, got ${batch}`);
  const bytes = readFileSync(file);
  const type = onnxModel();
  const model = type.decode(bytes) as unknown as Model;
  // Fields this schema does not know are dropped on re-encoding: refuse rather than change the model.
  const roundTrip = type.encode(model as unknown as protobuf.Message).finish();
  if (roundTrip.length !== bytes.length) throw new Error(`static batch: ${file} has fields newer than proto/onnx.proto (re-encoded ${roundTrip.length} of ${bytes.length} bytes)`);
  const graph = model.graph;
  if (!graph) throw new Error(`static batch: ${file} has no graph`);
  const symbols = new Set<string>();
  const fix = (v: ValueInfo, side: string): void => {
    const dim0 = v.type?.tensorType?.shape?.dim?.[0];
    if (!dim0) return;
    if (dim0.dimParam) symbols.add(dim0.dimParam);
    else if (side === 'input') throw new Error(`static batch: ${file} input '${v.name ?? ''}' has a fixed dimension 0`);
    delete dim0.dimParam;
    dim0.dimValue = batch;
  };
  for (const v of graph.input ?? []) fix(v, 'input');
  for (const v of graph.output ?? []) fix(v, 'output');
  for (const v of graph.valueInfo ?? []) {
    const dim0 = v.type?.tensorType?.shape?.dim?.[0];
    if (dim0?.dimParam && symbols.has(dim0.dimParam)) {
      delete dim0.dimParam;
      dim0.dimValue = batch;
    }
  }
  return type.encode(model as unknown as protobuf.Message).finish();
}
