// Policy: one step = preprocess → encoder → memory (read + fuse) → head (sampler loop for
// iterative heads) → action chunk, with per-stage timings and memory statistics. Steps of several
// episodes can run as one batch (one model call per stage). A step is two-phase: every graph runs
// on scratch inputs first (the window as it will be, the banks as they are, a copy of the noise
// generator); only then is the episodes' state changed, in one synchronous block, so a step that
// fails anywhere changes nothing.
import { performance } from 'node:perf_hooks';
import { outputProblems } from '../bundle/graph-contract.js';
import type { GraphRole, Manifest } from '../bundle/manifest.js';
import { loadGraphs, readManifest, type BundleGraphs, type LoadOptions } from '../bundle/load.js';
import { BundleError } from '../core/errors.js';
import type { MemoryStats, Observation, StageTimings, StepResult } from '../core/types.js';
import { createMemoryState, type MemoryStateSpec } from '../memory/create-memory-state.js';
import type { MemoryState, MemoryStepContext, TensorReader } from '../memory/memory-state.js';
import type { Feed, Provider } from '../onnx/graph.js';
import { EpisodeState } from './episode.js';
import type { NoiseGenerator } from './noise.js';
import type { StepOptions } from './backend.js';
import { chooseDevice } from './choose-device.js';
import { allocateInputs, writeObservation } from './preprocess.js';
import { sampleChunks } from './sampler.js';
import { effectiveMemorySpec, type MemoryOverride } from './memory-override.js';

export interface PolicyOptions extends LoadOptions {
  /** Clear the memory before every step: the memoryless ablation of the same bundle. Default false. */
  readonly noMemory?: boolean;
  /**
   * Run the bundle's memory with another bank capacity or eviction rule (memoryvla bundles; the
   * memory ablations). Validated at load against the manifest and the memory graph's bank axis.
   */
  readonly memoryOverride?: MemoryOverride;
  /**
   * Run one throwaway step at load, so the first real step does not pay for lazy initialisation
   * (GPU shader compilation above all) and every graph's output shapes are checked. Default true.
   */
  readonly warmUp?: boolean;
  /** With device 'auto': the batch size (episodes per step) at which GPU and CPU are timed against each other. Default 1. */
  readonly autoBatch?: number;
}

/** Grey frames, proprio at its mean, the first task (if any): a valid input for any bundle. */
function neutralObservation(m: Manifest): Observation {
  return {
    cameras: m.observation.cameras.map((c) => ({ name: c.name, height: c.height, width: c.width, channels: c.channels, data: new Uint8Array(c.height * c.width * c.channels).fill(128) })),
    proprio: Float32Array.from(m.observation.proprio.mean),
    instruction: { taskId: m.observation.instruction?.tasks[0] ?? '', text: '' },
    stampNs: 0,
    index: 0,
  };
}

// Memory specs that build the same state compare equal (defaults spelled out).
function memoryKey(spec: MemoryStateSpec): string {
  if (spec.kind !== 'memoryvla') return JSON.stringify(spec);
  const { capacity, write, streams } = spec;
  return JSON.stringify({ kind: spec.kind, capacity, write, streams, eviction: spec.eviction ?? 'merge', slots: spec.slots ?? capacity });
}

export interface BatchItem {
  readonly episode: EpisodeState;
  readonly observation: Observation;
  /**
   * Real-time chunking (flow heads): actions already committed for the first d ticks of this
   * chunk (action space, d x A row-major, d < chunk); the sampler inpaints them, so the chunk
   * starts with them. Ignored by direct and DDIM heads.
   */
  readonly prefix?: Float32Array;
}

/** One item of a batch as the head's sampler sees it: its row and the scratch noise it draws from. */
interface SamplerRow {
  readonly item: BatchItem;
  readonly noise: NoiseGenerator;
}

export class Policy implements AsyncDisposable {
  private released = false;
  /** Allocates the memory graph's state inputs of a batch (never holds an episode's memory). */
  private readonly memoryLayout: MemoryState;

  private constructor(
    readonly dir: string,
    readonly manifest: Manifest,
    readonly hash: string,
    private readonly graphs: BundleGraphs,
    readonly noMemory: boolean,
    /** The memory spec every episode runs with: the manifest's, or its runtime override. */
    readonly memorySpec: MemoryStateSpec,
  ) {
    this.memoryLayout = createMemoryState(memorySpec);
  }

