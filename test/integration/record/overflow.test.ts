import { open } from 'node:fs/promises';
import { FileHandleWritable } from '@mcap/nodejs';
import { describe, expect, it } from 'vitest';
import { readEpisode } from '../../../src/record/read-episode.js';
import { McapRecorder, type EpisodeWritable } from '../../../src/record/recorder.js';
import { summarizeEpisode } from '../../../src/record/episode-summary.js';
import { SYNTHETIC_START, syntheticAction, syntheticObservation, syntheticStep } from '../../../src/record/synthetic-episode.js';
import { tempDir } from '../../fixtures/record/episodes.js';

const WRITE_DELAY_MS = 4;
const CONTROL_PERIOD_MS = 5;
const FRAMES = 40;

/** A file writable that takes WRITE_DELAY_MS per write: a disk that cannot keep up. */
async function slowWritable(path: string): Promise<EpisodeWritable> {
  const handle = await open(path, 'wx');
  const inner = new FileHandleWritable(handle);
  return {
    write: async (buffer) => {
      await new Promise((r) => setTimeout(r, WRITE_DELAY_MS));
      await inner.write(buffer);
    },
    position: () => inner.position(),
    close: () => handle.close(),
  };
}

describe('McapRecorder under a slow disk', () => {
  it('drops camera frames first, counts them in the outcome, and never blocks the sink calls', async () => {
    await using dir = await tempDir();
    // 8 KiB chunks: every camera image closes a chunk, so every frame waits on the slow disk twice.
    await using recorder = await McapRecorder.create({ dir: dir.path, maxQueue: 8, chunkSize: 8 * 1024, openWritable: slowWritable });
    let slowestCallMs = 0;
    const timed = (call: () => unknown): void => {
      const t0 = performance.now();
      expect(call()).toBeUndefined(); // synchronous: nothing to await
      slowestCallMs = Math.max(slowestCallMs, performance.now() - t0);
    };
    timed(() => recorder.start(SYNTHETIC_START));
    for (let i = 0; i < FRAMES; i++) {
      timed(() => recorder.observation(syntheticObservation(i)));
      timed(() => recorder.step(syntheticStep(i)));
      timed(() => recorder.action(syntheticAction(i)));
      await new Promise((r) => setTimeout(r, CONTROL_PERIOD_MS));
    }
    // Each call only enqueues; the disk takes WRITE_DELAY_MS per write.
    expect(slowestCallMs).toBeLessThan(WRITE_DELAY_MS);
    expect(recorder.droppedFrames).toBeGreaterThan(0);
    const { droppedFrames, droppedMessages } = recorder.stats;
    await recorder.end({ success: true, steps: FRAMES, reward: 1, droppedFrames: 2 });

    const episode = await readEpisode(recorder.file ?? '');
    expect(episode.outcome).toMatchObject({
      droppedFrames: 2, // the pipeline's own count, kept apart from the recorder's
      recorderDroppedFrames: droppedFrames,
      recorderDroppedMessages: droppedMessages,
    });
    expect(episode.droppedFrames).toBe(droppedFrames);
    // Images went first: more steps survived than images.
    const imagesWritten = FRAMES - droppedFrames;
    expect(episode.steps.length + episode.actions.length).toBeGreaterThan(2 * imagesWritten);
    expect(episode.observations.length).toBeLessThanOrEqual(imagesWritten);
    // What was written is still a valid, complete, indexed file.
    expect(episode.truncated).toBe(false);
    const summary = await summarizeEpisode(recorder.file ?? '');
    expect(summary.droppedFrames).toBe(droppedFrames);
  });
});
