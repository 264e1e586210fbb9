// `bench gpu --profile`: where a step's time goes, for one bundle (memoryvla-sim by default) at a
// few batch sizes on each provider. Three pieces of evidence:
// 1. momento steps with every graph call observed (onnx/run-observer.ts): session.run calls per
//    step, outputs read back per step and their bytes, and the step's time split into session.run,
//    tensor wrapping around it, and the rest of momento's JS work; fused and separate graphs, each
//    with the read-backs packed into one output (packed-outputs.ts) and without.
// 2. read-back cost (GPU providers): the step graph alone, its runtime-read outputs fetched to the
//    CPU one by one, left on the GPU, packed into one, or only the actions, timed round-robin.
// 3. onnxruntime's own profile (ort-trace.ts) of the default fused and separate policies: kernels
//    per run, their summed time against the run's wall time, kernels per provider, copies.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { graphPlan } from '../policy/graph-plan.js';
import { bucketFor, OnnxGraph, isResident, releaseResident, type Feed, type GraphValue } from '../onnx/graph.js';
import { observeRuns, type RunRecord } from '../onnx/run-observer.js';
import { Policy } from '../policy/policy.js';
import { syntheticObservations } from '../runtime/synthetic.js';
import type { RunConfig } from './gpu.js';
import { inputFor } from './graph-floor.js';
import { summariseTraces, type TraceSummary } from './ort-trace.js';

export interface ProfileOptions {
  /** The bundle folder. */
  readonly bundle: string;
  readonly configs: readonly RunConfig[];
  readonly batches: readonly number[];
  /** Timed steps at batch sizes up to 8 and above. Default 60 / 25. */
  readonly steps?: { readonly small: number; readonly large: number };
  /** Where onnxruntime writes its traces (summarised, then left there). */
  readonly traceDir: string;
  readonly log?: (line: string) => void;
}

export interface StepProfile {
  readonly config: string;
  readonly provider: string;
  /** 'fused' or 'separate', '+packed' when the read-backs of a graph are packed into one output. */
  readonly variant: string;
  readonly batch: number;
  readonly steps: number;
  readonly stepMs: number;
  readonly stepMsMedian: number;
  readonly runsPerStep: number;
  readonly readBacksPerStep: number;
  readonly readBackBytesPerStep: number;
  /** ms per step inside session.run (graph execution, uploads and read-backs). */
  readonly runMsPerStep: number;
  /** ms per step making input tensors and wrapping or splitting outputs around session.run. */
  readonly wrapMsPerStep: number;
  /** stepMs - runMs - wrapMs: preprocessing, memory fill and commit, checks, result assembly, promise hops. */
  readonly otherJsMsPerStep: number;
  /**
   * Max |difference| of the last timed step's chunks from the same step of this config's first
   * variant (every variant runs the same episodes on the same observations): 0 between packed
   * and unpacked read-backs, ~1e-6 between fused and separate graphs.
   */
  readonly maxAbsDiffFromFirst: number;
  /** Per graph call of a step: file, rows, mean run ms, what came back (name@location). */
  readonly calls: readonly { readonly graph: string; readonly rows: number; readonly runMs: number; readonly outputs: readonly string[] }[];
}

export interface ReadBackProfile {
  readonly config: string;
  readonly provider: string;
  readonly batch: number;
  readonly runs: number;
  /** The outputs the runtime reads from the step graph. */
  readonly outputs: readonly string[];
  /**
   * Median ms of session.run: each output fetched to the CPU; all left on the GPU (the run then
   * returns once its work is submitted, without waiting for the GPU: a lower bound); packed into
   * one; only the actions (one read-back, which waits for the GPU like the others).
   */
  readonly separateMs: number;
  readonly onDeviceMs: number;
  readonly packedMs: number;
  readonly actionsOnlyMs: number;
  /** (separate - actionsOnly) / (outputs - 1): what one more read-back costs (both wait for the GPU). */
  readonly msPerReadBack: number;
}

