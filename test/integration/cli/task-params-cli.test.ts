// The task-parameter flags at the process boundary: `momento sim --param/--beyond` over a real
// socket, `--list-params`/`--help`, `momento eval --param` (JSON reports params and split) and
// `momento collect --split`, with errors that name the bad flag.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetManifest } from '../../../src/record/index.js';
import { SimServerError, SimSession } from '../../../src/transports/sim/index.js';
import { ROOT, runCli } from '../../helpers/cli.js';
import { BUNDLES } from '../../helpers/reference.js';
import { tempDir } from '../../fixtures/record/episodes.js';

const cleanups: AsyncDisposable[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c[Symbol.asyncDispose]();
});
async function scratch(): Promise<string> {
  const dir = await tempDir('momento-params-');
  cleanups.push(dir);
  return dir.path;
}

describe('momento sim --param / --beyond', () => {
  it('gives every reset the server-wide parameters unless it sets its own, over a real socket', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'sim', '--port', '0', '--beyond', '1.5', '--param', 'swaps=7'], { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
        child.stdout.on('data', () => {
          const m = /simulator listening on (ws:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      expect(out).toContain('shell-game: show=21 cover=9 swap_steps=24 swaps=7 (unless a reset sets them)');
      await using session = await SimSession.connect(url);
      const shell = await session.reset({ task: 'shell-game', seed: 3 });
      expect(shell.setting?.params).toMatchObject({ show: 21, cover: 9, swap_steps: 24, swaps: 7 });
      expect([3, 4]).toContain(shell.setting?.params['cups']);
      expect((await session.reset({ task: 'shell-game', seed: 3, params: { swaps: 2 } })).setting?.params['swaps']).toBe(2);
      expect((await session.reset({ task: 'remember-colour', seed: 3 })).setting?.params).toMatchObject({ cue: 18, delay: 30 });
      const refused = await session.reset({ task: 'shell-game', seed: 3, params: { cups: 7 } }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(SimServerError);
      expect(refused).toMatchObject({ code: 'bad-reset', message: expect.stringMatching(/task shell-game: parameter cups must be one of 3, 4, got 7/) });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('--list-params and --help document every parameter with its training range', { timeout: 60_000 }, async () => {
    const list = await runCli(['sim', '--list-params']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/remember-colour\s+colours\s+capacity\s+3 \| 5 \| 9/);
    expect(list.stdout).toMatch(/shell-game\s+swaps\s+phase\s+1\.\.5\s+0\.\.20\s+3/);
    expect(list.stdout).toMatch(/pick-place-twice\s+pause\s+phase\s+0\.\.8\s+0\.\.32\s+0/);
    const help = await runCli(['sim', '--help']);
    expect(help.stdout).toContain('Task parameters');
    expect(help.stdout).toMatch(/button-sequence\s+gap\s+phase\s+1\.\.6/);
  });
});

describe('momento eval --param / --split and collect --split', () => {
  it('eval sets the parameter, runs test configurations by default, and reports both', { timeout: 90_000 }, async () => {
    const json = join(await scratch(), 'eval.json');
    const r = await runCli(['eval', '--policy', join(BUNDLES, 'hamlet-tiny'), '--task', 'shell-game,reach', '--episodes', '2', '--param', 'swaps=5', '--json', json, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('test configurations');
    expect(r.stdout).toMatch(/parameters: shell-game: show \d+(\.\.\d+)?, cover \d+(\.\.\d+)?, swap_steps \d+(\.\.\d+)?, swaps 5, cups \d/);
    const { runs } = JSON.parse(readFileSync(json, 'utf8')) as { runs: { split: string; params: Record<string, Record<string, number>>; reports: { task: string; chance: number }[]; episodes: { task: string; setting: { split: string; params: Record<string, number>; memorylessChance: number } }[] }[] };
    const [run] = runs;
    expect(run!.split).toBe('test');
    expect(run!.params).toEqual({ 'shell-game': { swaps: 5 } });
    for (const e of run!.episodes) expect(e.setting.split).toBe('test');
    const shell = run!.episodes.filter((e) => e.task === 'shell-game');
    expect(shell.map((e) => e.setting.params['swaps'])).toEqual([5, 5]);
    const chance = shell.reduce((n, e) => n + e.setting.memorylessChance, 0) / shell.length;
    expect(run!.reports.find((t) => t.task === 'shell-game')!.chance).toBeCloseTo(chance, 12);
  });

  it('names a --param no selected task has, and a value beyond its limit', { timeout: 60_000 }, async () => {
    const none = await runCli(['eval', '--policy', join(BUNDLES, 'hamlet-tiny'), '--task', 'reach', '--param', 'swaps=5']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^momento: --param swaps: none of the tasks \(reach\) has a parameter 'swaps'/);
    const far = await runCli(['collect', '--task', 'shell-game', '--episodes', '1', '--out', join(await scratch(), 'd'), '--param', 'swaps=500']);
    expect(far.code).toBe(1);
    expect(far.stderr).toMatch(/^momento: task shell-game: parameter swaps must be an integer in \[0, 20\] \(training range \[1, 5\]\), got 500/);
  });

  it('collect --split test records only test configurations, with the parameters set', { timeout: 60_000 }, async () => {
    const out = join(await scratch(), 'data');
    const r = await runCli(['collect', '--task', 'shell-game', '--episodes', '3', '--out', out, '--no-mcap', '--image-size', '16', '--split', 'test', '--param', 'cups=4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/shell-game: 3\/3 expert successes, \d+ frames, seeds \d+\.\.\d+, \d+ seeds skipped \(their configuration is not test\)/);
    const manifest = JSON.parse(readFileSync(join(out, 'dataset.json'), 'utf8')) as DatasetManifest;
    expect(manifest.episodes.map((e) => [e.split, e.params?.['cups']])).toEqual([['test', 4], ['test', 4], ['test', 4]]);
  });
});
