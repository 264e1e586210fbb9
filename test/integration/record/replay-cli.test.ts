// Recording and replay at the CLI boundary: sim episodes recorded by `momento eval --record`
// are summarised by `momento info`, replay through the same bundle with identical chunks,
// diverge through another bundle (non-zero exit), and replay as actions into a fresh simulator
// with the same outcome and byte-identical observations.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEpisode } from '../../../src/record/index.js';
import { runCli } from '../../helpers/cli.js';
import { BUNDLES } from '../../helpers/reference.js';

const bundle = join(BUNDLES, 'memoryvla-tiny');
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'momento-replay-'));
  const r = await runCli(['eval', '--policy', bundle, '--task', 'shell-game,remember-colour', '--episodes', '2', '--concurrency', '1', '--record', dir, '--quiet']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('recorded sim episodes', () => {
  it('are MCAP files whose steps and actions read back', async () => {
    const files = readdirSync(join(dir, 'memory')).sort();
    expect(files).toEqual(['remember-colour-0.mcap', 'remember-colour-1.mcap', 'shell-game-0.mcap', 'shell-game-1.mcap']);
    const ep = await readEpisode(join(dir, 'memory', 'shell-game-1.mcap'));
    expect(ep.info).toMatchObject({ bundle: 'memoryvla-tiny', task: 'shell-game', seed: 1, source: 'sim' });
    expect(ep.outcome?.steps).toBe(ep.actions.length);
    expect(ep.steps.length).toBe(Math.ceil(ep.actions.length / 4));
    expect(ep.observations.length).toBe(ep.actions.length + 1);
    expect(ep.truncated).toBe(false);
  });

  it('momento info summarises a folder', async () => {
    const r = await runCli(['info', join(dir, 'memory')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/shell-game-0\.mcap\s+shell-game\s+0\s+80\s/);
    expect(r.stdout).toMatch(/4 episodes, \d+ steps, success \d\/4, 0 dropped frames/);
  });

  it('replay through the recording bundle gives identical chunks', async () => {
    const r = await runCli(['replay', join(dir, 'memory'), '--policy', bundle]);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/identical/g)).toHaveLength(4);
  });

  it('replay through another bundle reports the first divergence and exits non-zero', async () => {
    const r = await runCli(['replay', join(dir, 'memory', 'shell-game-0.mcap'), '--policy', join(BUNDLES, 'memoryless-tiny')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/shell-game-0\.mcap\s+20\s+[\d.e+-]+\s+[\d.e+-]+\s+0\s+DIVERGED/);
    expect(r.stderr).toContain('1 of 1 episodes did not match');
  });

  it('replay as actions into a fresh simulator reproduces the outcome and every observation', async () => {
    const r = await runCli(['replay', join(dir, 'memory'), '--to', 'sim']);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/ matches$/gm)).toHaveLength(4);
    expect(r.stdout).toMatch(/shell-game-0\.mcap\s+failure in 80\s+failure in 80\s+81\s+matches/);
  });

  it('run --source replay: steps every recorded frame and can record again', async () => {
    const again = join(dir, 'again');
    const r = await runCli(['run', '--policy', bundle, '--source', `replay:${join(dir, 'memory', 'remember-colour-0.mcap')}`, '--record', again]);
    expect(r.code).toBe(0);
    const original = await readEpisode(join(dir, 'memory', 'remember-colour-0.mcap'));
    expect(r.stdout).toContain(`${original.observations.length} steps`);
    const [file] = readdirSync(again);
    const rerun = await readEpisode(join(again, file!));
    expect(rerun.steps.length).toBe(original.observations.length);
  });

  it('momento export writes the training dataset', async () => {
    const out = join(dir, 'dataset');
    const r = await runCli(['export', join(dir, 'memory'), '--out', out]);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'dataset.json'), 'utf8')) as { episodes: { length: number }[]; image: { height: number } };
    expect(manifest.episodes).toHaveLength(4);
    expect(manifest.image.height).toBe(16);
    const frames = manifest.episodes.reduce((n, e) => n + e.length, 0);
    expect(readFileSync(join(out, 'images.u8')).length).toBe(frames * 16 * 16 * 3);
  });
});