  /** Loads and validates the bundle at `dir`, opening its graphs on the chosen device. */
  static async load(dir: string, options: PolicyOptions = {}): Promise<Policy> {
    if (options.device === 'auto') {
      // Measured, not assumed: time a few steps on each device and keep the faster (choose-device.ts).
      const choice = await chooseDevice({
        // The GPU candidate opens with 'auto': where no GPU provider opens, the graphs fall back to
        // the CPU with one warning per reason, and that policy is kept without timing.
        open: (device) => Policy.open(dir, { ...options, device: device === 'gpu' ? 'auto' : 'cpu' }),
        observation: neutralObservation(readManifest(dir).manifest),
        ...(options.autoBatch !== undefined ? { batch: options.autoBatch } : {}),
        log: options.warn ?? console.warn,
      });
      return choice.policy;
    }
    return Policy.open(dir, options);
  }

  private static async open(dir: string, options: PolicyOptions): Promise<Policy> {
    const { manifest, hash } = readManifest(dir);
    const memorySpec = effectiveMemorySpec(manifest, options.memoryOverride);
    const graphs = await loadGraphs(dir, manifest, options);
    const policy = new Policy(dir, manifest, hash, graphs, options.noMemory ?? false, memorySpec);
    if (options.warmUp ?? true) {
      try {
        await policy.step(policy.newEpisode(), neutralObservation(manifest));
      } catch (err) {
        await policy.release();
        throw err;
      }
    }
    return policy;
  }

  get name(): string {
    return this.manifest.name;
  }

  get provider(): Provider {
    return this.graphs.encoder.provider;
  }

  /** A fresh episode: empty memory, step 0, the sampler noise seeded from the manifest seed and `seed`. */
  newEpisode(seed = 0): EpisodeState {
    return new EpisodeState(this.manifest, seed, this.memorySpec);
  }

  /** Runs one step of one episode. */
  async step(episode: EpisodeState, observation: Observation, options?: StepOptions): Promise<StepResult> {
    const [result] = await this.stepBatch([{ episode, observation, ...(options?.prefix ? { prefix: options.prefix } : {}) }]);
    return result!;
  }

  /** Runs one step for each item (distinct episodes) as one batch through every graph. */
  async stepBatch(items: readonly BatchItem[]): Promise<StepResult[]> {
    if (this.released) throw new Error(`policy '${this.name}' was released`);
    if (items.length === 0) return [];
    const episodes = new Set(items.map((i) => i.episode));
    if (episodes.size !== items.length) throw new RangeError('stepBatch: an episode appears twice in one batch (one step at a time per episode)');
    for (const { episode } of items) {
      if (episode.busy) throw new Error(`policy '${this.name}': a step of this episode is already running (one step at a time per episode)`);
      if (!this.owns(episode)) throw new TypeError(`policy '${this.name}': the episode belongs to bundle '${episode.manifest.name}' (memory '${episode.memory.kind}'), not to this policy`);
    }
    for (const { episode } of items) episode.busy = true;
    try {
      return await this.runBatch(items);
    } finally {
      for (const { episode } of items) episode.busy = false;
    }
  }

  private owns(episode: EpisodeState): boolean {
    const spec = episode.memory.kind === 'none' ? { kind: 'none' as const } : episode.memory.spec;
    return memoryKey(spec) === memoryKey(this.memorySpec);
  }

