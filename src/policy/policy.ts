// Policy: one step = preprocess → encoder → memory (read + fuse, write, consolidate) → head
// (sampler loop for iterative heads) → action chunk, with per-stage timings and memory
// statistics. Steps of several episodes can run as one batch (one model call per stage).
import { performance } from 'node:perf_hooks';
import type { Manifest } from '../bundle/manifest.js';
import { loadGraphs, readManifest, type BundleGraphs, type LoadOptions } from '../bundle/load.js';
import type { MemoryStats, Observation, StageTimings, StepResult, StreamStats } from '../core/types.js';
import type { Feed, OnnxGraph, Provider } from '../onnx/graph.js';
import { EpisodeState } from './episode.js';
import { allocateInputs, writeObservation } from './preprocess.js';
import { sampleChunks } from './sampler.js';

export interface PolicyOptions extends LoadOptions {
  /** Clear the memory before every step: the memoryless ablation of the same bundle. Default false. */
  readonly noMemory?: boolean;
  /**
   * Run one throwaway step at load, so the first real step does not pay for lazy initialisation
   * (GPU shader compilation above all). Default true.
   */
  readonly warmUp?: boolean;
}

/** Grey frames, proprio at its mean, the first task: a valid input for any bundle. */
function neutralObservation(m: Manifest): Observation {
  return {
    cameras: m.observation.cameras.map((c) => ({ name: c.name, height: c.height, width: c.width, channels: c.channels, data: new Uint8Array(c.height * c.width * c.channels).fill(128) })),
    proprio: Float32Array.from(m.observation.proprio.mean),
    instruction: { taskId: m.observation.instruction.tasks[0]!, text: '' },
    stampNs: 0,
    index: 0,
  };
}

export interface BatchItem {
  readonly episode: EpisodeState;
  readonly observation: Observation;
}

export class Policy implements AsyncDisposable {
  private released = false;

  private constructor(
    readonly dir: string,
    readonly manifest: Manifest,
    readonly hash: string,
    private readonly graphs: BundleGraphs,
    readonly noMemory: boolean,
  ) {}

  /** Loads and validates the bundle at `dir`, opening its graphs on the chosen device. */
  static async load(dir: string, options: PolicyOptions = {}): Promise<Policy> {
    const { manifest, hash } = readManifest(dir);
    const graphs = await loadGraphs(dir, manifest, options);
    const policy = new Policy(dir, manifest, hash, graphs, options.noMemory ?? false);
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
    return new EpisodeState(this.manifest, seed);
  }

