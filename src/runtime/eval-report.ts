// Evaluation reports: per-task success with a 95% Wilson interval, mean steps and latency
// percentiles, as a table, as JSON, and as an SVG chart (memory vs memoryless per task) that
// opens in any browser.
import type { EpisodeResult } from './episode-loop.js';
import { summarize } from './stats.js';

export interface TaskReport {
  readonly task: string;
  readonly episodes: number;
  readonly successes: number;
  readonly rate: number;
  readonly low: number;
  readonly high: number;
  readonly meanSteps: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  /**
   * Median of each call's latency over the episodes batched into it: the per-step share. The
   * latency columns above time the whole batched call (eval batches ~8 concurrent sessions), not one step.
   */
  readonly perStepP50Ms?: number;
  /** Episodes that ended on a simulator fault (counted as failures in `rate`). */
  readonly faults: number;
  /** Chunks refused for NaN or infinite values, over all episodes of the task. */
  readonly nonFiniteChunks: number;
  /**
   * Best memoryless success: the mean over the episodes of the chance at each one's parameters
   * when the simulator reported them, else the task's listed chance.
   */
  readonly chance?: number;
  /** Each task parameter's [lowest, highest] value over the episodes, when the simulator reported them. */
  readonly params?: Readonly<Record<string, readonly [number, number]>>;
}

/** [min, max] of every parameter over the episodes' settings. */
function paramRanges(results: readonly EpisodeResult[]): Record<string, [number, number]> | undefined {
  const ranges: Record<string, [number, number]> = {};
  for (const r of results) {
    for (const [name, v] of Object.entries(r.setting?.params ?? {})) {
      const range = ranges[name];
      ranges[name] = range ? [Math.min(range[0], v), Math.max(range[1], v)] : [v, v];
    }
  }
  return Object.keys(ranges).length > 0 ? ranges : undefined;
}

/** A parameter summary line per task, e.g. `shell-game: show 6..14, swaps 8` (empty when none were reported). */
export function paramSummary(report: TaskReport): string {
  const entries = Object.entries(report.params ?? {}).map(([name, [low, high]]) => `${name} ${low === high ? low : `${low}..${high}`}`);
  return entries.length > 0 ? `${report.task}: ${entries.join(', ')}` : '';
}

