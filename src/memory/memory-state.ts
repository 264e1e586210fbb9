// The per-episode memory behind one interface, so that a policy step needs no switch on the
// memory kind: fill the memory graph's state inputs for one batch row (reading, never writing),
// then, once every graph of the step has run, commit the step's outputs. Also clear, snapshot and
// restore. Implemented by the HAMLET window (hamlet-state.ts) and the MemoryVLA banks
// (bank-state.ts); create-memory-state.ts picks one for a manifest.
import type { StreamStats } from '../core/types.js';
import type { momento } from '../core/wire.js';

export type MemoryKind = 'none' | 'hamlet' | 'memoryvla';

/** A batched float32 tensor the memory provides to the memory graph, [batch, ...] row-major. */
export interface StateTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Looks up a tensor of the step by name (encoder outputs, memory-graph outputs). */
export type TensorReader = (name: string) => { readonly data: unknown; readonly dims: readonly number[] } | undefined;

/** Where in a batched step one episode sits. */
export interface MemoryStepContext {
  /** The episode's batch row. */
  readonly row: number;
  /** The episode's step counter (the timestep of this call). */
  readonly step: number;
  /** Run as if the memory were cleared first (the memoryless ablation): read empty, clear, then write. */
  readonly cleared: boolean;
}

/** The kind-specific part of a `momento.v1.MemorySnapshot`. */
export type MemorySnapshotPart = Pick<momento.v1.IMemorySnapshot, 'window' | 'banks'>;

export interface MemoryState {
  readonly kind: MemoryKind;
  /** Entries held now (window length, or the sum of bank sizes). */
  readonly entries: number;
  /** Fresh state inputs of the memory graph for a batch (e.g. `window`, `s_bank`, `s_times`, `s_mask`). */
  allocateInputs(batch: number): Map<string, StateTensor>;
  /**
   * Phase one: writes this episode's row of the state inputs as this step reads them — the HAMLET
   * window as it will be after this step's push, the banks as they are (read before write).
   * Changes nothing.
   */
  fillInputs(inputs: ReadonlyMap<string, StateTensor>, read: TensorReader, at: MemoryStepContext): void;
  /**
   * Phase two, check: validates this step's outputs for the row and returns the state change that
   * commits them (window push, or bank writes and consolidation). The returned function does not
   * fail; the caller applies it with every other part of the step in one synchronous block.
   */
  prepareCommit(read: TensorReader, at: MemoryStepContext): () => StreamStats[];
  /** Forgets everything (a new episode, or the memoryless ablation). */
  clear(): void;
  snapshot(): MemorySnapshotPart;
  /**
   * Validates the kind-specific part of a snapshot (that resumes at `step`) into fresh state and
   * returns the function that swaps it in; nothing changes until that is called.
   */
  prepareRestore(snapshot: momento.v1.IMemorySnapshot, step: number): () => void;
}

/** The state of a memoryless policy: nothing to fill, commit or restore. */
export class NoMemoryState implements MemoryState {
  readonly kind = 'none';
  readonly entries = 0;
  allocateInputs(): Map<string, StateTensor> {
    return new Map();
  }
  fillInputs(): void {}
  prepareCommit(): () => StreamStats[] {
    return () => [];
  }
  clear(): void {}
  snapshot(): MemorySnapshotPart {
    return {};
  }
  prepareRestore(): () => void {
    return () => {};
  }
}

/**
 * Row `row` of a float32 tensor of the step whose rows hold `perRow` values; throws naming the
 * tensor when it is missing, not float32 or too short.
 */
export function tensorRow(read: TensorReader, name: string, row: number, perRow: number): Float32Array {
  const t = read(name);
  if (t === undefined) throw new RangeError(`memory: tensor '${name}' is missing from the step`);
  if (!(t.data instanceof Float32Array)) throw new TypeError(`memory: tensor '${name}' must be float32`);
  if (t.data.length < (row + 1) * perRow) {
    throw new RangeError(`memory: tensor '${name}' has ${t.data.length} values, row ${row} of ${perRow} values needs ${(row + 1) * perRow}`);
  }
  return t.data.subarray(row * perRow, (row + 1) * perRow);
}
