// Conversion between runtime memory state (Float32Array) and the wire form of momento.v1
// snapshots, so that an episode's memory can be saved, inspected and restored byte-exactly.
// Tensors travel as little-endian bytes; the bit pattern of every float (NaN payloads, -0) survives.
import { pb, type momento } from '../core/wire.js';

type TensorProto = momento.v1.Tensor.$Properties;

/** A FLOAT32 tensor read back from its wire form. */
export interface Float32Tensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

// On a little-endian host the bytes can be copied as they are, which keeps NaN payloads intact;
// going through DataView numbers could canonicalise them.
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function elementCount(name: string, shape: readonly number[]): number {
  let count = 1;
  for (const [axis, dim] of shape.entries()) {
    if (!Number.isInteger(dim) || dim < 0) {
      throw new RangeError(`tensor '${name}': shape[${axis}] must be a non-negative integer, got ${dim}`);
    }
    count *= dim;
  }
  return count;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Wraps `data` (copied) as a FLOAT32 `momento.v1.Tensor` of the given shape. */
export function tensorToProto(name: string, shape: readonly number[], data: Float32Array): TensorProto {
  const count = elementCount(name, shape);
  if (count !== data.length) {
    throw new RangeError(
      `tensor '${name}': shape ${shapeText(shape)} holds ${count} elements, data has ${data.length}`,
    );
  }
  let bytes: Uint8Array;
  if (HOST_LITTLE_ENDIAN) {
    bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  } else {
    bytes = new Uint8Array(data.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i] ?? 0, true);
  }
  return { name, dtype: pb.DType.FLOAT32, shape: [...shape], data: bytes };
}

/**
 * Reads a FLOAT32 `momento.v1.Tensor` into a fresh Float32Array. When `expected` is given the
 * shape must equal it. Errors name the tensor, and `where` (e.g. `entries[3].tokens`) when given.
 */
export function tensorFromProto(t: TensorProto, expected?: readonly number[], where?: string): Float32Tensor {
  const name = where === undefined ? (t.name ?? '') : `${t.name ?? ''}' at '${where}`;
  const dtype = t.dtype ?? pb.DType.DTYPE_UNSPECIFIED;
  if (dtype !== pb.DType.FLOAT32) {
    throw new RangeError(`tensor '${name}': dtype must be FLOAT32 (${pb.DType.FLOAT32}), got ${dtype}`);
  }
  const shape = [...(t.shape ?? [])];
  if (expected !== undefined && (shape.length !== expected.length || shape.some((d, i) => d !== expected[i]))) {
    throw new RangeError(`tensor '${name}': shape must be ${shapeText(expected)}, got ${shapeText(shape)}`);
  }
  const count = elementCount(name, shape);
  const bytes = t.data ?? new Uint8Array(0);
  if (bytes.byteLength !== count * 4) {
    throw new RangeError(
      `tensor '${name}': shape ${shapeText(shape)} needs ${count * 4} bytes, data has ${bytes.byteLength}`,
    );
  }
  const data = new Float32Array(count);
  if (HOST_LITTLE_ENDIAN) {
    // Decoded bytes may sit at an odd offset of a shared buffer: copy rather than view.
    new Uint8Array(data.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, true);
  }
  return { name: t.name ?? '', shape, data };
}

/** Serialises a `momento.v1.MemorySnapshot`. */
export function encodeMemorySnapshot(snapshot: momento.v1.MemorySnapshot.$Properties): Uint8Array {
  return pb.MemorySnapshot.encode(snapshot).finish();
}

/** Parses a `momento.v1.MemorySnapshot`; malformed bytes give a RangeError with the cause. */
export function decodeMemorySnapshot(bytes: Uint8Array): momento.v1.MemorySnapshot {
  try {
    return pb.MemorySnapshot.decode(bytes);
  } catch (cause) {
    throw new RangeError(`invalid MemorySnapshot (${bytes.byteLength} bytes)`, { cause });
  }
}