  private async runBatch(items: readonly BatchItem[]): Promise<StepResult[]> {
    const m = this.manifest;
    const B = items.length;
    const t0 = performance.now();
    const board = allocateInputs(m, B);
    items.forEach((item, b) => writeObservation(m, item.observation, board, b));
    board.set('step', { data: Float32Array.from(items, ({ episode }) => episode.step), dims: [B] });
    const read: TensorReader = (name) => board.get(name);
    const contexts = items.map(({ episode }, row): MemoryStepContext => ({ row, step: episode.step, cleared: this.noMemory }));
    const t1 = performance.now();

    // Phase one: every graph, on inputs built without changing any episode.
    await this.runInto('encoder', board, B);
    const t2 = performance.now();

    if (this.graphs.memory) {
      const state = this.memoryLayout.allocateInputs(B);
      items.forEach(({ episode }, row) => episode.memory.fillInputs(state, read, contexts[row]!));
      for (const [name, tensor] of state) board.set(name, tensor);
      await this.runInto('memory', board, B);
    }
    const t3 = performance.now();

    const k = m.action.chunk;
    const A = m.action.names.length;
    // Each row samples from a copy of its episode's noise generator; the position is committed below.
    const rows: SamplerRow[] = items.map((item) => ({ item, noise: item.episode.forkNoise() }));
    const chunks = await sampleChunks(
      m.head,
      [B, k, A],
      async (extra) => {
        const out = await this.runGraph('head', this.feedsFor(m.graphs.head.inputs, board, extra), B, ['actions']);
        return out['actions']!.data as Float32Array;
      },
      (x) => rows.forEach(({ noise }, b) => noise.fillNormal(x, b * k * A, k * A)),
      { prefixes: items.map((item) => this.normalisedPrefix(item.prefix)), perPositionTime: this.perPositionTime },
    );
    const t4 = performance.now();

    // Phase two: validate every episode's state change, then commit them all in one synchronous block.
    const commits = items.map(({ episode }, row) => episode.memory.prepareCommit(read, contexts[row]!));
    const timings: StageTimings = { preprocessMs: t1 - t0, encoderMs: t2 - t1, memoryMs: t3 - t2, headMs: t4 - t3, totalMs: t4 - t0 };
    const period = 1 / m.action.rate_hz;
    return rows.map(({ item: { episode, observation }, noise }, b) => {
      const values = new Float32Array(k * A);
      for (let i = 0; i < k; i++) {
        for (let a = 0; a < A; a++) values[i * A + a] = chunks[b * k * A + i * A + a]! * m.action.std[a]! + m.action.mean[a]!;
      }
      const step = episode.step;
      const streams = episode.commitStep(commits[b]!, noise.position);
      const memory: MemoryStats = { entries: episode.entries, merges: streams.reduce((n, s) => n + s.merges, 0), streams };
      return { chunk: { dims: A, horizon: k, values, stampNs: observation.stampNs, periodS: period }, timings: { ...timings }, memory, step, batch: B };
    });
  }

  /** The head takes a per-position `time` input ([batch, k]) for real-time chunking. */
  private get perPositionTime(): boolean {
    return this.manifest.graphs.head.inputs.some((i) => i.name === 'time' && i.shape.length === 2);
  }

  private normalisedPrefix(prefix: Float32Array | undefined): Float32Array | undefined {
    if (!prefix || prefix.length === 0) return undefined;
    const { chunk: k, names, mean, std } = this.manifest.action;
    const A = names.length;
    if (prefix.length % A !== 0 || prefix.length / A >= k) throw new RangeError(`policy '${this.name}': prefix has ${prefix.length} values; expected d x ${A} with d < ${k}`);
    return prefix.map((v, j) => (v - mean[j % A]!) / std[j % A]!);
  }

  /** Runs the graph of `role` on the board's tensors it declares and puts its outputs on the board. */
  private async runInto(role: 'encoder' | 'memory', board: Map<string, Feed>, batch: number): Promise<void> {
    const out = await this.runGraph(role, this.feedsFor(this.manifest.graphs[role]!.inputs, board), batch);
    for (const [name, feed] of Object.entries(out)) board.set(name, feed);
  }

  /** Runs one graph; its errors and any output that disagrees with the manifest become BundleErrors naming the graph. */
  private async runGraph(role: GraphRole, feeds: Record<string, Feed>, batch: number, outputs?: readonly string[]): Promise<Record<string, Feed>> {
    const graph = this.graphs[role]!;
    let out: Record<string, Feed>;
    try {
      out = await graph.run(feeds, outputs);
    } catch (err) {
      throw new BundleError(this.name, `graph '${role}': ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const problems = outputProblems(this.manifest.graphs[role]!, out, batch, outputs);
    if (problems.length > 0) throw new BundleError(this.name, `graph '${role}' (${this.manifest.graphs[role]!.file}): ${problems.join('; ')}`);
    return out;
  }

  private feedsFor(inputs: readonly { name: string }[], board: ReadonlyMap<string, Feed>, extra?: ReadonlyMap<string, Feed>): Record<string, Feed> {
    const feeds: Record<string, Feed> = {};
    for (const { name } of inputs) {
      const feed = extra?.get(name) ?? board.get(name);
      if (!feed) throw new Error(`policy '${this.name}': no tensor '${name}' for a graph input`);
      feeds[name] = feed;
    }
    return feeds;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await Promise.all([this.graphs.encoder.release(), this.graphs.memory?.release(), this.graphs.head.release()]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.release();
  }
}
