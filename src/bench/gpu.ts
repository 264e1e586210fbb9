// `npm run bench -- gpu`: when does the GPU pay? For each bundle (the reference bundles and the
// realistic-size one) on CPU (1 and 4 threads) and WebGPU at B = 1, 8, 32, 64: momento's batched
// step time, steps/s, its ratio to the raw graph time of the same run (graph-floor.ts, timed
// interleaved with the momento steps, same process) and the event-loop lag during the momento
// steps; the memory bundles' latency over their memoryless twin measured interleaved (one step
// of each in turn: run one after another, the later ones meet a warmer or busier machine); and,
// where a GPU opens, what `--device auto` picks at each batch size. Table on stdout, JSON to
// --out, progress on stderr. Iterations per row adapt to a time budget, so slow rows get fewer
// iterations rather than being left out.
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { basename, join } from 'node:path';
import { ManifestSchema } from '../bundle/manifest.js';
import type { Observation } from '../core/types.js';
import { defaultInferenceMode, threadsForBatch, type Device } from '../onnx/graph.js';
import { Policy } from '../policy/policy.js';
import { syntheticObservations } from '../runtime/synthetic.js';
import { GraphFloor } from './graph-floor.js';

export interface RunConfig {
  readonly label: string;
  readonly device: Exclude<Device, 'auto'>;
  readonly threads: number;
}

export const DEFAULT_CONFIGS: readonly RunConfig[] = [
  { label: 'cpu-1t', device: 'cpu', threads: 1 },
  { label: 'cpu-4t', device: 'cpu', threads: 4 },
  { label: 'webgpu', device: 'gpu', threads: 1 },
];

export interface GpuBenchOptions {
  readonly bundles: readonly string[];
  readonly configs?: readonly RunConfig[];
  readonly batches?: readonly number[];
  /** Timed seconds per row (momento and raw together); a row runs at least minIterations. Default 1. */
  readonly secondsPerRow?: number;
  readonly minIterations?: number;
  readonly maxIterations?: number;
  /** Steps of each bundle in the twin comparison. Default 300. */
  readonly twinSteps?: number;
  /** The memoryless twin's bundle name. Default 'memoryless-sim'. */
  readonly twin?: string;
  /** Also time `--device auto` at each batch size where a GPU opens. Default true. */
  readonly auto?: boolean;
  /** Progress lines (stderr). */
  readonly log?: (line: string) => void;
}

export interface GpuRow {
  readonly bundle: string;
  /** 'fused' (step.onnx), 'separate' (encoder, memory, head). */
  readonly graphs: 'fused' | 'separate';
  readonly config: string;
  readonly provider: string;
  readonly threads: number;
  readonly batch: number;
  readonly iterations: number;
  /** Mean ms of one momento stepBatch of `batch` episodes. */
  readonly stepMs: number;
  readonly stepsPerSecond: number;
  /** Mean ms of the same graphs' session.run calls alone, interleaved with the momento steps. */
  readonly rawMs: number;
  /** stepMs / rawMs: momento's overhead over the physical floor. */
  readonly ratio: number;
  readonly loopLagP50Ms: number;
  readonly loopLagP99Ms: number;
  readonly loopLagMaxMs: number;
}

export interface TwinResult {
  readonly config: string;
  readonly provider: string;
  readonly steps: number;
  readonly meanMs: { readonly interleaved: Record<string, number>; readonly sequential: Record<string, number> };
  readonly ratio: { readonly interleaved: Record<string, number>; readonly sequential: Record<string, number> };
}

export interface AutoResult {
  readonly bundle: string;
  readonly batch: number;
  readonly chosen: string;
  readonly log: string;
  /** The faster provider in this run's table at this batch (webgpu against the CPU row with auto's thread count, threadsForBatch), if both rows exist. */
  readonly fasterInTable?: string;
}

export interface GpuReport {
  readonly section: 'gpu';
  readonly inference: string;
  readonly fusedSupported: boolean;
  readonly rows: GpuRow[];
  readonly skipped: { bundle: string; graphs: string; config: string; reason: string }[];
  readonly twin: TwinResult[];
  readonly auto: AutoResult[];
  readonly notes: string[];
  readonly seconds: number;
}

interface Variant {
  readonly bundle: string;
  readonly dir: string;
  readonly graphs: 'fused' | 'separate';
  readonly roles: readonly string[];
}

