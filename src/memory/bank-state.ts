// MemoryVLA memory state of one episode: one MemoryBank per stream. The memory graph reads the
// banks as they are (read before write); the commit writes the fused (or raw) tokens of the step,
// stamped with the step counter, and consolidates (or, with FIFO eviction, drops the oldest).
// The graph's bank axis may hold more slots than the capacity (a capacity override below what
// the graph was exported with): the extra slots are fed empty, mask 0, and never used.
import type { StreamStats } from '../core/types.js';
import type { momento } from '../core/wire.js';
import { MemoryBank, type Eviction } from './memory-bank.js';
import { tensorRow, type MemorySnapshotPart, type MemoryState, type MemoryStepContext, type StateTensor, type TensorReader } from './memory-state.js';

export interface BankStateSpec {
  readonly kind: 'memoryvla';
  /** Entries kept per bank (L, or a runtime override of it). */
  readonly capacity: number;
  readonly write: 'fused' | 'raw';
  readonly streams: readonly { readonly name: string; readonly tokens: number; readonly dim: number }[];
  /** Default 'merge' (consolidation). */
  readonly eviction?: Eviction;
  /** Bank positions fed to the memory graph, >= capacity. Default: the capacity. */
  readonly slots?: number;
}

export class BankState implements MemoryState {
  readonly kind = 'memoryvla';
  /** One bank per stream, in the manifest's order. */
  readonly banks: ReadonlyMap<string, MemoryBank>;

  /** Bank positions of the memory graph's state inputs. */
  readonly slots: number;

  constructor(readonly spec: BankStateSpec) {
    this.slots = spec.slots ?? spec.capacity;
    if (!Number.isInteger(this.slots) || this.slots < spec.capacity) throw new RangeError(`BankState: 'slots' must be an integer >= capacity ${spec.capacity}, got ${this.slots}`);
    this.banks = new Map(spec.streams.map((s) => [s.name, this.#bank(s)]));
  }

  #bank(s: BankStateSpec['streams'][number]): MemoryBank {
    return new MemoryBank({ stream: s.name, capacity: this.spec.capacity, tokens: s.tokens, dim: s.dim, eviction: this.spec.eviction ?? 'merge' });
  }

  get entries(): number {
    let n = 0;
    for (const bank of this.banks.values()) n += bank.size;
    return n;
  }

  allocateInputs(batch: number): Map<string, StateTensor> {
    const L = this.slots;
    const inputs = new Map<string, StateTensor>();
    for (const s of this.spec.streams) {
      inputs.set(`${s.name}_bank`, { data: new Float32Array(batch * L * s.tokens * s.dim), dims: [batch, L, s.tokens, s.dim] });
      inputs.set(`${s.name}_times`, { data: new Float32Array(batch * L), dims: [batch, L] });
      inputs.set(`${s.name}_mask`, { data: new Float32Array(batch * L), dims: [batch, L] });
    }
    return inputs;
  }

  fillInputs(inputs: ReadonlyMap<string, StateTensor>, _read: TensorReader, at: MemoryStepContext): void {
    for (const [name, bank] of this.banks) {
      const get = (suffix: string): Float32Array => {
        const t = inputs.get(`${name}${suffix}`);
        if (!t) throw new RangeError(`memory: state input '${name}${suffix}' was not allocated`);
        return t.data;
      };
      const [tokens, times, mask] = [get('_bank'), get('_times'), get('_mask')];
      if (at.cleared) {
        // Read as an empty bank: zero tokens, time 0, mask 0 in every slot.
        const L = this.slots;
        tokens.fill(0, at.row * L * bank.stride, (at.row + 1) * L * bank.stride);
        times.fill(0, at.row * L, (at.row + 1) * L);
        mask.fill(0, at.row * L, (at.row + 1) * L);
      } else {
        bank.fill(tokens, times, mask, at.row, this.slots);
      }
    }
  }

  prepareCommit(read: TensorReader, at: MemoryStepContext): () => StreamStats[] {
    const L = this.slots;
    const writes = this.spec.streams.map((s) => {
      const bank = this.banks.get(s.name)!;
      const tokens = tensorRow(read, this.spec.write === 'fused' ? `${s.name}_fused` : s.name, at.row, bank.stride);
      if (at.cleared) this.#bank(s).checkWrite(at.step, tokens);
      else bank.checkWrite(at.step, tokens);
      const attention = read(`${s.name}_attention`) ? tensorRow(read, `${s.name}_attention`, at.row, L).slice() : undefined;
      return { bank, tokens, attention };
    });
    return () =>
      writes.map(({ bank, tokens, attention }): StreamStats => {
        if (at.cleared) bank.reset();
        const { merges, mergedAt } = bank.write(at.step, tokens);
        return { name: bank.stream, entries: bank.size, merges, mergedAt, ...(attention ? { attention } : {}) };
      });
  }

  clear(): void {
    for (const bank of this.banks.values()) bank.reset();
  }

  snapshot(): MemorySnapshotPart {
    return { banks: [...this.banks.values()].map((b) => b.snapshot()) };
  }

  prepareRestore(snapshot: momento.v1.IMemorySnapshot, step: number): () => void {
    const given = snapshot.banks ?? [];
    for (const s of given) {
      if (!this.banks.has(s.stream ?? '')) throw new RangeError(`snapshot of '${snapshot.bundle ?? ''}': bank '${s.stream ?? ''}' is not a stream of this policy (${[...this.banks.keys()].join(', ')})`);
    }
    const swaps = [...this.banks].map(([name, bank]) => {
      const matching = given.filter((b) => b.stream === name);
      if (matching.length === 0) throw new RangeError(`snapshot of '${snapshot.bundle ?? ''}': bank '${name}' missing`);
      if (matching.length > 1) throw new RangeError(`snapshot of '${snapshot.bundle ?? ''}': bank '${name}' appears ${matching.length} times`);
      return bank.prepareRestore(matching[0]!, step);
    });
    return () => {
      for (const swap of swaps) swap();
    };
  }
}
