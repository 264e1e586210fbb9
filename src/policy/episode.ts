// The per-episode state of a policy: its memory (HAMLET window or MemoryVLA banks), the step
// counter and the sampler's noise generator. Graphs are stateless; this is everything that
// makes step t depend on steps before it, so it can be reset, snapshotted and restored.
import type { Manifest } from '../bundle/manifest.js';
import type { momento } from '../core/wire.js';
import { HamletWindow } from '../memory/hamlet-window.js';
import { MemoryBank } from '../memory/memory-bank.js';
import { NoiseGenerator } from './noise.js';

export type MemoryState =
  | { readonly kind: 'none' }
  | { readonly kind: 'hamlet'; readonly window: HamletWindow }
  | { readonly kind: 'memoryvla'; readonly banks: ReadonlyMap<string, MemoryBank> };

export class EpisodeState {
  /** Policy calls made in this episode; the timestep of the next call. */
  step = 0;
  readonly memory: MemoryState;
  readonly noise: NoiseGenerator;
  /** true while a step of this episode runs: one model run at a time per episode. */
  busy = false;

  constructor(
    private readonly manifest: Manifest,
    readonly seed: number,
  ) {
    this.noise = NoiseGenerator.forEpisode(manifest.seed, seed);
    const mem = manifest.memory;
    switch (mem.kind) {
      case 'none':
        this.memory = { kind: 'none' };
        break;
      case 'hamlet':
        this.memory = { kind: 'hamlet', window: new HamletWindow({ length: mem.window, tokens: mem.tokens, dim: mem.dim }) };
        break;
      case 'memoryvla':
        this.memory = {
          kind: 'memoryvla',
          banks: new Map(mem.streams.map((s) => [s.name, new MemoryBank({ stream: s.name, capacity: mem.capacity, tokens: s.tokens, dim: s.dim })])),
        };
        break;
    }
  }

  /** Clears the memory (window, banks); the step counter and noise stream go on. */
  clearMemory(): void {
    if (this.memory.kind === 'hamlet') this.memory.window.reset();
    if (this.memory.kind === 'memoryvla') for (const bank of this.memory.banks.values()) bank.reset();
  }

  /** Entries currently held (window length, or the sum of bank sizes). */
  get entries(): number {
    switch (this.memory.kind) {
      case 'none':
        return 0;
      case 'hamlet':
        return this.memory.window.size;
      case 'memoryvla':
        return [...this.memory.banks.values()].reduce((n, b) => n + b.size, 0);
    }
  }

  snapshot(): momento.v1.IMemorySnapshot {
    const { state, spare } = this.noise.position;
    const base = { bundle: this.manifest.name, kind: this.memory.kind, step: this.step, noiseState: state, hasNoiseSpare: spare !== undefined, noiseSpare: spare ?? 0 };
    switch (this.memory.kind) {
      case 'none':
        return base;
      case 'hamlet':
        return { ...base, window: this.memory.window.snapshot() };
      case 'memoryvla':
        return { ...base, banks: [...this.memory.banks.values()].map((b) => b.snapshot()) };
    }
  }

  restore(snapshot: momento.v1.IMemorySnapshot): void {
    if (snapshot.kind !== this.memory.kind) throw new RangeError(`snapshot of memory kind '${snapshot.kind}' cannot restore a '${this.memory.kind}' policy`);
    if (snapshot.bundle && snapshot.bundle !== this.manifest.name) throw new RangeError(`snapshot of bundle '${snapshot.bundle}' cannot restore bundle '${this.manifest.name}'`);
    if (this.memory.kind === 'hamlet') {
      if (!snapshot.window) throw new RangeError(`snapshot of '${snapshot.bundle}': window missing`);
      this.memory.window.restore(snapshot.window);
    }
    if (this.memory.kind === 'memoryvla') {
      const banks = snapshot.banks ?? [];
      for (const [name, bank] of this.memory.banks) {
        const s = banks.find((b) => b.stream === name);
        if (!s) throw new RangeError(`snapshot of '${snapshot.bundle}': bank '${name}' missing`);
        bank.restore(s);
      }
    }
    this.step = Number(snapshot.step ?? 0);
    this.noise.position = { state: snapshot.noiseState ?? 0, spare: snapshot.hasNoiseSpare ? (snapshot.noiseSpare ?? 0) : undefined };
  }
}
