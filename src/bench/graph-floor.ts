// The physical floor of a policy step for `npm run bench -- gpu`: the same graphs a momento step
// runs, opened in their own sessions on the same provider and thread count, called back to back
// on tensors prepared in advance (no preprocessing, no memory fill, no commit, no checks). Only
// the session.run calls are timed, so momento's step time over this is its overhead factor.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { GraphSpec, Manifest } from '../bundle/manifest.js';
import { OnnxGraph, type Device, type Feed, type Provider } from '../onnx/graph.js';

export interface GraphFloorOptions {
  readonly device: Device;
  readonly threads: number;
  /**
   * The graphs of one step, in order: ['encoder', 'memory', 'head'] (memory where the bundle has
   * one), or ['step'] for a fused step graph.
   */
  readonly roles: readonly string[];
}

/** Deterministic values in [-1, 1) (an LCG): cost does not depend on them, reproducibility does. */
function fill(data: Float32Array, seed: number): void {
  let s = (seed * 2654435761) >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 31 - 1;
  }
}

/** A tensor of `spec` for `batch` rows: task ids in range, masks as valid prefixes, times and steps in [0, 20). */
export function inputFor(spec: GraphSpec['inputs'][number], batch: number, tasks: number, slots: number, seed: number): Feed {
  // Symbolic axes: 'batch', or a bank axis (the memory's capacity L).
  const dims = spec.shape.map((d) => (typeof d === 'number' ? d : d === 'batch' ? batch : slots));
  const size = dims.reduce((a, b) => a * b, 1);
  if (spec.dtype === 'int64') return { data: BigInt64Array.from({ length: size }, (_, i) => BigInt(i % Math.max(1, tasks))), dims };
  if (spec.dtype !== 'float32') throw new TypeError(`graph floor: input '${spec.name}' has dtype ${spec.dtype}; only float32 and int64 inputs are generated`);
  const data = new Float32Array(size);
  if (spec.name.endsWith('_mask')) {
    const slots = dims[dims.length - 1] ?? 1;
    for (let i = 0; i < size; i++) data[i] = i % slots <= Math.floor(i / slots) % slots ? 1 : 0;
  } else if (spec.name.endsWith('_times') || spec.name === 'step' || spec.name === 'time') {
    for (let i = 0; i < size; i++) data[i] = (i * 7) % 20;
  } else {
    fill(data, seed);
  }
  return { data, dims };
}

export class GraphFloor implements AsyncDisposable {
  private readonly feeds = new Map<number, Record<string, Feed>[]>();

  private constructor(
    private readonly manifest: Manifest,
    private readonly specs: readonly GraphSpec[],
    private readonly graphs: readonly OnnxGraph[],
    /** Calls of each graph per step: an iterative head runs once per sampler step. */
    private readonly calls: readonly number[],
  ) {}

  static async open(dir: string, manifest: Manifest, options: GraphFloorOptions): Promise<GraphFloor> {
    const all = manifest.graphs as Record<string, GraphSpec | undefined>;
    const specs = options.roles.map((role) => {
      const spec = all[role];
      if (!spec) throw new RangeError(`graph floor: bundle '${manifest.name}' has no graph '${role}'`);
      return spec;
    });
    const graphs: OnnxGraph[] = [];
    try {
      for (const spec of specs) graphs.push(await OnnxGraph.create({ file: join(dir, spec.file), device: options.device, threads: options.threads, inference: 'inline' }));
    } catch (err) {
      await Promise.all(graphs.map((g) => g.release()));
      throw err;
    }
    const iterative = manifest.head.kind === 'direct' ? 1 : manifest.head.steps;
    return new GraphFloor(manifest, specs, graphs, options.roles.map((r) => (r === 'head' ? iterative : 1)));
  }

  get provider(): Provider {
    return this.graphs[0]!.provider;
  }

  /** Builds the inputs of a batch size: each graph's from the previous graphs' outputs where they give them (one untimed pass). */
  private async feedsFor(batch: number): Promise<Record<string, Feed>[]> {
    const ready = this.feeds.get(batch);
    if (ready) return ready;
    const board = new Map<string, Feed>();
    const tasks = this.manifest.observation.instruction?.tasks.length ?? 1;
    const slots = this.manifest.memory.kind === 'memoryvla' ? this.manifest.memory.capacity : 1;
    const perGraph: Record<string, Feed>[] = [];
    for (const [g, spec] of this.specs.entries()) {
      const feeds: Record<string, Feed> = {};
      spec.inputs.forEach((input, i) => {
        feeds[input.name] = board.get(input.name) ?? inputFor(input, batch, tasks, slots, 1000 * g + i);
      });
      perGraph.push(feeds);
      const out = await this.graphs[g]!.run(feeds);
      for (const [name, feed] of Object.entries(out)) board.set(name, feed);
    }
    this.feeds.set(batch, perGraph);
    return perGraph;
  }

  /** One step's graph calls at `batch` rows; returns the ms spent in them. */
  async run(batch: number): Promise<number> {
    const feeds = await this.feedsFor(batch);
    let ms = 0;
    for (const [g, graph] of this.graphs.entries()) {
      for (let c = 0; c < this.calls[g]!; c++) {
        const t0 = performance.now();
        await graph.run(feeds[g]!);
        ms += performance.now() - t0;
      }
    }
    return ms;
  }

  async release(): Promise<void> {
    await Promise.all(this.graphs.map((g) => g.release()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.release();
  }
}
