// Regression: a failing step left memory half-written (the HAMLET window pushed before the memory
// graph ran, MemoryVLA banks written before the head ran, while the step counter stayed): head
// forced to throw once gave bank timesteps [0] → [0, 1] at step 1, and the retry wrote [0, 1, 1].
// A step is now two-phase: a failed step changes nothing, and its retry equals a step that never failed.
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BundleError } from '../../src/core/errors.js';
import { encodeMemorySnapshot } from '../../src/memory/snapshot.js';
import { OnnxGraph } from '../../src/onnx/graph.js';
import type { EpisodeState } from '../../src/policy/episode.js';
import type { MemoryOverride } from '../../src/policy/memory-override.js';
import { Policy } from '../../src/policy/policy.js';
import { BUNDLES, readReference, toObservation } from '../helpers/reference.js';

const state = (e: EpisodeState): Buffer => Buffer.from(encodeMemorySnapshot(e.snapshot()));
const timesteps = (e: EpisodeState): number[][] => (e.memory.kind === 'memoryvla' ? [...e.memory.banks.values()].map((b) => b.entries.map((x) => x.timestep)) : []);

/** Makes the `nth` run (1-based, counted from now) of the graph whose file ends with `file` throw once. */
function failRun(file: string, nth: number): void {
  const real = OnnxGraph.prototype.runValues;
  let runs = 0;
  vi.spyOn(OnnxGraph.prototype, 'runValues').mockImplementation(function (this: OnnxGraph, ...args: Parameters<OnnxGraph['runValues']>) {
    if (this.file.endsWith(file) && ++runs === nth) return Promise.reject(new Error(`injected failure of ${file}`));
    return real.apply(this, args);
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each<{ bundle: string; file: string; nth: number; override?: MemoryOverride }>([
  // hamlet-tiny: flow head of 4 Euler steps, fail the third (noise already drawn); memoryvla-tiny:
  // direct head after the bank read; memoryless-tiny: DDIM, fail the last sampling step. With a
  // memory override (FIFO or merge at capacity 2: past capacity at step 6; 2L: padded slots).
  { bundle: 'hamlet-tiny', file: 'head.onnx', nth: 3 },
  { bundle: 'memoryvla-tiny', file: 'head.onnx', nth: 1, override: { eviction: 'fifo', capacity: 2 } },
  { bundle: 'memoryvla-tiny', file: 'memory.onnx', nth: 1, override: { capacity: 8 } },
  { bundle: 'memoryvla-tiny', file: 'head.onnx', nth: 1, override: { capacity: 2 } },
  { bundle: 'memoryvla-tiny', file: 'head.onnx', nth: 1 },
  { bundle: 'memoryless-tiny', file: 'head.onnx', nth: 4 },
  { bundle: 'memoryvla-tiny', file: 'memory.onnx', nth: 1 },
  { bundle: 'hamlet-tiny', file: 'memory.onnx', nth: 1 },
])('$bundle, $file failing once, memory override $override', ({ bundle, file, nth, override }) => {
  it.each([false, true])('changes nothing (noMemory %s), and the retry equals a step that never failed', async (noMemory) => {
    await using policy = await Policy.load(join(BUNDLES, bundle), { noMemory, ...(override ? { memoryOverride: override } : {}) });
    const ref = readReference(bundle);
    const obs = ref.steps.slice(0, 8).map((s) => toObservation(s.observation, s.index));
    const failing = policy.newEpisode(ref.episode_seed);
    const clean = policy.newEpisode(ref.episode_seed);
    for (const o of obs.slice(0, 6)) {
      await policy.step(failing, o);
      await policy.step(clean, o);
    }
    const before = state(failing);
    const stepBefore = failing.step;
    const banksBefore = timesteps(failing);

    failRun(file, nth);
    const error = await policy.step(failing, obs[6]!).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as Error).message).toMatch(new RegExp(`graph '${file.replace('.onnx', '')}': injected failure.*\\[bundle=${bundle}\\]`));
    expect((error as Error).cause).toBeInstanceOf(Error);
    vi.restoreAllMocks();

    expect(failing.step).toBe(stepBefore);
    expect(timesteps(failing)).toEqual(banksBefore);
    expect(state(failing).equals(before)).toBe(true);
    expect(failing.busy).toBe(false);

    for (const o of obs.slice(6)) {
      const retried = await policy.step(failing, o);
      const neverFailed = await policy.step(clean, o);
      expect(Buffer.from(retried.chunk.values.buffer).equals(Buffer.from(neverFailed.chunk.values.buffer))).toBe(true);
      expect(retried.step).toBe(neverFailed.step);
      expect(retried.memory).toEqual(neverFailed.memory);
    }
    expect(state(failing).equals(state(clean))).toBe(true);
  });
});

describe('a failed batch', () => {
  it('changes none of its episodes', async () => {
    await using policy = await Policy.load(join(BUNDLES, 'memoryvla-tiny'));
    const ref = readReference('memoryvla-tiny');
    const obs = ref.steps.map((s) => toObservation(s.observation, s.index));
    const episodes = [policy.newEpisode(1), policy.newEpisode(2), policy.newEpisode(3)];
    for (let i = 0; i < 5; i++) await policy.stepBatch(episodes.map((episode, b) => ({ episode, observation: obs[(i + b) % obs.length]! })));
    const before = episodes.map(state);
    failRun('head.onnx', 1);
    await expect(policy.stepBatch(episodes.map((episode, b) => ({ episode, observation: obs[b]! })))).rejects.toThrow(/graph 'head': injected failure/);
    episodes.forEach((e, i) => expect(state(e).equals(before[i]!), `episode ${i}`).toBe(true));
  });
});
