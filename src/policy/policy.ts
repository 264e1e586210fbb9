// Policy: one step = preprocess → encoder → memory (read + fuse) → head (sampler loop for
// iterative heads) → action chunk, with per-stage timings and memory statistics. Steps of several
// episodes can run as one batch (one model call per stage). A step is two-phase: every graph runs
// on scratch inputs first (the window as it will be, the banks as they are, a copy of the noise
// generator); only then is the episodes' state changed, in one synchronous block, so a step that
// fails anywhere changes nothing. A batch runs at its static bucket size (padded with copies of
// its first row), fetches only the outputs something reads (graph-plan.ts), leaves tensors that
// only the next graph reads on the device, and reuses its input buffers (input-pool.ts). A bundle
// with a fused step graph (graphs.step, direct heads) runs one graph per step.
import { performance } from 'node:perf_hooks';
import { stepSlots } from '../bundle/contract.js';
import { outputProblems } from '../bundle/graph-contract.js';
import { headNoiseMode, type GraphRole, type Manifest } from '../bundle/manifest.js';
import { loadGraphs, readManifest, type BundleGraphs, type LoadOptions } from '../bundle/load.js';
import { BundleError } from '../core/errors.js';
import type { MemoryStats, Observation, StageTimings, StepResult } from '../core/types.js';
import { createMemoryState, type MemoryStateSpec } from '../memory/create-memory-state.js';
import type { MemoryState, MemoryStepContext, StateTensor, TensorReader } from '../memory/memory-state.js';
import { BATCH_BUCKETS, isResident, releaseResident, type Feed, type GraphValue, type Provider } from '../onnx/graph.js';
import { EpisodeState } from './episode.js';
import type { NoiseGenerator } from './noise.js';
import type { StepOptions } from './backend.js';
import { chooseDevice } from './choose-device.js';
import { graphPlan, type GraphPlan } from './graph-plan.js';
import { InputPool, padWithFirstRow } from './input-pool.js';
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
  /**
   * Fetch the memory graph's retrieval attention (`<stream>_attention`) into each step's
   * StreamStats. Statistics only (the chunks do not depend on it): on for recording and memory
   * inspection, off by default, since every output read back costs on a GPU. Default false.
   */
  readonly attention?: boolean;
  /** Run the fused step graph when the bundle has one (graphs.step, direct heads). Default true. */
  readonly fused?: boolean;
  /** With device 'auto': the batch size (episodes per step) at which GPU and CPU are timed against each other. Default 1. */
  readonly autoBatch?: number;
  /**
   * Read the outputs a step reads back from one graph (a fused step's actions and bank tokens) as
   * one packed output: 'gpu' on a GPU provider, where each read-back costs ~0.6 ms (default);
   * 'always' (also on CPU: tests check it gives the same bits); 'never'. See packed-outputs.ts.
   */
  readonly packReads?: 'gpu' | 'always' | 'never';
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

/** The input tensors of one step: the observation and step counter, and the memory graph's state. */
interface StepInputs {
  readonly feeds: Map<string, Feed>;
  readonly state: Map<string, StateTensor>;
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
  /** Input tensors of a step by batch size, reused. */
  private readonly inputs: InputPool<StepInputs>;

