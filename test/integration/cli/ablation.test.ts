// `momento eval --ablation memory` at the process boundary, on the tiny bundles over the real
// simulator: one row per variant on the same seeds (as trained, cleared every step, and for a
// memoryvla bank FIFO and capacities L/4, L/2, 2L), success with Wilson intervals per task and
// overall, the JSON report, and an SVG chart that parses as XML.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AblationReport } from '../../../src/runtime/ablation.js';
import { runCli } from '../../helpers/cli.js';
import { BUNDLES } from '../../helpers/reference.js';
import { parseXml } from '../../helpers/xml.js';
import { tempDir } from '../../fixtures/record/episodes.js';

const cleanups: AsyncDisposable[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c[Symbol.asyncDispose]();
});
async function scratch(): Promise<string> {
  const dir = await tempDir('momento-ablation-');
  cleanups.push(dir);
  return dir.path;
}

interface Output {
  ablation: AblationReport;
  runs: { variant: string; label: string; noMemory: boolean; episodes: { task: string; seed: number }[] }[];
}

function checkInterval(r: { episodes: number; successes: number; rate: number; low: number; high: number }): void {
  expect(r.rate).toBe(r.successes / r.episodes);
  expect(r.low).toBeGreaterThanOrEqual(0);
  expect(r.low).toBeLessThanOrEqual(r.rate);
  expect(r.high).toBeGreaterThanOrEqual(r.rate);
  expect(r.high).toBeLessThanOrEqual(1);
  // 2 episodes per task: a Wilson interval is never a point.
  expect(r.high - r.low).toBeGreaterThan(0.3);
}

describe('momento eval --ablation memory', () => {
  it('memoryvla-tiny: every variant on the same seeds, per task and overall, JSON and a well-formed SVG', async () => {
    const dir = await scratch();
    const json = join(dir, 'ablation.json');
    const svg = join(dir, 'ablation.svg');
    const r = await runCli(['eval', '--policy', join(BUNDLES, 'memoryvla-tiny'), '--task', 'reach,shell-game', '--episodes', '2', '--ablation', 'memory', '--json', json, '--svg', svg], { timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    const { ablation, runs } = JSON.parse(readFileSync(json, 'utf8')) as Output;
    expect(ablation).toMatchObject({ ablation: 'memory', bundle: 'memoryvla-tiny', kind: 'memoryvla', tasks: ['reach', 'shell-game'], episodesPerTask: 2, seedStart: 0, split: 'test' });
    // L = 4: FIFO, L/4 = 1, L/2 = 2, 2L = 8 (the tiny bundle's bank axis is symbolic, so 2L runs).
    expect(ablation.rows.map((row) => [row.id, row.noMemory, row.eviction ?? null, row.capacity ?? null, row.skipped ?? null])).toEqual([
      ['as-trained', false, 'merge', 4, null],
      ['cleared', true, null, null, null],
      ['fifo', false, 'fifo', 4, null],
      ['capacity-1', false, 'merge', 1, null],
      ['capacity-2', false, 'merge', 2, null],
      ['capacity-8', false, 'merge', 8, null],
    ]);
    for (const row of ablation.rows) {
      expect(row.tasks.map((t) => [t.task, t.episodes])).toEqual([['reach', 2], ['shell-game', 2]]);
      row.tasks.forEach((t) => checkInterval(t));
      expect(row.overall).toMatchObject({ episodes: 4, successes: row.tasks.reduce((n, t) => n + t.successes, 0) });
      checkInterval(row.overall!);
      expect(row.tasks.find((t) => t.task === 'shell-game')!.chance).toBeGreaterThan(0);
    }
    // Each variant ran the same episodes: two test-split seeds per task.
    expect(runs.map((run) => run.variant)).toEqual(ablation.rows.map((row) => row.id));
    const episodes = runs[0]!.episodes.map((e) => `${e.task}/${e.seed}`);
    expect(episodes.map((e) => e.split('/')[0])).toEqual(['reach', 'reach', 'shell-game', 'shell-game']);
    for (const run of runs) expect(run.episodes.map((e) => `${e.task}/${e.seed}`)).toEqual(episodes);

    // The table: a header with the tasks and overall, one line per variant with "rate [low, high]" cells.
    const lines = r.stdout.split('\n');
    expect(r.stdout).toContain('2 episodes per task, the same for every variant: test configurations from seed 0');
    const header = lines.findIndex((l) => /^variant\s+eviction\s+L\s+reach\s+shell-game\s+overall$/.test(l));
    expect(header).toBeGreaterThan(0);
    const rows = lines.slice(header + 2, header + 2 + ablation.rows.length);
    expect(rows.map((l) => l.split(/\s{2,}/)[0])).toEqual(ablation.rows.map((row) => row.label));
    for (const l of rows) expect(l.match(/\d+\.\d \[\d+\.\d, \d+\.\d\]/g)).toHaveLength(3);
    // Progress per variant on stderr (not a TTY: lines), numbered.
    expect(r.stderr).toMatch(/eval memoryvla-tiny as trained \(merge, L = 4\) \(1\/6\): 4\/4/);
    expect(r.stderr).toMatch(/\(6\/6\): 4\/4/);

    const { document, problems } = parseXml(readFileSync(svg, 'utf8'));
    expect(problems).toEqual([]);
    expect(document.documentElement!.tagName).toBe('svg');
    const texts = Array.from(document.getElementsByTagName('text')).map((t) => t.textContent);
    for (const row of ablation.rows) expect(texts).toContain(row.label);
    expect(texts).toContain('overall');
    // One bar per variant per task and overall.
    expect(Array.from(document.getElementsByTagName('rect')).filter((e) => e.getElementsByTagName('title').length > 0)).toHaveLength(6 * 3);
  });

  it('hamlet-tiny: as trained vs cleared, and why the window is not varied', async () => {
    const dir = await scratch();
    const json = join(dir, 'ablation.json');
    const r = await runCli(['eval', '--policy', join(BUNDLES, 'hamlet-tiny'), '--task', 'reach', '--episodes', '2', '--ablation', 'memory', '--json', json, '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const { ablation } = JSON.parse(readFileSync(json, 'utf8')) as Output;
    expect(ablation.rows.map((row) => [row.id, row.noMemory])).toEqual([['as-trained', false], ['cleared', true]]);
    expect(ablation.notes).toEqual([expect.stringMatching(/^window T\/4\.\.2T not run: HAMLET's window T = 4 is part of the memory graph/)]);
    expect(r.stdout).toMatch(/note: window T\/4\.\.2T not run/);
  });

  it('refuses an unknown kind and --no-memory with it', async () => {
    const bad = await runCli(['eval', '--policy', join(BUNDLES, 'memoryvla-tiny'), '--ablation', 'gate', '--episodes', '1', '--quiet']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^momento: --ablation: expected 'memory' or 'no-memory', got 'gate'/);
    const both = await runCli(['eval', '--policy', join(BUNDLES, 'memoryvla-tiny'), '--ablation', 'memory', '--no-memory', '--episodes', '1', '--quiet']);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/^momento: --ablation memory runs the cleared-memory variant itself: leave out --no-memory/);
  });
});
