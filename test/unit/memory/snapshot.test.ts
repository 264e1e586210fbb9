// Snapshots: tensor wire form, MemorySnapshot bytes, and restore validation of window and bank.
import { describe, expect, it } from 'vitest';
import { pb } from '../../../src/core/wire.js';
import { HamletWindow } from '../../../src/memory/hamlet-window.js';
import { MemoryBank } from '../../../src/memory/memory-bank.js';
import {
  decodeMemorySnapshot,
  encodeMemorySnapshot,
  tensorFromProto,
  tensorToProto,
} from '../../../src/memory/snapshot.js';

describe('tensorToProto / tensorFromProto', () => {
  it('stores FLOAT32 little-endian bytes and reads them back', () => {
    const t = tensorToProto('x', [1, 2], new Float32Array([1, -2]));
    expect(t.dtype).toBe(pb.DType.FLOAT32);
    expect(t.shape).toEqual([1, 2]);
    // 1.0f = 0x3f800000, -2.0f = 0xc0000000, little-endian.
    expect([...(t.data ?? [])]).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
    expect(tensorFromProto(t)).toEqual({ name: 'x', shape: [1, 2], data: new Float32Array([1, -2]) });
  });

  it('keeps NaN payloads and negative zero bit for bit', () => {
    const bits = new Uint32Array([0x7fc00001, 0xffa00000, 0x80000000, 0x00000001]);
    const t = tensorToProto('nan', [4], new Float32Array(bits.buffer));
    const back = tensorFromProto(pb.Tensor.decode(pb.Tensor.encode(t).finish()));
    expect([...new Uint32Array(back.data.buffer)]).toEqual([...bits]);
  });

  it('reads bytes at an unaligned offset', () => {
    const raw = new Uint8Array(9);
    raw.set([0, 0, 0x80, 0x3f, 0, 0, 0, 0x40], 1);
    const back = tensorFromProto({ name: 'u', dtype: pb.DType.FLOAT32, shape: [2], data: raw.subarray(1) });
    expect([...back.data]).toEqual([1, 2]);
  });

  it('rejects mismatches naming the tensor', () => {
    expect(() => tensorToProto('a', [2, 2], new Float32Array(3))).toThrow(/'a'.*4 elements.*3/);
    const t = tensorToProto('b', [2], new Float32Array(2));
    expect(() => tensorFromProto({ ...t, dtype: pb.DType.UINT8 })).toThrow(/'b'.*dtype.*2/);
    expect(() => tensorFromProto({ ...t, data: new Uint8Array(7) })).toThrow(/'b'.*8 bytes.*7/);
    expect(() => tensorFromProto(t, [1, 2])).toThrow(/'b'.*\[1, 2\].*\[2\]/);
    expect(() => tensorFromProto(t, [3], 'entries[0].tokens')).toThrow(/entries\[0\]\.tokens/);
  });
});

describe('MemorySnapshot bytes', () => {
  it('round-trips a window and banks', () => {
    const window = new HamletWindow({ length: 2, tokens: 2, dim: 3 });
    window.push(new Float32Array([1, 2, 3, 4, 5, 6]));
    window.push(new Float32Array([7, 8, 9, 10, 11, 12]));
    const bank = new MemoryBank({ stream: 'perceptual', capacity: 2, tokens: 1, dim: 2 });
    bank.write(0, new Float32Array([1, 0]));
    bank.write(1, new Float32Array([0, 1]));
    bank.write(2, new Float32Array([0, 2]));
    const bytes = encodeMemorySnapshot({
      bundle: 'toy',
      kind: 'hamlet',
      step: 3,
      window: window.snapshot(),
      banks: [bank.snapshot()],
    });
    const decoded = decodeMemorySnapshot(bytes);
    expect(decoded.bundle).toBe('toy');
    expect(decoded.step).toBe(3);

    const window2 = new HamletWindow({ length: 2, tokens: 2, dim: 3 });
    window2.restore(decoded.window ?? {});
    const bank2 = new MemoryBank({ stream: 'perceptual', capacity: 2, tokens: 1, dim: 2 });
    bank2.restore(decoded.banks[0] ?? {});
    const again = encodeMemorySnapshot({
      bundle: 'toy',
      kind: 'hamlet',
      step: 3,
      window: window2.snapshot(),
      banks: [bank2.snapshot()],
    });
    expect(again).toEqual(bytes);
    expect(bank2.entries.map((e) => e.timestep)).toEqual([0, 1.5]);

    // The restored window continues FIFO from the restored state.
    window2.push(new Float32Array([0, 0, 0, 0, 0, 1]));
    const out = new Float32Array(12);
    window2.fill(out);
    expect([...out]).toEqual([7, 8, 9, 10, 11, 12, 0, 0, 0, 0, 0, 1]);
  });

  it('rejects malformed bytes', () => {
    expect(() => decodeMemorySnapshot(new Uint8Array([0x0a, 0x05, 0x61]))).toThrow(/MemorySnapshot \(3 bytes\)/);
  });
});

