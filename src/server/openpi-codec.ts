// openpi's wire format: msgpack frames in which a numpy array is a map {__ndarray__: true, data:
// bytes, dtype: '<f4' | '|u1' | …, shape: [..]} (keys written as msgpack bin by Python's msgpack,
// read here as strings) and a numpy scalar {__npgeneric__: true, data, dtype}. Decoding is bounded
// (frame size, string/bin/array/map lengths) and builds plain data only: no code, no pickle.
import { Decoder, encode } from '@msgpack/msgpack';
import { concatBytes } from '../core/bytes.js';
import { ServerFault, shown } from './fault.js';

export type NdDType = 'uint8' | 'int32' | 'int64' | 'float32' | 'float64' | 'bool';

/** A numpy array off the wire: raw little-endian bytes with dtype and shape, checked to agree. */
export class NdArray {
  constructor(
    readonly dtype: NdDType,
    readonly shape: readonly number[],
    readonly data: Uint8Array,
  ) {}

  /** The values as float32, whatever the numeric dtype. */
  toFloat32(): Float32Array {
    const n = this.shape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(n);
    const view = new DataView(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    for (let i = 0; i < n; i++) {
      switch (this.dtype) {
        case 'uint8':
        case 'bool':
          out[i] = view.getUint8(i);
          break;
        case 'int32':
          out[i] = view.getInt32(i * 4, true);
          break;
        case 'int64':
          out[i] = Number(view.getBigInt64(i * 8, true));
          break;
        case 'float32':
          out[i] = view.getFloat32(i * 4, true);
          break;
        case 'float64':
          out[i] = view.getFloat64(i * 8, true);
          break;
      }
    }
    return out;
  }
}

const ITEM_BYTES: Readonly<Record<NdDType, number>> = { uint8: 1, bool: 1, int32: 4, int64: 8, float32: 4, float64: 8 };
// numpy's dtype.str: byte order ('<' little, '|' not applicable, '=' native) + kind + item size.
const DTYPES: Readonly<Record<string, NdDType>> = { u1: 'uint8', b1: 'bool', i4: 'int32', i8: 'int64', f4: 'float32', f8: 'float64' };
const MAX_DIMS = 8;

function parseDtype(text: unknown, key: string): NdDType {
  const s = typeof text === 'string' ? text : '';
  const m = /^([<|=]?)([a-z]\d)$/.exec(s);
  const dtype = m ? DTYPES[m[2]!] : undefined;
  if (!dtype) throw new ServerFault('bad-tensor', `${key}.dtype`, shown(text), `unsupported numpy dtype (little-endian ${Object.keys(DTYPES).join(', ')})`);
  return dtype;
}

function toNdArray(map: Record<string, unknown>, key: string): NdArray {
  const dtype = parseDtype(map['dtype'], key);
  const shape = map['shape'];
  if (!Array.isArray(shape) || shape.length > MAX_DIMS || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new ServerFault('bad-tensor', `${key}.shape`, shown(shape), `a list of at most ${MAX_DIMS} non-negative integers`);
  }
  const data = map['data'];
  if (!(data instanceof Uint8Array)) throw new ServerFault('bad-tensor', `${key}.data`, typeof data, 'expected bytes');
  const expected = (shape as number[]).reduce((a, b) => a * b, ITEM_BYTES[dtype]);
  if (data.length !== expected) throw new ServerFault('bad-tensor', `${key}.data`, `${data.length} bytes`, `dtype ${dtype} x shape [${shape.join(', ')}] is ${expected} bytes`);
  return new NdArray(dtype, shape as number[], data);
}

/** Arrays and scalars of numpy as NdArray and numbers; everything else as msgpack gives it. */
function revive(value: unknown, key: string, depth: number): unknown {
  if (depth > 16) throw new ServerFault('bad-frame', key, 'nested too deep', 'at most 16 levels of maps and lists');
  if (Array.isArray(value)) return value.map((v, i) => revive(v, `${key}[${i}]`, depth + 1));
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  const map = value as Record<string, unknown>;
  if (map['__ndarray__'] === true) return toNdArray(map, key);
  if (map['__npgeneric__'] === true) {
    parseDtype(map['dtype'], key);
    return map['data'];
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(map)) out[k] = revive(v, key ? `${key}.${k}` : k, depth + 1);
  return out;
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

export function makeDecoder(maxBytes: number): Decoder {
  return new Decoder({
    maxStrLength: maxBytes,
    maxBinLength: maxBytes,
    maxArrayLength: 1 << 16,
    maxMapLength: 1024,
    maxExtLength: 0,
    // Python's msgpack writes numpy's keys (b"__ndarray__", b"data", …) as bin: read them as text.
    mapKeyConverter: (key: unknown) => {
      if (typeof key === 'string' || typeof key === 'number') return key;
      if (key instanceof Uint8Array) return textDecoder.decode(key);
      throw new ServerFault('bad-frame', 'map key', typeof key, 'map keys must be strings, bytes or numbers');
    },
  });
}

/** Decodes one openpi request frame into a map of revived values. */
export function decodeOpenpi(decoder: Decoder, frame: Uint8Array): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = decoder.decode(frame);
  } catch (err) {
    if (err instanceof ServerFault) throw err;
    throw new ServerFault('bad-frame', 'frame', `${frame.length} bytes`, `not msgpack: ${(err as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || raw instanceof Uint8Array) {
    throw new ServerFault('bad-frame', 'frame', Array.isArray(raw) ? 'list' : typeof raw, 'an openpi request is a map of observation keys');
  }
  return revive(raw, '', 0) as Record<string, unknown>;
}

/** A value to pack as a numpy array. */
export interface PackedArray {
  readonly ndarray: Float32Array;
  readonly shape: readonly number[];
}

function isPackedArray(v: unknown): v is PackedArray {
  return typeof v === 'object' && v !== null && (v as PackedArray).ndarray instanceof Float32Array;
}

const utf8 = new TextEncoder();

function mapHeader(n: number): Uint8Array {
  if (n < 16) return Uint8Array.of(0x80 | n);
  return Uint8Array.of(0xde, n >> 8, n & 0xff);
}

/**
 * Packs a reply as openpi's server does: string keys for the reply's own maps; numpy arrays as
 * {__ndarray__, data, dtype, shape} maps with bin keys, which Python's msgpack_numpy recognises.
 */
export function packOpenpi(value: unknown): Uint8Array {
  if (isPackedArray(value)) {
    const a = value.ndarray;
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const key = (k: string) => encode(utf8.encode(k));
    return concatBytes([mapHeader(4), key('__ndarray__'), encode(true), key('data'), encode(bytes), key('dtype'), encode('<f4'), key('shape'), encode([...value.shape])]);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length > 0xffff) throw new RangeError('packOpenpi: map too large');
    return concatBytes([mapHeader(entries.length), ...entries.flatMap(([k, v]) => [encode(k), packOpenpi(v)])]);
  }
  return encode(value);
}
