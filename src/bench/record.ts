// The `record` section of `npm run bench`: recorder throughput — a synthetic episode (one
// size x size rgb camera, stamped at 10 Hz) written as fast as the recorder drains, with the file
// size that results.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McapRecorder, type ChunkCompression } from '../record/index.js';
import { SYNTHETIC_START, syntheticAction, syntheticObservation, syntheticStep } from '../record/synthetic-episode.js';

export interface BenchRecordOptions {
  readonly steps?: number;
  readonly size?: number;
  readonly compression?: ChunkCompression;
}

export interface BenchRecordResult {
  readonly fileBytes: number;
  /** Observations (with their step and action) recorded per second of wall time, start to closed file. */
  readonly framesPerSecond: number;
  readonly seconds: number;
  readonly droppedFrames: number;
  readonly compression: ChunkCompression;
}

export async function benchRecord(options: BenchRecordOptions = {}): Promise<BenchRecordResult> {
  const steps = options.steps ?? 1000;
  const size = options.size ?? 64;
  const compression = options.compression ?? 'zstd';
  // Generate first: the benchmark measures the recorder, not the synthetic renderer.
  const frames = Array.from({ length: steps }, (_, i) => ({
    obs: syntheticObservation(i, size),
    step: syntheticStep(i),
    action: syntheticAction(i),
  }));
  const dir = await mkdtemp(join(tmpdir(), 'momento-bench-'));
  try {
    await using recorder = await McapRecorder.create({ dir, compression, maxQueue: 4 * steps + 16, maxQueueBytes: 2 ** 31 });
    const started = performance.now();
    recorder.start(SYNTHETIC_START);
    for (const { obs, step, action } of frames) {
      recorder.observation(obs);
      recorder.step(step);
      recorder.action(action);
      // Let the writer run between frames, as it would between control ticks.
      await new Promise<void>((r) => setImmediate(r));
    }
    await recorder.end({ success: true, steps, reward: 1, droppedFrames: 0 });
    const seconds = (performance.now() - started) / 1000;
    const file = recorder.file;
    if (!file) throw new Error('recorder produced no file');
    return { fileBytes: (await stat(file)).size, framesPerSecond: steps / seconds, seconds, droppedFrames: recorder.droppedFrames, compression };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