describe('restore validation', () => {
  it('window: length, moment count and shape', () => {
    const w = new HamletWindow({ length: 2, tokens: 1, dim: 2 });
    const m = tensorToProto('m', [1, 2], new Float32Array(2));
    expect(() => w.restore({ length: 3, moments: [] })).toThrow(/'length' must be 2, got 3/);
    expect(() => w.restore({ length: 2, moments: [m] })).toThrow(/'moments'.*got 1/);
    const bad = tensorToProto('m', [2, 1], new Float32Array(2));
    expect(() => w.restore({ length: 2, moments: [m, bad] })).toThrow(/moments\[1\]/);
    w.restore({ length: 2, moments: [] });
    expect(w.size).toBe(0);
  });

  it('window: a failed restore leaves the state unchanged', () => {
    const w = new HamletWindow({ length: 2, tokens: 1, dim: 1 });
    w.push(new Float32Array([5]));
    const good = tensorToProto('m', [1, 1], new Float32Array([1]));
    const bad = tensorToProto('m', [1, 2], new Float32Array(2));
    expect(() => w.restore({ length: 2, moments: [good, bad] })).toThrow(RangeError);
    const out = new Float32Array(2);
    w.fill(out);
    expect([...out]).toEqual([5, 5]);
  });

  it('bank: stream, capacity, size, timesteps and shapes', () => {
    const bank = new MemoryBank({ stream: 'cognitive', capacity: 2, tokens: 1, dim: 2 });
    const tok = tensorToProto('t', [1, 2], new Float32Array(2));
    const entry = (timestep: number) => ({ timestep, tokens: tok });
    expect(() => bank.restore({ stream: 'perceptual', capacity: 2 })).toThrow(/'stream'.*'perceptual'/);
    expect(() => bank.restore({ stream: 'cognitive', capacity: 3 })).toThrow(/'capacity' must be 2, got 3/);
    expect(() =>
      bank.restore({ stream: 'cognitive', capacity: 2, entries: [entry(0), entry(1), entry(2)] }),
    ).toThrow(/at most 2, got 3/);
    expect(() => bank.restore({ stream: 'cognitive', capacity: 2, entries: [entry(2), entry(1)] })).toThrow(
      /'entries\[1\]\.timestep'.*>= 2, got 1/,
    );
    expect(() => bank.restore({ stream: 'cognitive', capacity: 2, entries: [entry(NaN)] })).toThrow(/NaN/);
    expect(() => bank.restore({ stream: 'cognitive', capacity: 2, entries: [{ timestep: 0 }] })).toThrow(
      /'entries\[0\]\.tokens' is missing/,
    );
    const wrong = tensorToProto('t', [2, 1], new Float32Array(2));
    expect(() =>
      bank.restore({ stream: 'cognitive', capacity: 2, entries: [{ timestep: 0, tokens: wrong }] }),
    ).toThrow(/entries\[0\]\.tokens.*\[1, 2\]/);
    expect(bank.size).toBe(0);
  });

  it('bank: consolidation after restore uses the restored entries', () => {
    const bank = new MemoryBank({ stream: 's', capacity: 2, tokens: 1, dim: 2 });
    bank.restore({
      stream: 's',
      capacity: 2,
      entries: [
        { timestep: 0, tokens: tensorToProto('t', [1, 2], new Float32Array([1, 0])) },
        { timestep: 1, tokens: tensorToProto('t', [1, 2], new Float32Array([0, 1])) },
      ],
    });
    expect(bank.write(3, new Float32Array([0, 3])).mergedAt).toEqual([1]);
    expect(bank.entries[1]?.timestep).toBe(2);
  });
});
