// The per-episode state of a policy: its memory (HAMLET window or MemoryVLA banks), the step
// counter and the sampler's noise generator. Graphs are stateless; this is everything that
// makes step t depend on steps before it, so it can be reset, snapshotted and restored. It
// changes only as a whole: a step commits memory, noise position and counter together
// (`commitStep`), and `restore` validates a whole snapshot before swapping any of it in. With
// head.noise 'episode' the initial noise is drawn once, at the start; only a restore replaces it.
import { headNoiseMode, type HeadNoise, type Manifest } from '../bundle/manifest.js';
import type { StreamStats } from '../core/types.js';
import type { momento } from '../core/wire.js';
import { createMemoryState, type AnyMemoryState, type MemoryStateSpec } from '../memory/create-memory-state.js';
import { tensorFromProto, tensorToProto } from '../memory/snapshot.js';
import { NoiseGenerator } from './noise.js';

/** A position of the noise generator (see NoiseGenerator.position). */
export type NoisePosition = NoiseGenerator['position'];

export class EpisodeState {
  #step = 0;
  readonly memory: AnyMemoryState;
  readonly noise: NoiseGenerator;
  /**
   * With head noise 'episode': the sampler's initial noise (chunk x actions, row-major), the
   * first draw of the episode's generator, reused by every call; undefined with 'call'.
   */
  #episodeNoise: Float32Array | undefined;
  /** When the sampler draws its initial noise: every call, or once per episode (the manifest's `head.noise`). */
  readonly headNoise: HeadNoise;
  /** true while a step of this episode runs: one model run at a time per episode. */
  busy = false;

  /** `memory`: the spec the policy runs its memory with (a runtime override of the manifest's); default the manifest's. */
  constructor(
    readonly manifest: Manifest,
    readonly seed: number,
    memory: MemoryStateSpec = manifest.memory,
  ) {
    this.noise = NoiseGenerator.forEpisode(manifest.seed, seed);
    this.memory = createMemoryState(memory);
    this.headNoise = headNoiseMode(manifest.head);
    if (this.headNoise === 'episode') {
      // Drawn here, from the generator's start: the same numbers 'call' gives the first call.
      this.#episodeNoise = new Float32Array(this.noiseLength);
      this.noise.fillNormal(this.#episodeNoise);
    }
  }

  /** Values of one call's initial noise: chunk x actions. */
  private get noiseLength(): number {
    return this.manifest.action.chunk * this.manifest.action.names.length;
  }

  /** Policy calls made in this episode; the timestep of the next call. Starts at 0. */
  get step(): number {
    return this.#step;
  }

  /** A copy of the noise generator at its current position: a step samples from it and commits its position. */
  forkNoise(): NoiseGenerator {
    const fork = new NoiseGenerator(0);
    fork.position = this.noise.position;
    return fork;
  }

  /**
   * Writes one call's initial noise for the sampler at `target[offset ..]`: the episode's own draw
   * (head noise 'episode'; `fork` is left where it is), or fresh normals from `fork` ('call').
   */
  initialNoise(fork: NoiseGenerator, target: Float32Array, offset: number): void {
    if (this.#episodeNoise) target.set(this.#episodeNoise, offset);
    else fork.fillNormal(target, offset, this.noiseLength);
  }

  /**
   * Commits one step in one synchronous block: the memory change prepared by
   * `memory.prepareCommit`, the noise position the step's sampling reached, and `step + 1`.
   */
  commitStep(memory: () => StreamStats[], noise: NoisePosition): StreamStats[] {
    const streams = memory();
    this.noise.position = noise;
    this.#step += 1;
    return streams;
  }

  /** Clears the memory (window, banks); the step counter and noise stream go on. */
  clearMemory(): void {
    this.memory.clear();
  }

  /** Entries currently held (window length, or the sum of bank sizes). */
  get entries(): number {
    return this.memory.entries;
  }

  snapshot(): momento.v1.IMemorySnapshot {
    const { state, spare } = this.noise.position;
    return {
      bundle: this.manifest.name,
      kind: this.memory.kind,
      step: this.#step,
      noiseState: state,
      hasNoiseSpare: spare !== undefined,
      noiseSpare: spare ?? 0,
      ...(this.#episodeNoise ? { episodeNoise: tensorToProto('episode_noise', [this.manifest.action.chunk, this.manifest.action.names.length], this.#episodeNoise) } : {}),
      ...this.memory.snapshot(),
    };
  }

  /** Replaces the whole state with a snapshot's; validates all of it first, so a bad snapshot changes nothing. */
  restore(snapshot: momento.v1.IMemorySnapshot): void {
    const bundle = this.manifest.name;
    if (this.busy) throw new Error(`episode of '${bundle}': cannot restore while a step runs`);
    if (snapshot.kind !== this.memory.kind) throw new RangeError(`snapshot of memory kind '${snapshot.kind}' cannot restore a '${this.memory.kind}' policy`);
    if (snapshot.bundle && snapshot.bundle !== bundle) throw new RangeError(`snapshot of bundle '${snapshot.bundle}' cannot restore bundle '${bundle}'`);
    const step = Number(snapshot.step ?? 0);
    if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`snapshot of '${bundle}': 'step' must be a non-negative integer, got ${String(snapshot.step)}`);
    const state = snapshot.noiseState ?? 0;
    if (!Number.isInteger(state) || state < 0 || state > 0xffffffff) throw new RangeError(`snapshot of '${bundle}': 'noiseState' must be a uint32, got ${state}`);
    const spare = snapshot.hasNoiseSpare ? (snapshot.noiseSpare ?? 0) : undefined;
    if (spare !== undefined && !Number.isFinite(spare)) throw new RangeError(`snapshot of '${bundle}': 'noiseSpare' must be finite, got ${spare}`);
    const episodeNoise = this.restoredEpisodeNoise(snapshot.episodeNoise);
    const swapMemory = this.memory.prepareRestore(snapshot, step);
    // Everything validated: swap in one block.
    swapMemory();
    this.#step = step;
    this.noise.position = { state, spare };
    this.#episodeNoise = episodeNoise;
  }

  /** A snapshot's episode noise, checked against this episode's head noise mode and chunk shape. */
  private restoredEpisodeNoise(tensor: momento.v1.ITensor | null | undefined): Float32Array | undefined {
    const bundle = this.manifest.name;
    if (this.#episodeNoise === undefined) {
      if (tensor) throw new RangeError(`snapshot of '${bundle}': carries 'episodeNoise', but this policy draws its noise every call (head.noise '${this.headNoise}')`);
      return undefined;
    }
    if (!tensor) throw new RangeError(`snapshot of '${bundle}': 'episodeNoise' is missing; head.noise 'episode' needs the episode's initial noise`);
    const { chunk, names } = this.manifest.action;
    const { data } = tensorFromProto(tensor, [chunk, names.length], 'episodeNoise');
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new RangeError(`snapshot of '${bundle}': 'episodeNoise[${bad}]' must be finite, got ${data[bad]}`);
    return data;
  }
}
