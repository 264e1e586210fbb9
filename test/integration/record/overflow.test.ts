// The recorder behind a disk that cannot keep up. The disk here is driven by the test: a write
// completes only when the test lets it, so what the recorder drops and keeps is decided by the
// order of events, never by how fast this machine happens to be.
import { open } from 'node:fs/promises';
import { FileHandleWritable } from '@mcap/nodejs';
import { describe, expect, it } from 'vitest';
import { readEpisode } from '../../../src/record/read-episode.js';
import { McapRecorder, type EpisodeWritable } from '../../../src/record/recorder.js';
import { summarizeEpisode } from '../../../src/record/episode-summary.js';
import { SYNTHETIC_START, syntheticAction, syntheticObservation, syntheticStep } from '../../../src/record/synthetic-episode.js';
import { tempDir } from '../../fixtures/record/episodes.js';

const FRAMES = 40;
const MAX_QUEUE = 8;

/** A file whose writes wait until `release` lets them through, one write per call. */
class GatedDisk {
  readonly #waiting: (() => void)[] = [];
  #open = false;
  #onWrite: (() => void) | undefined;

  readonly openWritable = async (path: string): Promise<EpisodeWritable> => {
    const handle = await open(path, 'wx');
    const inner = new FileHandleWritable(handle);
    return {
      write: async (buffer) => {
        if (!this.#open) {
          await new Promise<void>((resolve) => {
            this.#waiting.push(resolve);
            this.#onWrite?.();
          });
        }
        await inner.write(buffer);
      },
      position: () => inner.position(),
      close: () => handle.close(),
    };
  };

  get pending(): number {
    return this.#waiting.length;
  }

  /** Resolves once a write is waiting at the gate (at once if one already is). */
  writeWaiting(): Promise<void> {
    if (this.#waiting.length > 0) return Promise.resolve();
    return new Promise((resolve) => (this.#onWrite = resolve));
  }

  /** Lets the oldest waiting write through. */
  release(): void {
    this.#waiting.shift()?.();
  }

  /** From now on every write goes straight through. */
  openFully(): void {
    this.#open = true;
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}

describe('McapRecorder under a slow disk', () => {
  it('drops camera frames first, counts them in the outcome, and never waits on the disk in the sink calls', async () => {
    await using dir = await tempDir();
    const disk = new GatedDisk();
    // 8 KiB chunks: every camera image closes a chunk, so every frame needs the disk.
    await using recorder = await McapRecorder.create({ dir: dir.path, maxQueue: MAX_QUEUE, chunkSize: 8 * 1024, openWritable: disk.openWritable });
    const frames = Array.from({ length: FRAMES }, (_, i) => ({ obs: syntheticObservation(i), step: syntheticStep(i), action: syntheticAction(i) }));
    recorder.start(SYNTHETIC_START);
    await disk.writeWaiting(); // the file header waits at the gate
    let callsWhileDiskHeld = 0;
    for (const { obs, step, action } of frames) {
      if (disk.pending > 0) callsWhileDiskHeld++;
      // Synchronous (nothing to await), so they cannot wait on the disk, held or not.
      expect(recorder.observation(obs)).toBeUndefined();
      expect(recorder.step(step)).toBeUndefined();
      expect(recorder.action(action)).toBeUndefined();
      // Bounded: whatever the disk does, no more than maxQueue messages wait in memory.
      expect(recorder.stats.queuedMessages).toBeLessThanOrEqual(MAX_QUEUE);
      // The disk completes one write per control period; the recorder then blocks on the next.
      disk.release();
      await Promise.race([disk.writeWaiting(), recorder.flushed()]);
    }
    // The disk was the bottleneck: most frames arrived while it held a write, and images were dropped.
    expect(callsWhileDiskHeld).toBeGreaterThan(FRAMES / 2);
    expect(recorder.droppedFrames).toBeGreaterThan(0);
    disk.openFully();
    await recorder.flushed();
    const { droppedFrames, droppedMessages } = recorder.stats;
    await recorder.end({ success: true, steps: FRAMES, reward: 1, droppedFrames: 2 });

    const episode = await readEpisode(recorder.file ?? '');
    expect(episode.outcome).toMatchObject({
      droppedFrames: 2, // the pipeline's own count, kept apart from the recorder's
      recorderDroppedFrames: droppedFrames,
      recorderDroppedMessages: droppedMessages,
    });
    expect(episode.droppedFrames).toBe(droppedFrames);
    // Images went first: more steps and actions survived than images.
    const imagesWritten = FRAMES - droppedFrames;
    expect(episode.steps.length + episode.actions.length).toBeGreaterThan(2 * imagesWritten);
    expect(episode.observations.length).toBeLessThanOrEqual(imagesWritten);
    // What was written is still a valid, complete, indexed file.
    expect(episode.truncated).toBe(false);
    const summary = await summarizeEpisode(recorder.file ?? '');
    expect(summary.droppedFrames).toBe(droppedFrames);
  });
});
