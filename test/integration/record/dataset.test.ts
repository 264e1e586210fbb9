import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetWriter, exportDataset, pairObservationsWithActions } from '../../../src/record/dataset.js';
import { syntheticAction, syntheticImage, syntheticObservation } from '../../../src/record/synthetic-episode.js';
import { tempDir, writeSyntheticEpisode } from '../../fixtures/record/episodes.js';

describe('exportDataset (momento-dataset/1)', () => {
  it('round-trips recorded episodes into flat arrays and dataset.json', async () => {
    await using episodes = await tempDir();
    await using out = await tempDir();
    await writeSyntheticEpisode(episodes.path, { steps: 6, size: 32, fileName: 'a.mcap', start: { seed: 1 } });
    await writeSyntheticEpisode(episodes.path, { steps: 4, size: 32, fileName: 'b.mcap', success: false, start: { seed: 2, task: 'count-presses' } });
    const manifest = await exportDataset(episodes.path, out.path);

    const json = JSON.parse(await readFile(join(out.path, 'dataset.json'), 'utf8')) as typeof manifest;
    expect(json).toEqual(manifest);
    expect(json).toMatchObject({
      format: 'momento-dataset/1',
      image: { height: 32, width: 32, channels: 3 },
      proprio_dims: 7,
      action_dims: 7,
      frames: 10,
      tasks: ['cup-shuffle', 'count-presses'],
      episodes: [
        { file: 'a.mcap', task: 'cup-shuffle', seed: 1, success: true, start: 0, length: 6 },
        { file: 'b.mcap', task: 'count-presses', seed: 2, success: false, start: 6, length: 4 },
      ],
    });

    const read = (name: string): Promise<Buffer> => readFile(join(out.path, name));
    const [images, proprio, actions, task, episode] = await Promise.all(
      ['images.u8', 'proprio.f32', 'actions.f32', 'task.i32', 'episode.i32'].map(read),
    );
    expect(images?.length).toBe(10 * 32 * 32 * 3);
    expect(proprio?.length).toBe(10 * 7 * 4);
    expect(actions?.length).toBe(10 * 7 * 4);
    expect(task?.length).toBe(10 * 4);
    expect(episode?.length).toBe(10 * 4);

    // Frame 7 is episode b's frame 1.
    const frame = 32 * 32 * 3;
    expect(images?.subarray(7 * frame, 8 * frame).equals(Buffer.from(syntheticImage(1, 32)))).toBe(true);
    expect(proprio?.readFloatLE((7 * 7 + 2) * 4)).toBeCloseTo(syntheticObservation(1).proprio[2] ?? NaN, 6);
    expect(actions?.readFloatLE((7 * 7 + 3) * 4)).toBeCloseTo(syntheticAction(1).values[3] ?? NaN, 6);
    expect([...Array(10).keys()].map((i) => task?.readInt32LE(i * 4))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...Array(10).keys()].map((i) => episode?.readInt32LE(i * 4))).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('pairs each observation with the action executed right after it', () => {
    const obs = [0, 1, 2, 3].map((i) => syntheticObservation(i, 8));
    // No action after observation 2 (skipped by the live loop), none after the final one.
    const actions = [0, 1, 3].map((i) => syntheticAction(i)).slice(0, 2);
    const pairs = pairObservationsWithActions(obs, actions);
    expect(pairs.map((p) => [p.obs.index, p.action.stampNs])).toEqual([
      [0, syntheticAction(0).stampNs],
      [1, syntheticAction(1).stampNs],
    ]);
  });

  it('DatasetWriter refuses frames that do not match the first one', async () => {
    await using out = await tempDir();
    const writer = await DatasetWriter.create(out.path);
    writer.append(syntheticObservation(0, 16), syntheticAction(0));
    expect(() => writer.append(syntheticObservation(1, 8), syntheticAction(1))).toThrow(/camera 'front' is 8x8x3, dataset is 16x16x3/);
    writer.endEpisode({ file: 'collect-0', task: '', seed: 0, success: true });
    const manifest = await writer.close();
    expect(manifest.episodes).toEqual([{ file: 'collect-0', task: 'cup-shuffle', seed: 0, success: true, start: 0, length: 1 }]);
  });
});