/** Wilson score interval for k successes in n trials (z = 1.96). */
export function wilson(k: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export function reportTasks(results: readonly EpisodeResult[], chance: ReadonlyMap<string, number> = new Map()): TaskReport[] {
  const tasks = [...new Set(results.map((r) => r.task))];
  return tasks.map((task) => {
    const rs = results.filter((r) => r.task === task);
    const successes = rs.filter((r) => r.success).length;
    const latency = summarize(rs.flatMap((r) => r.latenciesMs));
    const perStep = summarize(rs.flatMap((r) => r.perStepMs ?? r.latenciesMs));
    const reported = rs.filter((r) => r.setting !== undefined);
    const c = reported.length === rs.length ? reported.reduce((n, r) => n + r.setting!.memorylessChance, 0) / rs.length : chance.get(task);
    const params = paramRanges(rs);
    return {
      task,
      episodes: rs.length,
      successes,
      rate: successes / rs.length,
      ...wilson(successes, rs.length),
      meanSteps: rs.reduce((n, r) => n + r.steps, 0) / rs.length,
      latencyP50Ms: latency.p50,
      latencyP99Ms: latency.p99,
      perStepP50Ms: perStep.p50,
      faults: rs.filter((r) => r.fault !== undefined).length,
      nonFiniteChunks: rs.reduce((n, r) => n + r.nonFiniteChunks, 0),
      ...(c !== undefined ? { chance: c } : {}),
      ...(params ? { params } : {}),
    };
  });
}

export function reportRows(reports: readonly TaskReport[]): string[][] {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}`;
  return reports.map((r) => [
    r.task,
    String(r.episodes),
    pct(r.rate),
    `[${pct(r.low)}, ${pct(r.high)}]`,
    r.chance === undefined ? '' : pct(r.chance),
    r.meanSteps.toFixed(1),
    r.latencyP50Ms.toFixed(2),
    r.latencyP99Ms.toFixed(2),
    r.perStepP50Ms?.toFixed(2) ?? '-',
    String(r.faults),
    String(r.nonFiniteChunks),
  ]);
}

export const REPORT_HEADER = ['task', 'episodes', 'success %', '95% CI', 'chance %', 'mean steps', 'call p50 ms', 'call p99 ms', 'per-step p50 ms', 'faults', 'non-finite'];

/** Warnings a reader of the table must not miss: faulted episodes by reason, non-finite chunks. */
export function reportWarnings(label: string, results: readonly EpisodeResult[]): string[] {
  const warnings: string[] = [];
  const byReason = new Map<string, number>();
  for (const r of results) if (r.fault !== undefined) byReason.set(r.fault, (byReason.get(r.fault) ?? 0) + 1);
  for (const [reason, n] of byReason) warnings.push(`${label}: ${n} of ${results.length} episodes failed on a simulator fault (${reason})`);
  const nonFinite = results.filter((r) => r.nonFiniteChunks > 0);
  if (nonFinite.length > 0) {
    const chunks = nonFinite.reduce((n, r) => n + r.nonFiniteChunks, 0);
    const first = nonFinite[0]!;
    warnings.push(`${label}: ${chunks} action chunks with NaN or infinite values in ${nonFinite.length} episodes (held instead); first: ${first.task} seed ${first.seed}: ${first.nonFiniteDetail ?? ''}`);
  }
  return warnings;
}

export interface ChartSeries {
  readonly label: string;
  readonly reports: readonly TaskReport[];
}

/** A grouped bar chart of success per task for each series, with the intervals as whiskers. */
export function successChartSvg(title: string, series: readonly ChartSeries[]): string {
  const tasks = [...new Set(series.flatMap((s) => s.reports.map((r) => r.task)))];
  const colours = ['#2b6cb0', '#dd6b20', '#38a169', '#805ad5', '#d53f8c', '#319795', '#718096', '#b7791f'];
  const bar = series.length > 4 ? 24 : 36;
  const group = 40 + series.length * bar;
  // The legend: one entry per series and the chance line, wrapped into rows that fit the width.
  const entries = [...series.map((s, si) => ({ label: s.label, colour: colours[si % colours.length]! })), { label: 'memoryless chance', colour: undefined }];
  const entryWidth = (label: string): number => 30 + 7 * label.length;
  const W = Math.max(160 + tasks.length * group, 80 + Math.max(...entries.map((e) => entryWidth(e.label))));
  const legend: { x: number; row: number; label: string; colour: string | undefined }[] = [];
  let x = 80;
  let row = 0;
  for (const e of entries) {
    if (x > 80 && x + entryWidth(e.label) > W - 10) {
      row++;
      x = 80;
    }
    legend.push({ x, row, ...e });
    x += entryWidth(e.label);
  }
  const top = 50;
  const bottom = 260;
  const H = 300 + 20 * (row + 1);
  const y = (v: number): number => bottom - v * (bottom - top);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="15">${escape(title)}</text>`,
  ];
  for (let v = 0; v <= 1.0001; v += 0.25) {
    parts.push(`<line x1="60" x2="${W - 20}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`, `<text x="54" y="${y(v) + 4}" text-anchor="end">${Math.round(v * 100)}%</text>`);
  }
  tasks.forEach((task, ti) => {
    const x0 = 80 + ti * group;
    series.forEach((s, si) => {
      const r = s.reports.find((x) => x.task === task);
      if (!r) return;
      const x = x0 + si * bar;
      parts.push(
        `<rect x="${x}" y="${y(r.rate)}" width="${bar - 6}" height="${bottom - y(r.rate)}" fill="${colours[si % colours.length]}"><title>${escape(s.label)} ${escape(task)}: ${(r.rate * 100).toFixed(1)}% (${r.successes}/${r.episodes})</title></rect>`,
        `<line x1="${x + (bar - 6) / 2}" x2="${x + (bar - 6) / 2}" y1="${y(r.high)}" y2="${y(r.low)}" stroke="black"/>`,
      );
      if (r.chance !== undefined && si === 0) {
        parts.push(`<line x1="${x0 - 4}" x2="${x0 + series.length * bar}" y1="${y(r.chance)}" y2="${y(r.chance)}" stroke="#c53030" stroke-dasharray="4 3"><title>memoryless chance ${(r.chance * 100).toFixed(1)}%</title></line>`);
      }
    });
    parts.push(`<text x="${x0 + (series.length * bar) / 2 - 3}" y="${bottom + 18}" text-anchor="middle">${escape(task)}</text>`);
  });
  for (const e of legend) {
    const ly = bottom + 40 + 20 * e.row;
    if (e.colour !== undefined) parts.push(`<rect x="${e.x}" y="${ly - 11}" width="14" height="14" fill="${e.colour}"/>`);
    else parts.push(`<line x1="${e.x}" x2="${e.x + 20}" y1="${ly - 4}" y2="${ly - 4}" stroke="#c53030" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${e.x + (e.colour !== undefined ? 20 : 26)}" y="${ly}">${escape(e.label)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
