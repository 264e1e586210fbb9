// The papers' memory ablations of one bundle, on the same seeds: the bundle as trained; its
// memory cleared every step; and, for MemoryVLA banks, the runtime variants that need no
// retraining — FIFO eviction of the oldest entry instead of consolidation by merging (MemoryVLA:
// merge 71.9 vs FIFO 66.7) and bank capacity L/4, L/2, 2L (L = 4/16/64 → 67.7/71.9/67.7). This
// module plans the variants and reports them (table, JSON, SVG); `momento eval --ablation memory`
// runs them.
import type { Manifest } from '../bundle/manifest.js';
import type { Eviction } from '../memory/memory-bank.js';
import { maxCapacity, type MemoryOverride } from '../policy/memory-override.js';
import { successChartSvg, wilson, type ChartSeries, type TaskReport } from './eval-report.js';

export interface AblationVariant {
  /** Stable id, used in the JSON and as the recording subfolder: `as-trained`, `cleared`, `fifo`, `capacity-4`. */
  readonly id: string;
  readonly label: string;
  /** Clear the memory every step. */
  readonly noMemory: boolean;
  readonly override?: MemoryOverride;
  /** What the variant runs with (memoryvla): eviction rule and capacity. */
  readonly eviction?: Eviction;
  readonly capacity?: number;
  /** Set when the variant cannot run on this bundle: why. */
  readonly skip?: string;
}

export interface AblationPlan {
  readonly bundle: string;
  readonly kind: Manifest['memory']['kind'];
  readonly variants: readonly AblationVariant[];
  /** Variants the papers have that this bundle cannot run, and why. */
  readonly notes: readonly string[];
}

/**
 * The variants for a bundle. `remote`: the policy runs on a server, which takes no memory
 * override, so only the as-trained and cleared variants run.
 */
export function planMemoryAblation(manifest: Manifest, options: { readonly remote?: boolean } = {}): AblationPlan {
  const mem = manifest.memory;
  const notes: string[] = [];
  const variants: AblationVariant[] = [];
  if (mem.kind !== 'memoryvla') {
    variants.push({ id: 'as-trained', label: 'as trained', noMemory: false }, { id: 'cleared', label: 'memory cleared every step', noMemory: true });
    if (mem.kind === 'hamlet') {
      notes.push(`window T/4..2T not run: HAMLET's window T = ${mem.window} is part of the memory graph (its RoPE tables and block-causal mask are sized T at export), so another T needs a re-export, not a runtime override`);
    }
    return { bundle: manifest.name, kind: mem.kind, variants, notes };
  }
  const L = mem.capacity;
  const trained: Eviction = mem.eviction ?? 'merge';
  const other: Eviction = trained === 'merge' ? 'fifo' : 'merge';
  const most = maxCapacity(manifest);
  const remoteSkip = options.remote ? 'needs a local bundle (a policy server takes no memory override)' : undefined;
  variants.push(
    { id: 'as-trained', label: `as trained (${trained}, L = ${L})`, noMemory: false, eviction: trained, capacity: L },
    { id: 'cleared', label: 'memory cleared every step', noMemory: true },
    { id: other, label: `${other === 'fifo' ? 'FIFO eviction' : 'merge consolidation'} (L = ${L})`, noMemory: false, override: { eviction: other }, eviction: other, capacity: L, ...(remoteSkip ? { skip: remoteSkip } : {}) },
  );
  const capacities: [string, number][] = [['L/4', Math.floor(L / 4)], ['L/2', Math.floor(L / 2)], ['2L', 2 * L]];
  const seen = new Set([L]);
  for (const [name, capacity] of capacities) {
    if (capacity < 1 || seen.has(capacity)) {
      notes.push(`capacity ${name} not run: it is ${capacity} for L = ${L}`);
      continue;
    }
    seen.add(capacity);
    const tooLarge = capacity > most ? `the memory graph's bank axis is fixed at ${most} slots (re-export with the symbolic bank axis to pad)` : undefined;
    const skip = remoteSkip ?? tooLarge;
    variants.push({ id: `capacity-${capacity}`, label: `capacity ${name} = ${capacity} (${trained})`, noMemory: false, override: { capacity }, eviction: trained, capacity, ...(skip ? { skip } : {}) });
  }
  return { bundle: manifest.name, kind: mem.kind, variants, notes };
}

/** Success over all tasks of a variant, pooled, with its 95 % Wilson interval. */
export interface OverallReport {
  readonly episodes: number;
  readonly successes: number;
  readonly rate: number;
  readonly low: number;
  readonly high: number;
}

export function overallReport(reports: readonly TaskReport[]): OverallReport {
  const episodes = reports.reduce((n, r) => n + r.episodes, 0);
  const successes = reports.reduce((n, r) => n + r.successes, 0);
  return { episodes, successes, rate: episodes === 0 ? 0 : successes / episodes, ...wilson(successes, episodes) };
}