  /** Runs one step of one episode. */
  async step(episode: EpisodeState, observation: Observation): Promise<StepResult> {
    const [result] = await this.stepBatch([{ episode, observation }]);
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
    }
    for (const { episode } of items) episode.busy = true;
    try {
      return await this.runBatch(items);
    } finally {
      for (const { episode } of items) episode.busy = false;
    }
  }

  private async runBatch(items: readonly BatchItem[]): Promise<StepResult[]> {
    const m = this.manifest;
    const B = items.length;
    const t0 = performance.now();
    const board = allocateInputs(m, B);
    items.forEach((item, b) => writeObservation(m, item.observation, board, b));
    if (this.noMemory) for (const { episode } of items) episode.clearMemory();
    const t1 = performance.now();

    await this.runInto(this.graphs.encoder, 'encoder', board);
    const t2 = performance.now();

    const streamStats = await this.runMemory(items, board);
    const t3 = performance.now();

    const k = m.action.chunk;
    const A = m.action.names.length;
    const head = this.graphs.head;
    const chunks = await sampleChunks(
      m.head,
      [B, k, A],
      async (extra) => {
        const out = await head.run(this.feedsFor(m.graphs.head.inputs, board, extra), ['actions']);
        return out['actions']!.data as Float32Array;
      },
      (x) => items.forEach(({ episode }, b) => episode.noise.fillNormal(x, b * k * A, k * A)),
    );
    const t4 = performance.now();

    const timings: StageTimings = { preprocessMs: t1 - t0, encoderMs: t2 - t1, memoryMs: t3 - t2, headMs: t4 - t3, totalMs: t4 - t0 };
    const period = 1 / m.action.rate_hz;
    return items.map(({ episode, observation }, b) => {
      const values = new Float32Array(k * A);
      for (let i = 0; i < k; i++) {
        for (let a = 0; a < A; a++) values[i * A + a] = chunks[b * k * A + i * A + a]! * m.action.std[a]! + m.action.mean[a]!;
      }
      const streams = streamStats[b] ?? [];
      const memory: MemoryStats = {
        entries: episode.entries,
        merges: streams.reduce((n, s) => n + s.merges, 0),
        streams,
      };
      const step = episode.step;
      episode.step += 1;
      return { chunk: { dims: A, horizon: k, values, stampNs: observation.stampNs, periodS: period }, timings: { ...timings }, memory, step };
    });
  }

  /** Memory stage for the batch: builds the state inputs, runs the memory graph, writes back. */
  private async runMemory(items: readonly BatchItem[], board: Map<string, Feed>): Promise<StreamStats[][]> {
    const m = this.manifest;
    const mem = m.memory;
    const graph = this.graphs.memory;
    const B = items.length;
    switch (mem.kind) {
      case 'none':
        return [];
      case 'hamlet': {
        const moments = board.get('moments')!.data as Float32Array;
        const per = mem.tokens * mem.dim;
        const window = new Float32Array(B * mem.window * per);
        items.forEach(({ episode }, b) => {
          if (episode.memory.kind !== 'hamlet') throw new Error('episode state does not belong to this policy');
          episode.memory.window.push(moments.subarray(b * per, (b + 1) * per));
          episode.memory.window.fill(window, b * mem.window * per);
        });
        board.set('window', { data: window, dims: [B, mem.window, mem.tokens, mem.dim] });
        await this.runInto(graph!, 'memory', board);
        return items.map(({ episode }) => [{ name: 'window', entries: episode.entries, merges: 0, mergedAt: [] }]);
      }
      case 'memoryvla': {
        const L = mem.capacity;
        for (const s of mem.streams) {
          const per = s.tokens * s.dim;
          const bank = new Float32Array(B * L * per);
          const times = new Float32Array(B * L);
          const mask = new Float32Array(B * L);
          items.forEach(({ episode }, b) => {
            if (episode.memory.kind !== 'memoryvla') throw new Error('episode state does not belong to this policy');
            episode.memory.banks.get(s.name)!.fill(bank, times, mask, b);
          });
          board.set(`${s.name}_bank`, { data: bank, dims: [B, L, s.tokens, s.dim] });
          board.set(`${s.name}_times`, { data: times, dims: [B, L] });
          board.set(`${s.name}_mask`, { data: mask, dims: [B, L] });
        }
        board.set('step', { data: Float32Array.from(items, ({ episode }) => episode.step), dims: [B] });
        await this.runInto(graph!, 'memory', board);
        // Write after read: the fused (or raw) tokens of this step, stamped with the step index.
        return items.map(({ episode }, b) =>
          mem.streams.map((s): StreamStats => {
            const per = s.tokens * s.dim;
            const source = board.get(mem.write === 'fused' ? `${s.name}_fused` : s.name)!.data as Float32Array;
            const bank = (episode.memory as Extract<typeof episode.memory, { kind: 'memoryvla' }>).banks.get(s.name)!;
            const { merges, mergedAt } = bank.write(episode.step, source.subarray(b * per, (b + 1) * per));
            const attention = board.get(`${s.name}_attention`);
            return {
              name: s.name,
              entries: bank.size,
              merges,
              mergedAt,
              ...(attention ? { attention: (attention.data as Float32Array).slice(b * L, (b + 1) * L) } : {}),
            };
          }),
        );
      }
    }
  }

  /** Runs `graph` on the board's tensors it declares and puts its outputs on the board. */
  private async runInto(graph: OnnxGraph, role: 'encoder' | 'memory', board: Map<string, Feed>): Promise<void> {
    const spec = this.manifest.graphs[role]!;
    const out = await graph.run(this.feedsFor(spec.inputs, board));
    for (const [name, feed] of Object.entries(out)) board.set(name, feed);
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