/** Whether this runtime's manifest schema knows the fused step graph (`graphs.step`). */
export function fusedSupported(): boolean {
  return 'step' in ManifestSchema.shape.graphs.shape;
}

/**
 * A bundle's ways to run: with a step.onnx, fused (where the runtime supports it) and separate;
 * the separate one is a folder under `views` whose policy.json lacks `graphs.step`, with the
 * graphs hard-linked (copied across file systems), so that every runtime loads it the unfused way.
 */
function variantsOf(dir: string, views: string, notes: string[]): Variant[] {
  // Read as plain JSON: a runtime without graphs.step rejects the manifest that has it.
  const raw = JSON.parse(readFileSync(join(dir, 'policy.json'), 'utf8')) as { name?: unknown; graphs?: Record<string, unknown> };
  if (typeof raw.name !== 'string' || typeof raw.graphs !== 'object') throw new Error(`${dir}/policy.json: no name or graphs`);
  const manifest = { name: raw.name };
  const separate = ['encoder', ...('memory' in raw.graphs ? ['memory'] : []), 'head'];
  if (!('step' in raw.graphs)) return [{ bundle: manifest.name, dir, graphs: 'separate', roles: separate }];
  const view = join(views, `${basename(dir)}-separate`);
  mkdirSync(view, { recursive: true });
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.onnx') && f !== 'step.onnx')) {
    try {
      linkSync(join(dir, f), join(view, f));
    } catch {
      copyFileSync(join(dir, f), join(view, f));
    }
  }
  delete raw.graphs['step'];
  writeFileSync(join(view, 'policy.json'), JSON.stringify(raw, null, 2));
  const variants: Variant[] = [];
  if (fusedSupported()) variants.push({ bundle: manifest.name, dir, graphs: 'fused', roles: ['step'] });
  else notes.push(`${manifest.name}: has step.onnx, but this runtime's manifest has no graphs.step: separate graphs only`);
  variants.push({ bundle: manifest.name, dir: view, graphs: 'separate', roles: separate });
  return variants;
}

const sleep0 = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

interface RowTiming {
  readonly iterations: number;
  readonly stepMs: number;
  readonly rawMs: number;
  readonly lag: { p50: number; p99: number; max: number };
}

/** Momento steps and raw graph calls of one batch size, interleaved (alternating which goes first). */
async function timeRow(policy: Policy, floor: GraphFloor, observations: readonly Observation[], batch: number, estimateMs: number, o: Required<Pick<GpuBenchOptions, 'secondsPerRow' | 'minIterations' | 'maxIterations'>>): Promise<RowTiming> {
  const episodes = Array.from({ length: batch }, (_, s) => policy.newEpisode(s));
  let frame = 0;
  const lag = monitorEventLoopDelay({ resolution: 1 });
  const momento = async (record: boolean): Promise<number> => {
    const items = episodes.map((episode, s) => ({ episode, observation: observations[(frame + s) % observations.length]! }));
    frame++;
    if (record) lag.enable();
    const t0 = performance.now();
    await policy.stepBatch(items);
    const ms = performance.now() - t0;
    if (record) {
      await sleep0(); // let the delay timer fire and record how long the step held the loop
      lag.disable();
    }
    return ms;
  };
  // Warm-up: two rounds always, then one more unless a round is already slow. The first two calls
  // at a new batch size are both slow (the first opens a static batch bucket's session; the
  // second is still 4x a warm call, cause not traced): hamlet-sim at B = 64 on 1 CPU thread takes
  // 227 and 373 ms, then 89-95 ms, and with one warm-up round that second call made the row read
  // 1.6-1.9x raw. A row predicted (from the previous batch size) to take longer than its whole
  // budget per round is then timed once: a big model at B = 64 on a small CPU spends seconds per round.
  const slow = estimateMs > 1000 * o.secondsPerRow;
  const round = async (): Promise<number> => (await momento(false)) + (await floor.run(batch));
  await round();
  const second = await round();
  if (!slow && second < 500) await round();
  const minIterations = slow ? 1 : o.minIterations;
  const steps: number[] = [];
  const raws: number[] = [];
  let spent = 0;
  while (steps.length < o.maxIterations && (steps.length < minIterations || spent < 1000 * o.secondsPerRow)) {
    const order = steps.length % 2 === 0 ? ['momento', 'raw'] : ['raw', 'momento'];
    for (const which of order) {
      if (which === 'momento') steps.push(await momento(true));
      else raws.push(await floor.run(batch));
    }
    spent += steps[steps.length - 1]! + raws[raws.length - 1]!;
  }
  const ms = (ns: number): number => (Number.isFinite(ns) ? ns / 1e6 : 0);
  return {
    iterations: steps.length,
    stepMs: mean(steps),
    rawMs: mean(raws),
    lag: lag.count > 0 ? { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) } : { p50: 0, p99: 0, max: 0 },
  };
}

