// HAMLET memory state of one episode: the moment-token window. The memory graph reads the window
// as it will be after this step's push (the current moments last); the push is the commit.
import type { StreamStats } from '../core/types.js';
import type { momento } from '../core/wire.js';
import { HamletWindow } from './hamlet-window.js';
import { tensorRow, type MemorySnapshotPart, type MemoryState, type MemoryStepContext, type StateTensor, type TensorReader } from './memory-state.js';

export interface HamletStateSpec {
  readonly kind: 'hamlet';
  readonly tokens: number;
  readonly dim: number;
  readonly window: number;
}

export class HamletState implements MemoryState {
  readonly kind = 'hamlet';
  readonly window: HamletWindow;

  constructor(readonly spec: HamletStateSpec) {
    this.window = new HamletWindow({ length: spec.window, tokens: spec.tokens, dim: spec.dim });
  }

  get entries(): number {
    return this.window.size;
  }

  allocateInputs(batch: number): Map<string, StateTensor> {
    const { window: T, tokens, dim } = this.spec;
    return new Map([['window', { data: new Float32Array(batch * T * tokens * dim), dims: [batch, T, tokens, dim] }]]);
  }

  fillInputs(inputs: ReadonlyMap<string, StateTensor>, read: TensorReader, at: MemoryStepContext): void {
    const per = this.window.stride;
    const moments = tensorRow(read, 'moments', at.row, per);
    const window = inputs.get('window');
    if (!window) throw new RangeError(`memory: state input 'window' was not allocated`);
    this.window.fillAfterPush(moments, window.data, at.row * this.spec.window * per, at.cleared);
  }

  prepareCommit(read: TensorReader, at: MemoryStepContext): () => StreamStats[] {
    const moments = tensorRow(read, 'moments', at.row, this.window.stride);
    return () => {
      if (at.cleared) this.window.reset();
      this.window.push(moments);
      return [{ name: 'window', entries: this.window.size, merges: 0, mergedAt: [] }];
    };
  }

  clear(): void {
    this.window.reset();
  }

  snapshot(): MemorySnapshotPart {
    return { window: this.window.snapshot() };
  }

  prepareRestore(snapshot: momento.v1.IMemorySnapshot): () => void {
    if (!snapshot.window) throw new RangeError(`snapshot of '${snapshot.bundle ?? ''}': window missing`);
    return this.window.prepareRestore(snapshot.window);
  }
}
