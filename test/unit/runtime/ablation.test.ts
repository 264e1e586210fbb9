// Planning and reporting the memory ablation: which variants a bundle gets (and why some are
// skipped), the pooled overall interval, the table cells and the notes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifest } from '../../../src/bundle/load.js';
import type { Manifest } from '../../../src/bundle/manifest.js';
import { ablationNotes, ablationReport, ablationTable, ablationTitle, overallReport, planMemoryAblation, type AblationRow } from '../../../src/runtime/ablation.js';
import { wilson, type TaskReport } from '../../../src/runtime/eval-report.js';
import { ROOT } from '../../helpers/cli.js';
import { BUNDLES } from '../../helpers/reference.js';

const sim = readManifest(join(ROOT, 'policies', 'memoryvla-sim')).manifest;
const tiny = readManifest(join(BUNDLES, 'memoryvla-tiny')).manifest;
const withMemory = (m: Manifest, memory: object): Manifest => ({ ...m, memory: { ...m.memory, ...memory } as Manifest['memory'] });
/** `m` as a bundle exported before the symbolic bank axis declares it (memoryvla-sim 1.0.0): fixed at 16. */
const fixedBank = (m: Manifest): Manifest => {
  const memory = m.graphs.memory!;
  const fix = (t: (typeof memory.inputs)[number]) => (t.shape[1] === 'slots' ? { ...t, shape: [t.shape[0]!, 16, ...t.shape.slice(2)] } : t);
  return { ...m, graphs: { ...m.graphs, memory: { ...memory, inputs: memory.inputs.map(fix), outputs: memory.outputs.map(fix) } } };
};
const simFixed = fixedBank(sim);

function report(task: string, successes: number, episodes: number): TaskReport {
  return { task, episodes, successes, rate: successes / episodes, ...wilson(successes, episodes), meanSteps: 1, latencyP50Ms: 0, latencyP99Ms: 0, faults: 0, nonFiniteChunks: 0 };
}

describe('planMemoryAblation', () => {
  it('memoryvla-sim (L = 16, bank axis symbolic): every variant runs, 2L included', () => {
    const plan = planMemoryAblation(sim);
    expect(plan.variants.map((v) => [v.id, v.capacity ?? null, v.skip ?? null])).toEqual([
      ['as-trained', 16, null],
      ['cleared', null, null],
      ['fifo', 16, null],
      ['capacity-4', 4, null],
      ['capacity-8', 8, null],
      ['capacity-32', 32, null],
    ]);
  });

  it('memoryvla-sim declared with the bank axis fixed at 16: 2L is skipped, naming the fixed slots', () => {
    const plan = planMemoryAblation(simFixed);
    expect(plan.variants.map((v) => [v.id, v.eviction ?? null, v.capacity ?? null, v.override ?? null, v.skip ?? null])).toEqual([
      ['as-trained', 'merge', 16, null, null],
      ['cleared', null, null, null, null],
      ['fifo', 'fifo', 16, { eviction: 'fifo' }, null],
      ['capacity-4', 'merge', 4, { capacity: 4 }, null],
      ['capacity-8', 'merge', 8, { capacity: 8 }, null],
      ['capacity-32', 'merge', 32, { capacity: 32 }, "the memory graph's bank axis is fixed at 16 slots (re-export with the symbolic bank axis to pad)"],
    ]);
    expect(plan.notes).toEqual([]);
  });

  it('a bundle trained with FIFO compares against merge, and its capacities keep FIFO', () => {
    const plan = planMemoryAblation(withMemory(tiny, { eviction: 'fifo' }));
    expect(plan.variants.find((v) => v.id === 'merge')).toMatchObject({ override: { eviction: 'merge' }, eviction: 'merge', capacity: 4 });
    expect(plan.variants.filter((v) => v.id.startsWith('capacity-')).map((v) => [v.capacity, v.eviction])).toEqual([[1, 'fifo'], [2, 'fifo'], [8, 'fifo']]);
  });

  it('L = 2: L/4 rounds to 0 and is noted, not run', () => {
    const plan = planMemoryAblation(withMemory(tiny, { capacity: 2 }));
    expect(plan.variants.map((v) => v.id)).toEqual(['as-trained', 'cleared', 'fifo', 'capacity-1', 'capacity-4']);
    expect(plan.notes).toEqual(['capacity L/4 not run: it is 0 for L = 2']);
  });

  it('a remote policy runs as trained and cleared only', () => {
    const plan = planMemoryAblation(sim, { remote: true });
    expect(plan.variants.filter((v) => v.skip === undefined).map((v) => v.id)).toEqual(['as-trained', 'cleared']);
    expect(plan.variants.find((v) => v.id === 'fifo')!.skip).toMatch(/needs a local bundle/);
  });
});

describe('ablation report', () => {
  it('pools tasks into the overall interval, writes rate [low, high] cells, and notes skipped rows', () => {
    const plan = planMemoryAblation(simFixed);
    const overall = overallReport([report('reach', 9, 10), report('shell-game', 3, 10)]);
    expect(overall).toEqual({ episodes: 20, successes: 12, rate: 0.6, ...wilson(12, 20) });
    const rows: AblationRow[] = plan.variants.map((variant, i) => {
      if (variant.skip !== undefined) return { variant, reports: [] };
      const reports = [report('reach', 10 - i, 10), report('shell-game', i, 10)];
      return { variant, reports, overall: overallReport(reports) };
    });
    const r = ablationReport(plan, rows, { tasks: ['reach', 'shell-game'], episodesPerTask: 10, seedStart: 0, split: 'test', params: { 'shell-game': { swaps: 5 }, reach: {} } });
    expect(ablationTitle(r)).toBe('memory ablation of memoryvla-sim (memoryvla): success % [95% Wilson interval], 10 episodes per task, the same for every variant: test configurations from seed 0, parameters shell-game swaps=5');
    expect(r.rows.map((row) => row.overall?.successes ?? null)).toEqual([10, 10, 10, 10, 10, null]);
    const { header, rows: cells } = ablationTable(r);
    expect(header).toEqual(['variant', 'eviction', 'L', 'reach', 'shell-game', 'overall']);
    const w = wilson(9, 10);
    expect(cells[1]).toEqual(['memory cleared every step', '-', '-', `90.0 [${(100 * w.low).toFixed(1)}, ${(100 * w.high).toFixed(1)}]`, expect.stringMatching(/^10\.0 \[/), expect.stringMatching(/^50\.0 \[/)]);
    expect(cells[5]).toEqual(['capacity 2L = 32 (merge)', 'merge', '32', 'skipped', 'skipped', 'skipped']);
    expect(ablationNotes(r)).toEqual([`skipped capacity 2L = 32 (merge): the memory graph's bank axis is fixed at 16 slots (re-export with the symbolic bank axis to pad)`]);
  });
});
