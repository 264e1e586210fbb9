// StepResult through its protobuf form (recordings, policy server replies): the optional live-run
// fields (placement, source events, input stamps) come back as written, and stay absent when absent.
import { describe, expect, it } from 'vitest';
import type { StepResult } from '../../../src/core/types.js';
import { decodeStep, encodeStep } from '../../../src/record/codec.js';

const base: StepResult = {
  chunk: { dims: 2, horizon: 2, values: Float32Array.of(0.5, -0.25, 1, 0), stampNs: 1_764_000_000_123_456_000, periodS: 0.1 },
  timings: { preprocessMs: 1, encoderMs: 2, memoryMs: 3, headMs: 4, totalMs: 10 },
  memory: { entries: 3, merges: 1, streams: [{ name: 'perceptual', entries: 3, merges: 1, mergedAt: [0] }] },
  step: 7,
};

describe('StepResult codec', () => {
  it('round-trips the source events and the stamps of the inputs used', () => {
    const step: StepResult = {
      ...base,
      placement: { delayTicks: 1, startIndex: 1, expired: false },
      sourceEvents: { reconnects: 1, gapFrames: 12 },
      inputStampsNs: { 'camera:rgb': 1_764_000_000_123_456_000, joints: 1_764_000_000_120_000_000 },
    };
    const back = decodeStep(encodeStep(step));
    expect(back.sourceEvents).toEqual({ reconnects: 1, gapFrames: 12 });
    expect(back.inputStampsNs).toEqual(step.inputStampsNs);
    expect(back.placement).toEqual(step.placement);
    expect(back.chunk.stampNs).toBe(step.chunk.stampNs);
  });

  it('keeps a step of a source without events as it was: the fields stay absent', () => {
    const back = decodeStep(encodeStep(base));
    expect(back).not.toHaveProperty('sourceEvents');
    expect(back).not.toHaveProperty('inputStampsNs');
    expect(back).not.toHaveProperty('placement');
    expect(back.step).toBe(7);
    // A source that reports events but had none since the previous step: zeros, present.
    expect(decodeStep(encodeStep({ ...base, sourceEvents: { reconnects: 0, gapFrames: 0 } })).sourceEvents).toEqual({ reconnects: 0, gapFrames: 0 });
  });
});
