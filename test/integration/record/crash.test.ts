import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readEpisode } from '../../../src/record/read-episode.js';
import { summarizeEpisode } from '../../../src/record/episode-summary.js';
import { syntheticImage } from '../../../src/record/synthetic-episode.js';
import { tempDir } from '../../fixtures/record/episodes.js';

const CHILD = fileURLToPath(new URL('../../fixtures/record/record-until-killed.ts', import.meta.url));
const CHILD_READY_TIMEOUT_MS = 30_000;

describe('crash safety', () => {
  it('a recorder killed with SIGKILL leaves a file readable up to the last complete chunk', async () => {
    await using dir = await tempDir();
    // node --import tsx, not npx: the signal must reach the recording process itself.
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir.path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const ready = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child not ready: ${stderr}`)), CHILD_READY_TIMEOUT_MS);
      child.stdout.on('data', (d: Buffer) => {
        clearTimeout(timer);
        resolve(d.toString());
      });
      child.on('exit', (code) => reject(new Error(`child exited (${code}): ${stderr}`)));
    });
    expect(ready).toMatch(/^chunks=\d+ frames=\d+/);
    // Let it run on mid-episode, then kill it without any chance to finish the file.
    await new Promise((r) => setTimeout(r, 40));
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    const [, signal] = (await exited) as [number | null, string | null];
    expect(signal).toBe('SIGKILL');

    const file = join(dir.path, 'crash.mcap');
    const episode = await readEpisode(file);
    expect(episode.truncated).toBe(true);
    expect(episode.outcome).toBeUndefined();
    expect(episode.info).toMatchObject({ task: 'cup-shuffle', seed: 7 });
    // At least the frames of the chunks announced as written, as a gap-free prefix, pixels intact.
    expect(episode.observations.length).toBeGreaterThanOrEqual(3);
    episode.observations.forEach((obs, i) => {
      expect(obs.index).toBe(i);
      expect(Buffer.from(obs.cameras[0]?.data ?? []).equals(Buffer.from(syntheticImage(i, 64)))).toBe(true);
    });
    expect(episode.steps.length).toBeGreaterThanOrEqual(episode.observations.length - 1);

    const summary = await summarizeEpisode(file);
    expect(summary).toMatchObject({ truncated: true, success: undefined, compression: ['zstd'] });
  });
});
