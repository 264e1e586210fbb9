// Builds small ONNX models (opset 17) at the protobuf wire level, for test bundles whose
// graphs must differ from the exported fixtures (an encoder without `task`, a memory graph
// without `step`), without Python. Field numbers are onnx.proto's.

export interface ValueSpec {
  readonly name: string;
  readonly shape: ReadonlyArray<number | string>;
}

export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Integer or integer-list attributes (e.g. `axes`, `keepdims`). */
  readonly attributes?: Readonly<Record<string, number | readonly number[]>>;
}

export interface ModelSpec {
  readonly inputs: readonly ValueSpec[];
  readonly outputs: readonly ValueSpec[];
  readonly nodes: readonly NodeSpec[];
  /** Constant tensors: float32, or int64 (e.g. a Reshape's shape). */
  readonly initializers?: readonly { readonly name: string; readonly dims: readonly number[]; readonly data: Float32Array | BigInt64Array }[];
}

const FLOAT = 1;
const INT64 = 7;

function varint(value: number): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, BigInt(value));
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? byte : byte | 0x80);
  } while (v !== 0n);
  return out;
}

const tag = (no: number, wireType: number): number[] => varint((no << 3) | wireType);
const int = (no: number, value: number): number[] => [...tag(no, 0), ...varint(value)];
const bytes = (no: number, payload: ArrayLike<number>): number[] => [...tag(no, 2), ...varint(payload.length), ...Array.from(payload)];
const text = (no: number, s: string): number[] => bytes(no, new TextEncoder().encode(s));

function valueInfo(v: ValueSpec): number[] {
  const dims = v.shape.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : text(2, d)));
  const tensorType = [...int(1, FLOAT), ...bytes(2, dims)];
  return [...text(1, v.name), ...bytes(2, bytes(1, tensorType))];
}

function node(n: NodeSpec, index: number): number[] {
  const attributes = Object.entries(n.attributes ?? {}).flatMap(([name, value]) =>
    bytes(5, typeof value === 'number' ? [...text(1, name), ...int(20, 2), ...int(3, value)] : [...text(1, name), ...int(20, 7), ...value.flatMap((x) => int(8, x))]),
  );
  return [...n.inputs.flatMap((i) => text(1, i)), ...n.outputs.flatMap((o) => text(2, o)), ...text(3, `n${index}`), ...text(4, n.op), ...attributes];
}

/** The serialised ModelProto. */
export function buildModel(spec: ModelSpec): Uint8Array {
  const initializers = (spec.initializers ?? []).flatMap((t) =>
    bytes(5, [...t.dims.flatMap((d) => int(1, d)), ...int(2, t.data instanceof BigInt64Array ? INT64 : FLOAT), ...text(8, t.name), ...bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength))]),
  );
  const graph = [
    ...spec.nodes.flatMap((n, i) => bytes(1, node(n, i))),
    ...text(2, 'test'),
    ...initializers,
    ...spec.inputs.flatMap((v) => bytes(11, valueInfo(v))),
    ...spec.outputs.flatMap((v) => bytes(12, valueInfo(v))),
  ];
  const opset = [...text(1, ''), ...int(2, 17)];
  return Uint8Array.from([...int(1, 8), ...text(2, 'momento-test'), ...bytes(7, graph), ...bytes(8, opset)]);
}
