// `momento collect`, `eval --ablation` and MOMENTO_DEBUG at the process boundary: the CLI run as a
// user runs it, its files read back by the public readers.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimEnv } from '../../../sim/index.js';
import { readEpisode, type DatasetManifest } from '../../../src/record/index.js';
import { runCli } from '../../helpers/cli.js';
import { BUNDLES } from '../../helpers/reference.js';
import { tempDir } from '../../fixtures/record/episodes.js';

const cleanups: AsyncDisposable[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c[Symbol.asyncDispose]();
});
async function scratch(): Promise<string> {
  const dir = await tempDir('momento-cli-');
  cleanups.push(dir);
  return dir.path;
}

/** The first `count` seeds from `start` whose configuration (at each seed's default parameters) is in `split`, by the in-process simulator. */
function seedsIn(split: 'train' | 'test', task: string, start: number, count: number): number[] {
  const env = new SimEnv({ imageSize: 8 });
  const seeds: number[] = [];
  for (let seed = start; seeds.length < count; seed++) if (env.reset(task, seed).setting.split === split) seeds.push(seed);
  return seeds;
}

describe('momento collect', () => {
  it('writes the training dataset and one readable MCAP episode per expert episode', async () => {
    const out = join(await scratch(), 'data');
    const r = await runCli(['collect', '--task', 'reach,remember-colour', '--episodes', '2', '--out', out, '--image-size', '16']);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('momento:'))).toEqual([]);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'dataset.json'), 'utf8')) as DatasetManifest;
    expect(manifest.format).toBe('momento-dataset/1');
    // Only train configurations: the first two train seeds from 100000 of each task.
    const seeds = { reach: seedsIn('train', 'reach', 100000, 2), 'remember-colour': seedsIn('train', 'remember-colour', 100000, 2) };
    expect(manifest.episodes.map((e) => [e.task, e.seed])).toEqual([...seeds.reach.map((s) => ['reach', s]), ...seeds['remember-colour'].map((s) => ['remember-colour', s])]);
    expect(manifest.episodes.map((e) => e.split)).toEqual(['train', 'train', 'train', 'train']);
    expect(manifest.episodes.filter((e) => e.task === 'remember-colour').every((e) => Object.keys(e.params ?? {}).sort().join() === 'colours,cue,delay')).toBe(true);
    expect(manifest.image).toEqual({ height: 16, width: 16, channels: 3 });
    // The arrays hold every frame, episodes back to back.
    expect(manifest.frames).toBe(manifest.episodes.reduce((n, e) => n + e.length, 0));
    manifest.episodes.forEach((e, i) => expect(e.start).toBe(manifest.episodes.slice(0, i).reduce((n, p) => n + p.length, 0)));
    expect(statSync(join(out, 'images.u8')).size).toBe(manifest.frames * 16 * 16 * 3);
    expect(statSync(join(out, 'actions.f32')).size).toBe(manifest.frames * manifest.action_dims * 4);
    // The summary line per task counts what the dataset holds.
    for (const task of ['reach', 'remember-colour']) {
      const eps = manifest.episodes.filter((e) => e.task === task);
      const frames = eps.reduce((n, e) => n + e.length, 0);
      const skipped = seeds[task as keyof typeof seeds].at(-1)! - 100000 + 1 - 2;
      expect(r.stdout).toContain(`${task}: ${eps.filter((e) => e.success).length}/2 expert successes, ${frames} frames`);
      expect(r.stdout).toContain(`${skipped} seeds skipped (their configuration is not train)`);
    }
    const files = readdirSync(join(out, 'episodes')).sort();
    expect(files).toEqual(manifest.episodes.map((e) => `${e.task}-${e.seed}.mcap`).sort());
    const meta = manifest.episodes[3]!;
    const recorded = await readEpisode(join(out, 'episodes', `remember-colour-${meta.seed}.mcap`));
    expect(recorded.info).toMatchObject({ task: 'remember-colour', seed: meta.seed, bundle: 'expert', setting: { split: 'train', params: meta.params } });
    expect(recorded.outcome?.success).toBe(meta.success);
    expect(recorded.actions).toHaveLength(meta.length);
    // The recorded actions are the dataset's rows of that episode, value for value.
    const bytes = readFileSync(join(out, 'actions.f32'));
    const actions = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const dims = manifest.action_dims;
    expect(Array.from(recorded.actions.flatMap((a) => Array.from(a.values)))).toEqual(Array.from(actions.subarray(meta.start * dims, (meta.start + meta.length) * dims)));
    // The final observation (after the last action) is recorded too.
    expect(recorded.observations).toHaveLength(meta.length + 1);
  });

  it('--no-mcap writes the dataset only; a bad task is named', async () => {
    const out = join(await scratch(), 'data');
    expect((await runCli(['collect', '--task', 'reach', '--episodes', '1', '--out', out, '--no-mcap', '--image-size', '16'])).code).toBe(0);
    expect(existsSync(join(out, 'dataset.json'))).toBe(true);
    expect(existsSync(join(out, 'episodes'))).toBe(false);
    const bad = await runCli(['collect', '--task', 'juggling', '--episodes', '1', '--out', out]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^momento: --task: unknown task 'juggling'/);
  });
});