/** Mean step ms at B = 1 of each bundle, one step of each in turn (interleaved), then each alone in a row (sequential). */
async function timeTwins(policies: readonly Policy[], steps: number): Promise<TwinResult['meanMs']> {
  const observations = policies.map((p) => [...syntheticObservations(p.manifest, 16)]);
  const run = async (i: number, episode: ReturnType<Policy['newEpisode']>, n: number): Promise<number> => {
    const t0 = performance.now();
    await policies[i]!.step(episode, observations[i]![n % 16]!);
    return performance.now() - t0;
  };
  const interleaved = policies.map(() => [] as number[]);
  const episodes = policies.map((p) => p.newEpisode(0));
  for (let n = 0; n < steps + 20; n++) {
    for (let k = 0; k < policies.length; k++) {
      const i = (n + k) % policies.length; // rotate who goes first
      const ms = await run(i, episodes[i]!, n);
      if (n >= 20) interleaved[i]!.push(ms);
    }
  }
  const sequential = policies.map(() => [] as number[]);
  for (const [i, p] of policies.entries()) {
    const episode = p.newEpisode(1);
    for (let n = 0; n < steps + 20; n++) {
      const ms = await run(i, episode, n);
      if (n >= 20) sequential[i]!.push(ms);
    }
  }
  const byName = (xs: number[][]): Record<string, number> => Object.fromEntries(policies.map((p, i) => [p.name, mean(xs[i]!)]));
  return { interleaved: byName(interleaved), sequential: byName(sequential) };
}

export async function benchGpu(options: GpuBenchOptions): Promise<GpuReport> {
  const t0 = performance.now();
  const notes: string[] = [];
  const views = mkdtempSync(join(tmpdir(), 'momento-bench-gpu-'));
  try {
    return await benchVariants(options.bundles.flatMap((dir) => variantsOf(dir, views, notes)), notes, options, t0);
  } finally {
    rmSync(views, { recursive: true, force: true });
  }
}

