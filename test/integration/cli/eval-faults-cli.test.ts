// `momento eval --sim ws://…` with a simulator that drops a connection mid-request: the table and
// the JSON count the failed episode, a warning names it, and the run exits 0 (issue 14). `inspect`
// and `eval` warn about action limits beyond the simulator's action space.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimServer } from '../../../sim/index.js';
import { bundleCopy, removeBundleCopies } from '../../helpers/bundle-copy.js';
import { runCli } from '../../helpers/cli.js';
import { BUNDLES } from '../../helpers/reference.js';

const dirs: string[] = [];
afterEach(() => {
  removeBundleCopies();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('momento eval against a faulty simulator', () => {
  it('reports the dropped episode in the table, the JSON and a warning, and finishes', async () => {
    await using server = await startSimServer();
    // Request 1 is the task list, 2 the first reset: the 6th is a step of the first episode
    // (with --split all: a test split would first ask the simulator for the split of each seed).
    server.dropAtRequest(6);
    const out = mkdtempSync(join(tmpdir(), 'momento-eval-'));
    dirs.push(out);
    const json = join(out, 'eval.json');
    const r = await runCli(['eval', '--policy', join(BUNDLES, 'hamlet-tiny'), '--sim', server.url, '--task', 'reach', '--episodes', '2', '--concurrency', '1', '--split', 'all', '--json', json, '--quiet']);
    expect(r.stderr).toContain('momento: warning: hamlet-tiny: 1 of 2 episodes failed on a simulator fault (connection lost)');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/faults\s+non-finite/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { runs: { reports: { faults: number }[]; episodes: { fault?: string; success: boolean }[] }[] };
    expect(report.runs[0]!.reports[0]!.faults).toBe(1);
    expect(report.runs[0]!.episodes.map((e) => e.fault ?? null)).toEqual(['connection lost', null]);
  });

  it('warns in inspect and eval when the limits exceed the action space, and fails only the refused episodes', async () => {
    const bundle = bundleCopy('hamlet-tiny', (m) => {
      m['action'].low = [-2, -2, -2];
      m['action'].high = [2, 2, 2];
      m['action'].std = [50, 50, 50];
    });
    const inspect = await runCli(['inspect', bundle]);
    expect(inspect.code).toBe(0);
    expect(inspect.stderr).toContain("momento: warning: hamlet-tiny: action limits exceed the simulator's action space: vx [-2, 2] exceeds [-1, 1]");
    const r = await runCli(['eval', '--policy', bundle, '--task', 'reach', '--episodes', '2', '--concurrency', '1', '--quiet']);
    expect(r.stderr).toContain("the bundle's action limits exceed the simulator's action space");
    expect(r.stderr).toContain('2 of 2 episodes failed on a simulator fault (action refused)');
    expect(r.code).toBe(0);
  });
});
