// Edits the declared shape of a graph input or output in an .onnx file at the protobuf wire level
// (ModelProto.graph → GraphProto.input/output → ValueInfoProto.type → TypeProto.tensor_type →
// shape → dim), keeping every other byte: for tests of how the loader treats fixed and symbolic
// dimensions, without Python. Only the fields on that path are decoded.
import { readFileSync, writeFileSync } from 'node:fs';

interface Field {
  readonly no: number;
  readonly wireType: number;
  /** The value's bytes: the varint, the fixed-width bytes, or the payload of a length-delimited field. */
  readonly value: Uint8Array;
}

function readVarint(buf: Uint8Array, at: number): [value: bigint, next: number] {
  let value = 0n;
  let shift = 0n;
  for (let i = at; i < buf.length; i++) {
    const byte = buf[i]!;
    value |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if ((byte & 0x80) === 0) return [value, i + 1];
  }
  throw new RangeError('onnx-edit: truncated varint');
}

function writeVarint(value: bigint): Uint8Array {
  const out: number[] = [];
  let v = BigInt.asUintN(64, value);
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? byte : byte | 0x80);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

function parse(buf: Uint8Array): Field[] {
  const fields: Field[] = [];
  for (let at = 0; at < buf.length; ) {
    const [tag, afterTag] = readVarint(buf, at);
    const no = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    let end: number;
    let start = afterTag;
    if (wireType === 0) end = readVarint(buf, afterTag)[1];
    else if (wireType === 1) end = afterTag + 8;
    else if (wireType === 5) end = afterTag + 4;
    else if (wireType === 2) {
      const [length, afterLength] = readVarint(buf, afterTag);
      start = afterLength;
      end = afterLength + Number(length);
    } else throw new RangeError(`onnx-edit: unsupported wire type ${wireType}`);
    fields.push({ no, wireType, value: buf.subarray(start, end) });
    at = end;
  }
  return fields;
}

function encode(fields: readonly Field[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    parts.push(writeVarint(BigInt((f.no << 3) | f.wireType)));
    if (f.wireType === 2) parts.push(writeVarint(BigInt(f.value.length)));
    parts.push(f.value);
  }
  return Buffer.concat(parts);
}

/** Rewrites the length-delimited fields numbered `no` of `buf` with `edit`. */
function editFields(buf: Uint8Array, no: number, edit: (value: Uint8Array) => Uint8Array): Uint8Array {
  return encode(parse(buf).map((f) => (f.no === no && f.wireType === 2 ? { ...f, value: edit(f.value) } : f)));
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * Sets dimension `axis` of the graph input or output named `tensor` in `file` to a fixed size
 * (number) or a symbolic name (string). Throws when no such tensor or axis exists.
 */
export function setDeclaredDim(file: string, tensor: string, axis: number, dim: number | string): void {
  let found = false;
  const editValueInfo = (info: Uint8Array): Uint8Array => {
    const name = parse(info).find((f) => f.no === 1);
    if (!name || new TextDecoder().decode(name.value) !== tensor) return info;
    found = true;
    // type (2) → tensor_type (1) → shape (2) → the axis-th dim (1).
    return editFields(info, 2, (type) =>
      editFields(type, 1, (tensorType) =>
        editFields(tensorType, 2, (shape) => {
          const fields = parse(shape);
          const dims = fields.filter((f) => f.no === 1);
          if (axis >= dims.length) throw new RangeError(`onnx-edit: '${tensor}' has ${dims.length} dimensions, no axis ${axis}`);
          const replacement: Field = typeof dim === 'number' ? { no: 1, wireType: 0, value: writeVarint(BigInt(dim)) } : { no: 2, wireType: 2, value: text(dim) };
          const target = dims[axis]!;
          return encode(fields.map((f) => (f === target ? { ...f, value: encode([replacement]) } : f)));
        }),
      ),
    );
  };
  const model = readFileSync(file);
  const edited = editFields(model, 7, (graph) => encode(parse(graph).map((f) => ((f.no === 11 || f.no === 12) && f.wireType === 2 ? { ...f, value: editValueInfo(f.value) } : f))));
  if (!found) throw new RangeError(`onnx-edit: no graph input or output '${tensor}' in ${file}`);
  writeFileSync(file, edited);
}