export interface ProfileReport {
  readonly section: 'gpu-profile';
  readonly bundle: string;
  readonly steps: StepProfile[];
  readonly readBack: ReadBackProfile[];
  readonly ort: { readonly config: string; readonly variant: string; readonly traces: TraceSummary[] }[];
  readonly skipped: { readonly config: string; readonly reason: string }[];
  readonly seconds: number;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
const fileName = (path: string): string => path.split('/').at(-1)!;

interface Variant {
  readonly fused: boolean;
  readonly pack: boolean;
}

const VARIANTS: readonly Variant[] = [
  { fused: true, pack: true },
  { fused: true, pack: false },
  { fused: false, pack: true },
  { fused: false, pack: false },
];

const variantLabel = (v: Variant): string => `${v.fused ? 'fused' : 'separate'}${v.pack ? '+packed' : ''}`;

/** Observed momento steps of one loaded policy at one batch size. */
async function profileSteps(policy: Policy, batch: number, steps: number): Promise<Omit<StepProfile, 'config' | 'variant' | 'maxAbsDiffFromFirst'> & { readonly chunks: Float32Array }> {
  const observations = [...syntheticObservations(policy.manifest, 8)];
  const episodes = Array.from({ length: batch }, (_, s) => policy.newEpisode(s));
  let frame = 0;
  let chunks = new Float32Array(0);
  const step = async (): Promise<number> => {
    const items = episodes.map((episode, s) => ({ episode, observation: observations[(frame + s) % observations.length]! }));
    frame++;
    const t0 = performance.now();
    const results = await policy.stepBatch(items);
    const ms = performance.now() - t0;
    chunks = Float32Array.from(results.flatMap((r) => [...r.chunk.values]));
    return ms;
  };
  for (let i = 0; i < 5; i++) await step(); // warm: the bucket session opens on the first
  const records: RunRecord[][] = [];
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const calls: RunRecord[] = [];
    const stop = observeRuns((r) => calls.push(r));
    try {
      times.push(await step());
    } finally {
      stop();
    }
    records.push(calls);
  }
  const perStep = (f: (calls: RunRecord[]) => number): number => mean(records.map(f));
  const sum = (calls: RunRecord[], f: (r: RunRecord) => number): number => calls.reduce((a, r) => a + f(r), 0);
  const readBacks = (r: RunRecord) => r.outputs.filter((o) => o.location === 'cpu');
  const stepMs = mean(times);
  const runMs = perStep((c) => sum(c, (r) => r.runMs));
  const wrapMs = perStep((c) => sum(c, (r) => r.inputMs + r.outputMs));
  const first = records[0] ?? [];
  return {
    chunks,
    provider: policy.provider,
    batch,
    steps,
    stepMs,
    stepMsMedian: median(times),
    runsPerStep: perStep((c) => c.length),
    readBacksPerStep: perStep((c) => sum(c, (r) => readBacks(r).length)),
    readBackBytesPerStep: perStep((c) => sum(c, (r) => readBacks(r).reduce((a, o) => a + o.bytes, 0))),
    runMsPerStep: runMs,
    wrapMsPerStep: wrapMs,
    otherJsMsPerStep: stepMs - runMs - wrapMs,
    calls: first.map((r, k) => ({
      graph: fileName(r.file),
      rows: r.rows,
      runMs: mean(records.map((c) => c[k]?.runMs ?? 0)),
      outputs: r.outputs.map((o) => `${o.name}@${o.location}`),
    })),
  };
}

/** Read-back cost of the step graph at `batch` rows (see the module comment, 2). */
async function profileReadBack(bundle: string, policy: Policy, config: RunConfig, batch: number, runs: number): Promise<ReadBackProfile | undefined> {
  const m = policy.manifest;
  const spec = m.graphs.step;
  if (!spec) return undefined;
  const outputs = graphPlan(m, { attention: false, fused: true }).packOutputs.step;
  const file = join(bundle, spec.file);
  const base = { file, device: config.device, threads: config.threads, inference: 'inline' as const };
  const graphs = {
    separate: await OnnxGraph.create(base),
    onDevice: await OnnxGraph.create({ ...base, deviceOutputs: spec.outputs.map((o) => o.name) }),
    packed: await OnnxGraph.create({ ...base, packOutputs: outputs, packOn: 'always' }),
  };
  try {
    const tasks = m.observation.instruction?.tasks.length ?? 1;
    const slots = m.memory.kind === 'memoryvla' ? m.memory.capacity : 1;
    // The bucket's rows: outputs left on the device cannot drop padded rows.
    const rows = bucketFor(batch) ?? batch;
    const feeds: Record<string, Feed> = Object.fromEntries(spec.inputs.map((input, i) => [input.name, inputFor(input, rows, tasks, slots, i)]));
    const once = async (graph: OnnxGraph, fetch: readonly string[]): Promise<number> => {
      const t0 = performance.now();
      const out: Record<string, GraphValue> = await graph.runValues(feeds, fetch);
      const ms = performance.now() - t0;
      for (const v of Object.values(out)) if (isResident(v)) releaseResident(v);
      return ms;
    };
    // A run whose outputs all stay on the GPU returns once its work is submitted, without waiting
    // for it; an untimed run that reads back drains that work before the next timed case.
    const drained = async (ms: number): Promise<number> => (await once(graphs.separate, ['actions']), ms);
    const cases: [keyof ReadBackProfile, () => Promise<number>][] = [
      ['separateMs', () => once(graphs.separate, outputs)],
      ['packedMs', () => once(graphs.packed, outputs)],
      ['actionsOnlyMs', () => once(graphs.separate, ['actions'])],
      ['onDeviceMs', async () => drained(await once(graphs.onDevice, outputs))],
    ];
    for (let i = 0; i < 3; i++) for (const [, run] of cases) await run();
    const times = new Map<string, number[]>(cases.map(([k]) => [k, []]));
    for (let i = 0; i < runs; i++) for (const [k, run] of cases) times.get(k)!.push(await run());
    const t = (k: string): number => median(times.get(k)!);
    return {
      config: config.label, provider: graphs.separate.provider, batch: rows, runs, outputs,
      separateMs: t('separateMs'), onDeviceMs: t('onDeviceMs'), packedMs: t('packedMs'), actionsOnlyMs: t('actionsOnlyMs'),
      msPerReadBack: (t('separateMs') - t('actionsOnlyMs')) / Math.max(1, outputs.length - 1),
    };
  } finally {
    await Promise.all(Object.values(graphs).map((g) => g.release()));
  }
}