async function benchVariants(variants: readonly Variant[], notes: string[], options: GpuBenchOptions, t0: number): Promise<GpuReport> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const configs = options.configs ?? DEFAULT_CONFIGS;
  const batches = options.batches ?? [1, 8, 32, 64];
  const timing = { secondsPerRow: options.secondsPerRow ?? 1, minIterations: options.minIterations ?? 2, maxIterations: options.maxIterations ?? 500 };
  const twinName = options.twin ?? 'memoryless-sim';
  const rows: GpuRow[] = [];
  const skipped: GpuReport['skipped'] = [];
  const gpuUnavailable = new Map<string, string>();
  for (const v of variants) {
    for (const config of configs) {
      const warnings: string[] = [];
      let policy: Policy;
      try {
        policy = await Policy.load(v.dir, { device: config.device, threads: config.threads, warn: (w) => warnings.push(w) });
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        if (config.device === 'gpu') gpuUnavailable.set(v.bundle, reason);
        skipped.push({ bundle: v.bundle, graphs: v.graphs, config: config.label, reason });
        log(`bench gpu: ${v.bundle} (${v.graphs}) ${config.label}: skipped: ${reason.split('\n')[0]}`);
        continue;
      }
      try {
        await using floor = await GraphFloor.open(v.dir, policy.manifest, { device: config.device, threads: config.threads, roles: v.roles });
        if (floor.provider !== policy.provider) notes.push(`${v.bundle} ${config.label}: raw graphs on ${floor.provider}, momento on ${policy.provider}`);
        const observations = [...syntheticObservations(policy.manifest, 8)];
        let perRowMs = 0; // (momento + raw) ms per batch row at the last batch size, for the next one's estimate
        for (const batch of batches) {
          const r = await timeRow(policy, floor, observations, batch, perRowMs * batch, timing);
          perRowMs = (r.stepMs + r.rawMs) / batch;
          const row: GpuRow = {
            bundle: v.bundle, graphs: v.graphs, config: config.label, provider: policy.provider, threads: config.threads, batch,
            iterations: r.iterations, stepMs: r.stepMs, stepsPerSecond: (1000 * batch) / r.stepMs, rawMs: r.rawMs, ratio: r.stepMs / r.rawMs,
            loopLagP50Ms: r.lag.p50, loopLagP99Ms: r.lag.p99, loopLagMaxMs: r.lag.max,
          };
          rows.push(row);
          log(`bench gpu: ${v.bundle} (${v.graphs}) ${config.label} B=${batch}: ${row.stepMs.toFixed(2)} ms, ${row.stepsPerSecond.toFixed(0)} steps/s, ${row.ratio.toFixed(2)}x raw, ${row.iterations} iterations`);
        }
      } finally {
        await policy.release();
      }
    }
  }

  // Memory bundles against their memoryless twin, interleaved in one process.
  const twin: TwinResult[] = [];
  const bundleDirs = new Map(variants.filter((v) => v.graphs === 'separate').map((v) => [v.bundle, v.dir]));
  const pairNames = [...bundleDirs.keys()].filter((n) => n === twinName || (n.endsWith(twinName.replace(/^memoryless/, '')) && n !== twinName));
  if (!bundleDirs.has(twinName) || pairNames.length < 2) {
    notes.push(`twin comparison skipped: needs '${twinName}' and a memory bundle of the same suffix among the bundles`);
  } else {
    for (const config of configs.filter((c) => c.threads === 1)) {
      if (config.device === 'gpu' && [...pairNames].some((n) => gpuUnavailable.has(n))) continue;
      const policies: Policy[] = [];
      try {
        for (const n of pairNames) policies.push(await Policy.load(bundleDirs.get(n)!, { device: config.device, threads: config.threads }));
        const steps = options.twinSteps ?? 300;
        const meanMs = await timeTwins(policies, steps);
        const ratios = (m: Record<string, number>): Record<string, number> =>
          Object.fromEntries(Object.entries(m).filter(([n]) => n !== twinName).map(([n, ms]) => [n, ms / m[twinName]!]));
        twin.push({ config: config.label, provider: policies[0]!.provider, steps, meanMs, ratio: { interleaved: ratios(meanMs.interleaved), sequential: ratios(meanMs.sequential) } });
        log(`bench gpu: twin ${config.label}: interleaved ${JSON.stringify(twin[twin.length - 1]!.ratio.interleaved)}`);
      } finally {
        await Promise.all(policies.map((p) => p.release()));
      }
    }
  }

  // What --device auto picks, where a GPU opens.
  const auto: AutoResult[] = [];
  if ((options.auto ?? true) && configs.some((c) => c.device === 'gpu')) {
    for (const v of variants.filter((x, i, all) => all.findIndex((y) => y.bundle === x.bundle) === i)) {
      if (gpuUnavailable.has(v.bundle)) continue;
      for (const batch of batches) {
        const lines: string[] = [];
        const policy = await Policy.load(v.dir, { device: 'auto', autoBatch: batch, warn: (w) => lines.push(w) });
        const chosen = policy.provider;
        await policy.release();
        const at = (label: string): GpuRow | undefined => rows.find((r) => r.bundle === v.bundle && r.graphs === v.graphs && r.batch === batch && r.config === label);
        // Against the CPU row auto's CPU candidate matches: it runs with threads by batch size
        // (threadsForBatch: 4 from B = 16 on a 16-core host), not always 1.
        const cpu = at(`cpu-${threadsForBatch(batch, availableParallelism())}t`) ?? at('cpu-1t');
        const gpu = at('webgpu');
        auto.push({ bundle: v.bundle, batch, chosen, log: lines.join(' | '), ...(cpu && gpu ? { fasterInTable: gpu.stepMs < cpu.stepMs ? gpu.provider : cpu.provider } : {}) });
        log(`bench gpu: auto ${v.bundle} B=${batch}: ${chosen}`);
      }
    }
  }
  if (gpuUnavailable.size > 0) notes.push(`webgpu unavailable here: ${[...gpuUnavailable.values()][0]!.split('\n')[0]}`);
  return { section: 'gpu', inference: defaultInferenceMode(), fusedSupported: fusedSupported(), rows, skipped, twin, auto, notes, seconds: (performance.now() - t0) / 1000 };
}
