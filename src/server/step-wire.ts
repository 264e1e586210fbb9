// StepResult between the runtime's form (typed arrays) and the protobuf message, both ways: the
// server encodes what the client decodes, so a remote step equals a local one value for value.
import type { StepResult } from '../core/types.js';
import type { momento } from '../core/wire.js';

export function stepResultToWire(result: StepResult): momento.v1.IStepResult {
  const { chunk, timings, memory } = result;
  return {
    chunk: { dims: chunk.dims, horizon: chunk.horizon, values: Array.from(chunk.values), stampNs: chunk.stampNs, periodS: chunk.periodS },
    timings: { ...timings },
    memory: {
      entries: memory.entries,
      merges: memory.merges,
      streams: memory.streams.map((s) => ({ name: s.name, entries: s.entries, merges: s.merges, mergedAt: [...s.mergedAt], attention: s.attention ? Array.from(s.attention) : [] })),
    },
    step: result.step,
  };
}

export function stepResultFromWire(m: momento.v1.IStepResult): StepResult {
  return {
    chunk: {
      dims: m.chunk?.dims ?? 0,
      horizon: m.chunk?.horizon ?? 0,
      values: Float32Array.from(m.chunk?.values ?? []),
      stampNs: Number(m.chunk?.stampNs ?? 0),
      periodS: m.chunk?.periodS ?? 0,
    },
    timings: {
      preprocessMs: m.timings?.preprocessMs ?? 0,
      encoderMs: m.timings?.encoderMs ?? 0,
      memoryMs: m.timings?.memoryMs ?? 0,
      headMs: m.timings?.headMs ?? 0,
      totalMs: m.timings?.totalMs ?? 0,
    },
    memory: {
      entries: m.memory?.entries ?? 0,
      merges: m.memory?.merges ?? 0,
      streams: (m.memory?.streams ?? []).map((s) => ({
        name: s.name ?? '',
        entries: s.entries ?? 0,
        merges: s.merges ?? 0,
        mergedAt: [...(s.mergedAt ?? [])],
        ...(s.attention && s.attention.length > 0 ? { attention: Float32Array.from(s.attention) } : {}),
      })),
    },
    step: Number(m.step ?? 0),
  };
}