describe('momento eval --ablation', () => {
  it('runs the bundle as trained and with its memory cleared, and reports and charts both', async () => {
    const dir = await scratch();
    const json = join(dir, 'eval.json');
    const svg = join(dir, 'eval.svg');
    const r = await runCli(['eval', '--policy', join(BUNDLES, 'hamlet-tiny'), '--task', 'reach', '--episodes', '2', '--ablation', '--json', json, '--svg', svg, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { runs } = JSON.parse(readFileSync(json, 'utf8')) as { runs: { label: string; noMemory: boolean; split: string; reports: { task: string; episodes: number }[]; episodes: { seed: number; setting?: { split: string } }[] }[] };
    expect(runs.map((run) => [run.label, run.noMemory])).toEqual([['hamlet-tiny', false], ['hamlet-tiny --no-memory', true]]);
    for (const run of runs) {
      expect(run.reports).toMatchObject([{ task: 'reach', episodes: 2 }]);
      expect(run.split).toBe('test');
      expect(run.episodes.map((e) => e.setting?.split)).toEqual(['test', 'test']);
      // Both variants see the same episodes: the first two test configurations from seed 0.
      expect(run.episodes.map((e) => e.seed)).toEqual(seedsIn('test', 'reach', 0, 2));
    }
    // One table per variant on stdout, and both series in the chart.
    expect(r.stdout).toMatch(/hamlet-tiny: hamlet-tiny on cpu, 2 episodes/);
    expect(r.stdout).toMatch(/hamlet-tiny --no-memory: hamlet-tiny on cpu, 2 episodes/);
    const chart = readFileSync(svg, 'utf8');
    expect(chart).toContain('<svg');
    expect(chart).toContain('>hamlet-tiny</text>');
    expect(chart).toContain('>hamlet-tiny --no-memory</text>');
  });
});

describe('MOMENTO_DEBUG', () => {
  const failing = ['inspect', '/no/such/bundle'];

  it('off: an error is one line naming the bad thing, exit 1', async () => {
    const r = await runCli(failing, { env: { MOMENTO_DEBUG: '' } });
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^momento: .*\/no\/such\/bundle/);
  });

  it('=1: the same line, then the stack', async () => {
    const r = await runCli(failing, { env: { MOMENTO_DEBUG: '1' } });
    expect(r.code).toBe(1);
    const [first, ...rest] = r.stderr.trimEnd().split('\n');
    expect(first).toMatch(/^momento: .*\/no\/such\/bundle/);
    expect(rest.some((l) => /^\s+at /.test(l))).toBe(true);
  });
});
