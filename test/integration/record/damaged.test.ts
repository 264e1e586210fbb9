// Damaged recordings (issue 14): a chunk that fails to decompress or verify is skipped and the
// rest of the file read; errors name the file; `info` and `replay` report per file, with a
// summary line, and exit with the worst file's code instead of stopping at the first bad one.
import { copyFile, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { McapIndexedReader } from '@mcap/core';
import { FileHandleReadable } from '@mcap/nodejs';
import { loadDecompressHandlers } from '@mcap/support';
import { describe, expect, it } from 'vitest';
import { startSimServer } from '../../../sim/index.js';
import { Policy } from '../../../src/policy/policy.js';
import { readEpisode, summarizePath } from '../../../src/record/index.js';
import { batchedStepper, sessionEnv } from '../../../src/runtime/evaluate.js';
import { runEpisode } from '../../../src/runtime/episode-loop.js';
import { StepBatcher } from '../../../src/policy/step-batcher.js';
import { McapRecorder } from '../../../src/record/index.js';
import { SimSession } from '../../../src/transports/sim/index.js';
import { tempDir, writeSyntheticEpisode } from '../../fixtures/record/episodes.js';
import { runCli } from '../../helpers/cli.js';
import { BUNDLES } from '../../helpers/reference.js';

/** Byte ranges [start, end) of the file's chunks, from its index. */
async function chunkRanges(file: string): Promise<[number, number][]> {
  const handle = await open(file, 'r');
  try {
    const reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle), decompressHandlers: await loadDecompressHandlers() });
    return reader.chunkIndexes.map((c) => [Number(c.chunkStartOffset), Number(c.chunkStartOffset + c.chunkLength)]);
  } finally {
    await handle.close();
  }
}

/** A copy of `file` with one byte flipped in the middle of chunk `index`. */
async function withDamagedChunk(file: string, index: number, out: string): Promise<void> {
  const [start, end] = (await chunkRanges(file))[index]!;
  const bytes = await readFile(file);
  const at = Math.floor((start + end) / 2);
  bytes[at] = bytes[at]! ^ 0xff;
  await writeFile(out, bytes);
}

describe('damaged recordings', () => {
  it('skips a chunk that does not verify and keeps the chunks before and after it', async () => {
    await using dir = await tempDir();
    const file = await writeSyntheticEpisode(dir.path, { steps: 40, size: 32, chunkSize: 16 * 1024, fileName: 'good.mcap' });
    const chunks = (await chunkRanges(file)).length;
    expect(chunks).toBeGreaterThan(4);
    const damaged = join(dir.path, 'damaged.mcap');
    await withDamagedChunk(file, 2, damaged);
    const whole = await readEpisode(file);
    const episode = await readEpisode(damaged);
    expect(episode.damagedChunks).toBe(1);
    expect(episode.observations.length).toBeGreaterThan(0);
    expect(episode.observations.length).toBeLessThan(whole.observations.length);
    // Frames after the damaged chunk are there, and the outcome written at the end too.
    expect(episode.observations.at(-1)!.index).toBe(39);
    expect(episode.outcome?.success).toBe(true);
    const indices = new Set(episode.observations.map((o) => o.index));
    for (const o of episode.observations) expect(Buffer.from(o.cameras[0]!.data).equals(Buffer.from(whole.observations.find((w) => w.index === o.index)!.cameras[0]!.data))).toBe(true);
    expect(indices.size).toBe(episode.observations.length);
  });

  it('names the file when nothing of it is readable', async () => {
    await using dir = await tempDir();
    const garbage = join(dir.path, 'garbage.mcap');
    await writeFile(garbage, Buffer.from('this is not an mcap file at all'));
    await expect(readEpisode(garbage)).rejects.toThrow(garbage);
  });

  it('momento info reports every file of a folder, a summary line, and exits by the worst', async () => {
    await using dir = await tempDir();
    const good = await writeSyntheticEpisode(dir.path, { steps: 30, size: 32, chunkSize: 16 * 1024, fileName: 'a-good.mcap' });
    await withDamagedChunk(good, 1, join(dir.path, 'b-damaged.mcap'));
    const bytes = await readFile(good);
    await writeFile(join(dir.path, 'c-truncated.mcap'), bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    await writeFile(join(dir.path, 'd-garbage.mcap'), Buffer.from('garbage'));
    const { summaries, unreadable } = await summarizePath(dir.path);
    expect(summaries.map((s) => [s.file.slice(dir.path.length + 1), s.truncated, s.damagedChunks])).toEqual([
      ['a-good.mcap', false, 0],
      ['b-damaged.mcap', false, 1],
      ['c-truncated.mcap', true, 0],
    ]);
    expect(unreadable.map((u) => u.file)).toEqual([join(dir.path, 'd-garbage.mcap')]);
    const r = await runCli(['info', dir.path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('b-damaged.mcap (1 damaged chunks skipped)');
    expect(r.stdout).toContain('c-truncated.mcap (truncated)');
    expect(r.stdout).toMatch(/unreadable: .*d-garbage\.mcap/);
    expect(r.stdout).toMatch(/4 episodes, .*; 1 truncated, 1 with damaged chunks, 1 unreadable/);
  });

  it('replay --to sim: a truncated file whose observations all match is not DIFFERS; a bad file does not stop the rest', async () => {
    await using dir = await tempDir();
    {
      // A real simulator episode, in small chunks so that cutting the last one leaves the others.
      await using server = await startSimServer();
      await using policy = await Policy.load(join(BUNDLES, 'hamlet-tiny'));
      await using session = await SimSession.connect(server.url);
      await using recorder = await McapRecorder.create({ dir: dir.path, fileName: 'reach-0.mcap', chunkSize: 4096 });
      const stepper = batchedStepper(policy, new StepBatcher(policy));
      await runEpisode({ env: sessionEnv(session, 16), stepper, task: 'reach', seed: 0, recorder });
    }
    const recorded = join(dir.path, 'reach-0.mcap');
    const bytes = await readFile(recorded);
    const ranges = await chunkRanges(recorded);
    expect(ranges.length).toBeGreaterThan(2);
    const [lastStart, lastEnd] = ranges.at(-1)!;
    await writeFile(join(dir.path, 'reach-0-truncated.mcap'), bytes.subarray(0, Math.floor((lastStart + lastEnd) / 2)));
    await copyFile(recorded, join(dir.path, 'reach-0-copy.mcap'));
    await writeFile(join(dir.path, 'zz-garbage.mcap'), Buffer.from('garbage'));
    const truncated = await readEpisode(join(dir.path, 'reach-0-truncated.mcap'));
    expect(truncated.truncated).toBe(true);
    expect(truncated.observations.length).toBeGreaterThan(0);
    const r = await runCli(['replay', dir.path, '--to', 'sim']);
    expect(r.stdout).toMatch(/reach-0-truncated\.mcap\s+incomplete, \d+ actions.*matches \(incomplete file: observations only\)/);
    expect(r.stdout).not.toContain('DIFFERS');
    expect(r.stdout).toMatch(/zz-garbage\.mcap\s+ERROR: .*zz-garbage\.mcap/);
    expect(r.stdout).toContain('4 episodes: 3 match, 0 differ, 1 could not be replayed');
    expect(r.code).toBe(2);
  });
});
