// The MemoryState implementations: phase one (fillInputs) reads without changing the state and
// gives the graph exactly what the state holds after the commit (the HAMLET window) or before it
// (the banks, read before write); phase two (prepareCommit) validates first and commits later.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BankState } from '../../../src/memory/bank-state.js';
import { createMemoryState } from '../../../src/memory/create-memory-state.js';
import { HamletState } from '../../../src/memory/hamlet-state.js';
import { HamletWindow } from '../../../src/memory/hamlet-window.js';
import type { MemoryStepContext, TensorReader } from '../../../src/memory/memory-state.js';
import { encodeMemorySnapshot } from '../../../src/memory/snapshot.js';

const bytes = (part: object): string => Buffer.from(encodeMemorySnapshot(part)).toString('hex');
const reader = (tensors: Record<string, Float32Array>, batch: number): TensorReader => (name) => (tensors[name] ? { data: tensors[name], dims: [batch, tensors[name].length / batch] } : undefined);

describe('HamletWindow.fillAfterPush', () => {
  it('writes the window push(next) would leave, and changes nothing (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.float({ noNaN: true }), { minLength: 1, maxLength: 12 }), fc.boolean(), (length, values, fromEmpty) => {
        const w = new HamletWindow({ length, tokens: 1, dim: 1 });
        for (const v of values.slice(0, -1)) w.push(Float32Array.of(v));
        const before = JSON.stringify(w.snapshot());
        const next = Float32Array.of(values.at(-1)!);
        const scratch = new Float32Array(length + 2).fill(-7);
        w.fillAfterPush(next, scratch, 1, fromEmpty);
        expect(JSON.stringify(w.snapshot())).toBe(before);
        if (fromEmpty) w.reset();
        w.push(next);
        const after = new Float32Array(length + 2).fill(-7);
        w.fill(after, 1);
        expect([...scratch]).toEqual([...after]);
      }),
    );
  });
});

describe('HamletState', () => {
  it('fills row b of the batch window and commits the push only when asked', () => {
    const state = new HamletState({ kind: 'hamlet', tokens: 1, dim: 2, window: 2 });
    const inputs = state.allocateInputs(2);
    expect(inputs.get('window')!.dims).toEqual([2, 2, 1, 2]);
    const read = reader({ moments: Float32Array.of(9, 9, 1, 2) }, 2);
    const at: MemoryStepContext = { row: 1, step: 0, cleared: false };
    state.fillInputs(inputs, read, at);
    expect([...inputs.get('window')!.data]).toEqual([0, 0, 0, 0, 1, 2, 1, 2]);
    const commit = state.prepareCommit(read, at);
    expect(state.entries).toBe(0);
    expect(commit()).toEqual([{ name: 'window', entries: 2, merges: 0, mergedAt: [] }]);
    expect(state.entries).toBe(2);
  });

  it('refuses a moments tensor of the wrong size before any change', () => {
    const state = new HamletState({ kind: 'hamlet', tokens: 2, dim: 2, window: 2 });
    expect(() => state.prepareCommit(reader({ moments: Float32Array.of(1, 2) }, 1), { row: 0, step: 0, cleared: false })).toThrow(/tensor 'moments' has 2 values, row 0 of 4 values needs 4/);
    expect(() => state.prepareCommit(() => undefined, { row: 0, step: 0, cleared: false })).toThrow(/tensor 'moments' is missing/);
  });
});

describe('BankState', () => {
  const spec = { kind: 'memoryvla', capacity: 2, write: 'fused', streams: [{ name: 'p', tokens: 1, dim: 2 }] } as const;

  it('the graph reads the bank before this step writes; empty slots are zero with time 0 and mask 0', () => {
    const state = new BankState(spec);
    state.banks.get('p')!.write(0, Float32Array.of(1, 0));
    const inputs = state.allocateInputs(1);
    const read = reader({ p_fused: Float32Array.of(0, 1), p_attention: Float32Array.of(0.25, 0.75) }, 1);
    state.fillInputs(inputs, read, { row: 0, step: 1, cleared: false });
    expect([...inputs.get('p_bank')!.data]).toEqual([1, 0, 0, 0]);
    expect([...inputs.get('p_times')!.data]).toEqual([0, 0]);
    expect([...inputs.get('p_mask')!.data]).toEqual([1, 0]);
    const commit = state.prepareCommit(read, { row: 0, step: 1, cleared: false });
    expect(state.banks.get('p')!.size).toBe(1);
    const [stats] = commit();
    expect(stats).toMatchObject({ name: 'p', entries: 2, merges: 0 });
    expect([...stats!.attention!]).toEqual([0.25, 0.75]);
    expect(state.banks.get('p')!.entries.map((e) => e.timestep)).toEqual([0, 1]);
  });

  it('cleared: reads an empty bank and replaces the contents on commit', () => {
    const state = new BankState(spec);
    state.banks.get('p')!.write(5, Float32Array.of(1, 0));
    const inputs = state.allocateInputs(1);
    const read = reader({ p_fused: Float32Array.of(0, 1) }, 1);
    state.fillInputs(inputs, read, { row: 0, step: 2, cleared: true });
    expect([...inputs.get('p_mask')!.data]).toEqual([0, 0]);
    // A timestep earlier than the held entry is fine when the bank is cleared first.
    state.prepareCommit(read, { row: 0, step: 2, cleared: true })();
    expect(state.banks.get('p')!.entries.map((e) => e.timestep)).toEqual([2]);
  });

  it('refuses a write that would break the bank before any change', () => {
    const state = new BankState(spec);
    state.banks.get('p')!.write(5, Float32Array.of(1, 0));
    const before = bytes(state.snapshot());
    expect(() => state.prepareCommit(reader({ p_fused: Float32Array.of(0, 1) }, 1), { row: 0, step: 2, cleared: false })).toThrow(/timestep must be >= 5/);
    expect(() => state.prepareCommit(reader({ p_fused: Float32Array.of(0) }, 1), { row: 0, step: 6, cleared: false })).toThrow(/'p_fused' has 1 values/);
    expect(bytes(state.snapshot())).toBe(before);
  });
});

describe('createMemoryState', () => {
  it('gives each kind its state', () => {
    expect(createMemoryState({ kind: 'none' }).kind).toBe('none');
    expect(createMemoryState({ kind: 'hamlet', tokens: 1, dim: 1, window: 1 })).toBeInstanceOf(HamletState);
    expect(createMemoryState({ kind: 'memoryvla', capacity: 1, write: 'raw', streams: [{ name: 'p', tokens: 1, dim: 1 }] })).toBeInstanceOf(BankState);
  });
});
