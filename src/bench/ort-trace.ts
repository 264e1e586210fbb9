// Summary of onnxruntime's own profile (SessionOptions.enableProfiling): a Chrome-trace JSON array
// per session, with a `model_run` event per session.run and a `<node>_kernel_time` event per
// kernel (provider and op in `args`). Per session: runs, their wall time, kernels per run and
// their summed time, how many ran on which provider, the copies between host and device, and the
// ops that took the most time. On WebGPU a kernel's time is what the CPU spent recording and
// submitting it (the GPU runs asynchronously), so kernel time far below the run's wall time
// says the run waits, not computes.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

interface TraceEvent {
  readonly cat?: string;
  readonly name: string;
  readonly ts: number;
  readonly dur?: number;
  readonly args?: { readonly op_name?: string; readonly provider?: string };
}

export interface TraceSummary {
  /** The trace file's name (prefix: role and bucket, see OnnxGraphOptions.profilePrefix). */
  readonly file: string;
  /** session.run calls in the trace. */
  readonly runs: number;
  /** Runs summarised: every one but the first (the first pays lazy initialisation, shader compilation above all). */
  readonly counted: number;
  /** Median wall ms of a run (`model_run`). */
  readonly runMs: number;
  /** Median kernels per run. */
  readonly kernelsPerRun: number;
  /** Median summed kernel ms per run. */
  readonly kernelMsPerRun: number;
  /** Kernels per run by provider (e.g. WebGpuExecutionProvider, CPUExecutionProvider). */
  readonly byProvider: Record<string, { readonly kernels: number; readonly ms: number }>;
  /** Memcpy (host <-> device) kernels per run. */
  readonly copiesPerRun: number;
  /** The ops with the most kernel time per run, most first. */
  readonly topOps: readonly { readonly op: string; readonly kernels: number; readonly ms: number }[];
}

const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};

/** The summary of one trace's events. */
export function summariseTrace(file: string, events: readonly TraceEvent[]): TraceSummary {
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const kernels = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
  const counted = runs.length > 1 ? runs.slice(1) : runs;
  const perRun = counted.map((run) => kernels.filter((k) => k.ts >= run.ts && k.ts <= run.ts + (run.dur ?? 0)));
  const providers = new Map<string, { kernels: number; us: number }>();
  const ops = new Map<string, { kernels: number; us: number }>();
  let copies = 0;
  for (const ks of perRun) {
    for (const k of ks) {
      const provider = k.args?.provider ?? 'unknown';
      const op = k.args?.op_name ?? 'unknown';
      const p = providers.get(provider) ?? { kernels: 0, us: 0 };
      providers.set(provider, { kernels: p.kernels + 1, us: p.us + (k.dur ?? 0) });
      const o = ops.get(op) ?? { kernels: 0, us: 0 };
      ops.set(op, { kernels: o.kernels + 1, us: o.us + (k.dur ?? 0) });
      if (/^Memcpy/.test(op)) copies++;
    }
  }
  const n = Math.max(1, perRun.length);
  return {
    file: basename(file),
    runs: runs.length,
    counted: perRun.length,
    runMs: median(counted.map((r) => (r.dur ?? 0) / 1000)),
    kernelsPerRun: median(perRun.map((ks) => ks.length)),
    kernelMsPerRun: median(perRun.map((ks) => ks.reduce((a, k) => a + (k.dur ?? 0), 0) / 1000)),
    byProvider: Object.fromEntries([...providers].map(([p, v]) => [p, { kernels: v.kernels / n, ms: v.us / n / 1000 }])),
    copiesPerRun: copies / n,
    topOps: [...ops].sort((a, b) => b[1].us - a[1].us).slice(0, 6).map(([op, v]) => ({ op, kernels: v.kernels / n, ms: v.us / n / 1000 })),
  };
}

/** Summaries of the trace files whose names start with basename(prefix), in its folder, with at least one run. */
export function summariseTraces(prefix: string): TraceSummary[] {
  const dir = dirname(prefix);
  const start = basename(prefix);
  return readdirSync(dir)
    .filter((f) => f.startsWith(start) && f.endsWith('.json'))
    .sort()
    .map((f) => summariseTrace(f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as TraceEvent[]))
    .filter((s) => s.runs > 0);
}
