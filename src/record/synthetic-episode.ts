// Deterministic synthetic episode data (a moving square over a gradient, a little proprio, a
// MemoryVLA-like step result): what the recorder benchmark and the recording tests feed in, so
// that a reader can recompute any frame from its index alone. The one image generator of the
// project: runtime/synthetic.ts shapes its frames to a bundle's cameras with it.
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

/**
 * The image of frame `index`: height x width x channels (default a square rgb8), row-major. A
 * square moves over a gradient; `seed` shifts the square's path so that streams differ.
 */
export function syntheticImage(index: number, height: number, width = height, channels = 3, seed = 0): Uint8Array {
  const data = new Uint8Array(height * width * channels);
  const step = index + seed * 17;
  const x0 = (((step * 3) % width) + width) % width;
  const y0 = (((step * 2) % height) + height) % height;
  const side = Math.max(2, Math.min(height, width) >> 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * channels;
      const inSquare = x >= x0 && x < x0 + side && y >= y0 && y < y0 + side;
      for (let c = 0; c < channels; c++) {
        let value: number;
        if (c === 0) value = inSquare ? 230 : (x * 4) & 0xff;
        else if (c === 1) value = inSquare ? 40 : (y * 4) & 0xff;
        // 3 bits of pseudo-random sensor noise, so that frames are not trivially compressible.
        else value = inSquare ? 40 : (96 + c * 50 - 100 + (Math.imul(x * 31 + y * 17 + index * 7, 2654435761) >>> 29)) & 0xff;
        data[p + c] = value;
      }
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