export interface AblationRow {
  readonly variant: AblationVariant;
  /** Per task; empty when the variant was skipped. */
  readonly reports: readonly TaskReport[];
  readonly overall?: OverallReport;
}

export interface AblationReport {
  readonly ablation: 'memory';
  readonly bundle: string;
  readonly kind: string;
  readonly tasks: readonly string[];
  readonly episodesPerTask: number;
  readonly seedStart: number;
  /** The configurations every variant ran ('test', 'train', or 'all': consecutive seeds from seedStart). */
  readonly split: string;
  /** Task parameters set per task (--param, --beyond); the others are each seed's defaults. */
  readonly params: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly rows: readonly {
    readonly id: string;
    readonly label: string;
    readonly noMemory: boolean;
    readonly eviction?: Eviction;
    readonly capacity?: number;
    readonly skipped?: string;
    readonly tasks: readonly { task: string; episodes: number; successes: number; rate: number; low: number; high: number; chance?: number }[];
    readonly overall?: OverallReport;
  }[];
  readonly notes: readonly string[];
}

export interface AblationRunSpec {
  readonly tasks: readonly string[];
  readonly episodesPerTask: number;
  readonly seedStart: number;
  readonly split: string;
  readonly params: AblationReport['params'];
}

export function ablationReport(plan: AblationPlan, rows: readonly AblationRow[], run: AblationRunSpec): AblationReport {
  return {
    ablation: 'memory',
    bundle: plan.bundle,
    kind: plan.kind,
    tasks: run.tasks,
    episodesPerTask: run.episodesPerTask,
    seedStart: run.seedStart,
    split: run.split,
    params: run.params,
    rows: rows.map(({ variant: v, reports, overall }) => ({
      id: v.id,
      label: v.label,
      noMemory: v.noMemory,
      ...(v.eviction !== undefined ? { eviction: v.eviction } : {}),
      ...(v.capacity !== undefined ? { capacity: v.capacity } : {}),
      ...(v.skip !== undefined ? { skipped: v.skip } : {}),
      tasks: reports.map((r) => ({ task: r.task, episodes: r.episodes, successes: r.successes, rate: r.rate, low: r.low, high: r.high, ...(r.chance !== undefined ? { chance: r.chance } : {}) })),
      ...(overall ? { overall } : {}),
    })),
    notes: plan.notes,
  };
}

const pct = (x: number): string => (100 * x).toFixed(1);
const cell = (r: { rate: number; low: number; high: number } | undefined): string => (r ? `${pct(r.rate)} [${pct(r.low)}, ${pct(r.high)}]` : '-');

/** The table: one row per variant, success % [95 % CI] per task and overall. */
export function ablationTable(report: AblationReport): { header: string[]; rows: string[][] } {
  const header = ['variant', 'eviction', 'L', ...report.tasks, 'overall'];
  const rows = report.rows.map((row) => [
    row.label,
    row.eviction ?? '-',
    row.capacity === undefined ? '-' : String(row.capacity),
    ...report.tasks.map((t) => (row.skipped !== undefined ? 'skipped' : cell(row.tasks.find((x) => x.task === t)))),
    row.skipped !== undefined ? 'skipped' : cell(row.overall),
  ]);
  return { header, rows };
}

/** Lines under the table: why a variant was skipped, and what the bundle cannot vary. */
export function ablationNotes(report: AblationReport): string[] {
  return [...report.rows.flatMap((row) => (row.skipped !== undefined ? [`skipped ${row.label}: ${row.skipped}`] : [])), ...report.notes];
}

/** The chart: success per task and overall for every variant that ran, intervals as whiskers. */
export function ablationChartSvg(report: AblationReport, rows: readonly AblationRow[]): string {
  const series = rows
    .filter((r) => r.variant.skip === undefined && r.overall !== undefined)
    .map((r): ChartSeries => {
      const o = r.overall!;
      const overall: TaskReport = { task: 'overall', episodes: o.episodes, successes: o.successes, rate: o.rate, low: o.low, high: o.high, meanSteps: 0, latencyP50Ms: 0, latencyP99Ms: 0, faults: 0, nonFiniteChunks: 0 };
      return { label: r.variant.label, reports: [...r.reports, overall] };
    });
  return successChartSvg(`${report.bundle}: memory ablation, ${report.episodesPerTask} episodes per task, ${report.split} configurations from seed ${report.seedStart}`, series);
}

/** The line above the table: what every variant ran on. */
export function ablationTitle(report: AblationReport): string {
  const params = Object.entries(report.params).filter(([, p]) => Object.keys(p).length > 0).map(([task, p]) => `${task} ${Object.entries(p).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  return `memory ablation of ${report.bundle} (${report.kind}): success % [95% Wilson interval], ${report.episodesPerTask} episodes per task, the same for every variant: ${report.split} configurations from seed ${report.seedStart}${params.length > 0 ? `, parameters ${params.join('; ')}` : ''}`;
}