export async function profileGpu(options: ProfileOptions): Promise<ProfileReport> {
  const t0 = performance.now();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const steps = options.steps ?? { small: 60, large: 25 };
  const stepsAt = (batch: number): number => (batch <= 8 ? steps.small : steps.large);
  mkdirSync(options.traceDir, { recursive: true });
  const report: ProfileReport = { section: 'gpu-profile', bundle: options.bundle, steps: [], readBack: [], ort: [], skipped: [], seconds: 0 };
  for (const config of options.configs) {
    const pack = (v: Variant): 'gpu' | 'always' | 'never' => (!v.pack ? 'never' : config.device === 'cpu' ? 'always' : 'gpu');
    let opened = true;
    const reference = new Map<number, Float32Array>(); // the first variant's last chunks, by batch
    for (const v of VARIANTS) {
      if (!opened) break;
      let policy: Policy;
      try {
        policy = await Policy.load(options.bundle, { device: config.device, threads: config.threads, fused: v.fused, packReads: pack(v), inference: 'inline' });
      } catch (err) {
        const reason = err instanceof Error ? err.message.split('\n')[0]! : String(err);
        report.skipped.push({ config: config.label, reason });
        log(`bench gpu --profile: ${config.label}: skipped: ${reason}`);
        opened = false;
        break;
      }
      try {
        if (v.fused && !policy.plan.fused) {
          log(`bench gpu --profile: ${config.label}: the bundle has no fused step graph; ${variantLabel(v)} left out`);
          continue;
        }
        for (const batch of options.batches) {
          const { chunks, ...p } = await profileSteps(policy, batch, stepsAt(batch));
          const first = reference.get(batch) ?? chunks;
          reference.set(batch, first);
          const maxAbsDiffFromFirst = chunks.length === first.length ? chunks.reduce((m, x, i) => Math.max(m, Math.abs(x - first[i]!)), 0) : Infinity;
          report.steps.push({ config: config.label, variant: variantLabel(v), ...p, maxAbsDiffFromFirst });
          log(`bench gpu --profile: ${config.label} ${variantLabel(v)} B=${batch}: ${p.stepMs.toFixed(2)} ms/step, ${p.runsPerStep} runs, ${p.readBacksPerStep} read-backs (${p.readBackBytesPerStep} B), run ${p.runMsPerStep.toFixed(2)} ms, wrap ${p.wrapMsPerStep.toFixed(3)} ms, other JS ${p.otherJsMsPerStep.toFixed(3)} ms`);
          if (v.fused && v.pack && config.device !== 'cpu') {
            const r = await profileReadBack(options.bundle, policy, config, batch, stepsAt(batch));
            if (r) {
              report.readBack.push(r);
              log(`bench gpu --profile: ${config.label} B=${batch} read-back: separate ${r.separateMs.toFixed(2)}, on device ${r.onDeviceMs.toFixed(2)}, packed ${r.packedMs.toFixed(2)}, actions only ${r.actionsOnlyMs.toFixed(2)} ms`);
            }
          }
        }
      } finally {
        await policy.release();
      }
    }
    if (!opened) continue;
    // onnxruntime's profile of the policies as they run by default (packed read-backs on a GPU).
    for (const fused of [true, false]) {
      const prefix = join(options.traceDir, `ort-${config.label}-${fused ? 'fused' : 'separate'}`);
      // Traces of an earlier run into the same folder would be summarised with this one's.
      for (const f of readdirSync(options.traceDir)) if (f.startsWith(basename(prefix)) && f.endsWith('.json')) rmSync(join(options.traceDir, f));
      const policy = await Policy.load(options.bundle, { device: config.device, threads: config.threads, fused, inference: 'inline', profilePrefix: prefix });
      try {
        if (fused && !policy.plan.fused) continue;
        for (const batch of options.batches) await profileSteps(policy, batch, 8);
      } finally {
        await policy.release(); // writes the traces
      }
      const traces = summariseTraces(prefix);
      report.ort.push({ config: config.label, variant: fused ? 'fused' : 'separate', traces });
      for (const t of traces) log(`bench gpu --profile: ort ${t.file}: ${t.counted} runs, ${t.runMs.toFixed(2)} ms/run, ${t.kernelsPerRun} kernels (${t.kernelMsPerRun.toFixed(2)} ms), copies ${t.copiesPerRun}`);
    }
  }
  return { ...report, seconds: (performance.now() - t0) / 1000 };
}
