// Running statistics for a run: per-stage timing means and percentiles, memory high-water
// marks, dropped frames. Kept small: one object updated per step, summarised at the end.
import type { StageTimings, StepResult } from '../core/types.js';

export const STAGES = ['preprocessMs', 'encoderMs', 'memoryMs', 'headMs', 'totalMs'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageSummary {
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
}

export class StepStats {
  private readonly samples: Record<Stage, number[]> = { preprocessMs: [], encoderMs: [], memoryMs: [], headMs: [], totalMs: [] };
  steps = 0;
  maxEntries = 0;
  merges = 0;

  add(result: StepResult): void {
    this.steps++;
    for (const s of STAGES) this.samples[s].push(result.timings[s]);
    this.maxEntries = Math.max(this.maxEntries, result.memory.entries);
    this.merges += result.memory.merges;
  }

  stage(stage: Stage, from = 0, to = this.steps): StageSummary {
    const xs = this.samples[stage].slice(from, to);
    return summarize(xs);
  }

  timings(from = 0, to = this.steps): Record<Stage, StageSummary> {
    return Object.fromEntries(STAGES.map((s) => [s, this.stage(s, from, to)])) as Record<Stage, StageSummary>;
  }
}

export function summarize(xs: readonly number[]): StageSummary {
  if (xs.length === 0) return { mean: 0, p50: 0, p99: 0 };
  const sorted = [...xs].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least q of the samples at or below it.
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, p50: at(0.5), p99: at(0.99) };
}

export function formatTimings(t: StageTimings | Record<Stage, StageSummary>): string {
  const v = (s: Stage): number => {
    const x = (t as Record<Stage, unknown>)[s];
    return typeof x === 'number' ? x : (x as StageSummary).mean;
  };
  return `preprocess ${v('preprocessMs').toFixed(3)} · encoder ${v('encoderMs').toFixed(3)} · memory ${v('memoryMs').toFixed(3)} · head ${v('headMs').toFixed(3)} · total ${v('totalMs').toFixed(3)} ms`;
}