  private constructor(
    readonly dir: string,
    readonly manifest: Manifest,
    readonly hash: string,
    private readonly graphs: BundleGraphs,
    readonly noMemory: boolean,
    /** The memory spec every episode runs with: the manifest's, or its runtime override. */
    readonly memorySpec: MemoryStateSpec,
    /** What each graph fetches and leaves on the device; whether a step runs the fused graph. */
    readonly plan: GraphPlan,
  ) {
    this.memoryLayout = createMemoryState(memorySpec);
    this.inputs = new InputPool((rows) => {
      const feeds = allocateInputs(manifest, rows);
      feeds.set('step', { data: new Float32Array(rows), dims: [rows] });
      return { feeds, state: this.memoryLayout.allocateInputs(rows) };
    });
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
    // A step graph with a fixed bank axis runs only at the manifest's slots; under a capacity
    // override that feeds another number of slots, the step runs the separate graphs.
    const stepFits = memorySpec.kind !== 'memoryvla' || manifest.memory.kind !== 'memoryvla' || stepSlots(manifest) !== undefined || memorySpec.slots === manifest.memory.capacity;
    const plan = graphPlan(manifest, { attention: options.attention ?? false, fused: (options.fused ?? true) && stepFits });
    const { packReads: packing = 'gpu', ...load } = options;
    const pack = packing === 'never' ? {} : { packOutputs: plan.packOutputs, packOn: packing };
    const graphs = await loadGraphs(dir, manifest, { ...load, deviceOutputs: plan.deviceOutputs, ...pack });
    const policy = new Policy(dir, manifest, hash, graphs, options.noMemory ?? false, memorySpec, plan);
    if (options.warmUp ?? true) {
      try {
        // Every declared output is fetched once and its shape checked (a step fetches only what is
        // read); with a fused step graph, both ways of running a step.
        const item = { episode: policy.newEpisode(), observation: neutralObservation(manifest) };
        const all = (role: GraphRole): string[] => manifest.graphs[role]?.outputs.map((t) => t.name) ?? [];
        const fetch = { encoder: all('encoder'), memory: all('memory'), head: ['actions'], step: all('step') };
        for (const fused of new Set([false, plan.fused])) await policy.compute([item], { ...plan, fetch, fused });
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
      if (!this.owns(episode)) throw new TypeError(`policy '${this.name}': the episode belongs to bundle '${episode.manifest.name}' (memory '${episode.memory.kind}', head noise '${episode.headNoise}'), not to this policy`);
    }
    for (const { episode } of items) episode.busy = true;
    try {
      return await this.runBatch(items);
    } finally {
      for (const { episode } of items) episode.busy = false;
    }
  }

  /** This policy's memory spec as a comparable key, computed once (owns() runs for every item of every step). */
  private memoryKeyCache: string | undefined;

  private owns(episode: EpisodeState): boolean {
    if (episode.headNoise !== headNoiseMode(this.manifest.head)) return false;
    if (episode.memory.kind === 'none') return this.memorySpec.kind === 'none';
    // Episodes made by this policy share its spec object; others compare by value.
    if (episode.memory.spec === this.memorySpec) return true;
    this.memoryKeyCache ??= memoryKey(this.memorySpec);
    return memoryKey(episode.memory.spec) === this.memoryKeyCache;
  }

  /** A batch above the largest bucket runs as several, all computed before any is committed. */
  private async runBatch(items: readonly BatchItem[]): Promise<StepResult[]> {
    const max = BATCH_BUCKETS.at(-1)!;
    if (items.length <= max || this.rowsFor(items.length) === items.length) return (await this.compute(items))();
    const commits: (() => StepResult[])[] = [];
    for (let i = 0; i < items.length; i += max) commits.push(await this.compute(items.slice(i, i + max)));
    return commits.flatMap((commit) => commit());
  }

  /** The rows a batch of `batch` runs at: its bucket (static-batch.ts), or itself when buckets are off. */
  private rowsFor(batch: number, plan = this.plan): number {
    return (this.graphs.step && plan.fused ? this.graphs.step : this.graphs.encoder).runBatch(batch);
  }

  /** Phase one: runs every graph of the batch; returns phase two, the commit (which does not fail). */
  private async compute(items: readonly BatchItem[], plan = this.plan): Promise<() => StepResult[]> {
    const m = this.manifest;
    const B = items.length;
    const N = this.rowsFor(B, plan);
    const t0 = performance.now();
    const inputs = this.inputs.take(N);
    const board = new Map<string, GraphValue>([...inputs.feeds, ...inputs.state]);
    // The runtime only ever reads CPU tensors (graph-plan.ts keeps what it reads off the device).
    const read: TensorReader = (name) => {
      const v = board.get(name);
      return v && !isResident(v) ? v : undefined;
    };
    const contexts = items.map(({ episode }, row): MemoryStepContext => ({ row, step: episode.step, cleared: this.noMemory }));
    const fillMemory = (): void => {
      items.forEach(({ episode }, row) => episode.memory.fillInputs(inputs.state, read, contexts[row]!));
      padWithFirstRow(inputs.state.values(), B);
    };
    const k = m.action.chunk;
    const A = m.action.names.length;
    // Each row samples from a copy of its episode's noise generator (or reuses its episode's own noise,
    // head.noise 'episode'); the position is committed below.
    const rows: SamplerRow[] = items.map((item) => ({ item, noise: item.episode.forkNoise() }));
    let chunks: Float32Array;
    let t1: number, t2: number, t3: number;
    try {
      items.forEach((item, b) => writeObservation(m, item.observation, inputs.feeds, b));
      const step = inputs.feeds.get('step')!.data as Float32Array;
      items.forEach(({ episode }, b) => (step[b] = episode.step));
      padWithFirstRow(inputs.feeds.values(), B);
      t1 = performance.now();

      if (this.graphs.step && plan.fused) {
        // One graph for encoder, memory read and head: its memory inputs are the state as it is.
        fillMemory();
        await this.runInto('step', board, N, plan);
        t2 = t3 = performance.now();
        chunks = (board.get('actions') as Feed).data as Float32Array;
      } else {
        // Phase one: every graph, on inputs built without changing any episode.
        await this.runInto('encoder', board, N, plan);
        t2 = performance.now();
        if (this.graphs.memory) {
          fillMemory();
          await this.runInto('memory', board, N, plan);
        }
        t3 = performance.now();
        chunks = await sampleChunks(
          m.head,
          [N, k, A],
          async (extra) => {
            const out = await this.runGraph('head', this.feedsFor(m.graphs.head.inputs, board, extra), N, plan);
            return (out['actions'] as Feed).data as Float32Array;
          },
          (x) => rows.forEach(({ item, noise }, b) => item.episode.initialNoise(noise, x, b * k * A)),
          { prefixes: items.map((item) => this.normalisedPrefix(item.prefix)), perPositionTime: this.perPositionTime },
        );
      }
    } finally {
      for (const value of board.values()) if (isResident(value)) releaseResident(value);
      this.inputs.give(N, inputs);
    }
    const t4 = performance.now();

    // Phase two: validate every episode's state change (reading outputs only, never the pooled
    // inputs), then commit them all in one synchronous block.
    const commits = items.map(({ episode }, row) => episode.memory.prepareCommit(read, contexts[row]!));
    const timings: StageTimings = { preprocessMs: t1 - t0, encoderMs: t2 - t1, memoryMs: t3 - t2, headMs: t4 - t3, totalMs: t4 - t0 };
    const period = 1 / m.action.rate_hz;
    return () =>
      rows.map(({ item: { episode, observation }, noise }, b) => {
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

  /** Runs the graph of `role` on the board's tensors it declares and puts the planned outputs on the board. */
  private async runInto(role: 'encoder' | 'memory' | 'step', board: Map<string, GraphValue>, batch: number, plan: GraphPlan): Promise<void> {
    const out = await this.runGraph(role, this.feedsFor(this.manifest.graphs[role]!.inputs, board), batch, plan);
    for (const [name, value] of Object.entries(out)) board.set(name, value);
  }

  /** Runs one graph; its errors and any output that disagrees with the manifest become BundleErrors naming the graph. */
  private async runGraph(role: GraphRole, feeds: Record<string, GraphValue>, batch: number, plan: GraphPlan): Promise<Record<string, GraphValue>> {
    const graph = this.graphs[role]!;
    const outputs = plan.fetch[role];
    let out: Record<string, GraphValue>;
    try {
      out = await graph.runValues(feeds, outputs);
    } catch (err) {
      throw new BundleError(this.name, `graph '${role}': ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const problems = outputProblems(this.manifest.graphs[role]!, out, batch, outputs);
    if (problems.length > 0) {
      for (const value of Object.values(out)) if (isResident(value)) releaseResident(value);
      throw new BundleError(this.name, `graph '${role}' (${this.manifest.graphs[role]!.file}): ${problems.join('; ')}`);
    }
    return out;
  }

  private feedsFor(inputs: readonly { name: string }[], board: ReadonlyMap<string, GraphValue>, extra?: ReadonlyMap<string, Feed>): Record<string, GraphValue> {
    const feeds: Record<string, GraphValue> = {};
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
    await Promise.all([this.graphs.encoder.release(), this.graphs.memory?.release(), this.graphs.head.release(), this.graphs.step?.release()]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.release();
  }
}
