// Deterministic synthetic episode data (a moving square over a gradient, a little proprio, a
// MemoryVLA-like step result): what the recorder benchmark and the recording tests feed in, so
// that a reader can recompute any frame from its index alone.
import type { EpisodeStart } from '../core/interfaces.js';
import type { Action, Observation, StepResult } from '../core/types.js';

export const SYNTHETIC_PERIOD_NS = 100_000_000; // 10 Hz

export const SYNTHETIC_START: EpisodeStart = {
  bundle: 'synthetic',
  bundleHash: 'sha256:0000',
  task: 'cup-shuffle',
  seed: 7,
  device: 'cpu',
  source: 'synthetic',
};

/** The image of frame `index`: size x size x 3, rgb8. */
export function syntheticImage(index: number, size: number): Uint8Array {
  const data = new Uint8Array(size * size * 3);
  const x0 = (index * 3) % size;
  const y0 = (index * 2) % size;
  const side = Math.max(2, size >> 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p = (y * size + x) * 3;
      const inSquare = x >= x0 && x < x0 + side && y >= y0 && y < y0 + side;
      data[p] = inSquare ? 230 : (x * 4) & 0xff;
      data[p + 1] = inSquare ? 40 : (y * 4) & 0xff;
      // 3 bits of pseudo-random sensor noise, so that frames are not trivially compressible.
      data[p + 2] = inSquare ? 40 : 96 + (Math.imul(x * 31 + y * 17 + index * 7, 2654435761) >>> 29);
    }
  }
  return data;
}

export function syntheticObservation(index: number, size = 64, startNs = 0): Observation {
  return {
    cameras: [{ name: 'front', height: size, width: size, channels: 3, data: syntheticImage(index, size) }],
    proprio: Float32Array.from({ length: 7 }, (_, i) => Math.sin(index * 0.1 + i)),
    instruction: { taskId: SYNTHETIC_START.task, text: 'find the block' },
    stampNs: startNs + index * SYNTHETIC_PERIOD_NS,
    index,
  };
}

export function syntheticStep(index: number, startNs = 0): StepResult {
  const entries = Math.min(index + 1, 16);
  return {
    chunk: {
      dims: 7,
      horizon: 4,
      values: Float32Array.from({ length: 28 }, (_, i) => Math.cos(index + i)),
      stampNs: startNs + index * SYNTHETIC_PERIOD_NS,
      periodS: 0.1,
    },
    timings: { preprocessMs: 0.2, encoderMs: 3.1, memoryMs: 0.4, headMs: 0.9, totalMs: 4.6 },
    memory: {
      entries,
      merges: index >= 16 ? 1 : 0,
      streams: [
        {
          name: 'perceptual',
          entries,
          merges: index >= 16 ? 1 : 0,
          mergedAt: index >= 16 ? [index % 15] : [],
          attention: Float32Array.from({ length: entries }, () => 1 / entries),
        },
      ],
    },
    step: index,
  };
}

export function syntheticAction(index: number, startNs = 0): Action {
  return {
    values: Float32Array.from({ length: 7 }, (_, i) => Math.cos(index + i)),
    // Executed just after the observation it answers.
    stampNs: startNs + index * SYNTHETIC_PERIOD_NS + 1_000_000,
    hold: false,
    reason: '',
  };
}
