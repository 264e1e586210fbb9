// Regression: EpisodeState.restore restored bank by bank, so a snapshot missing the `cognitive`
// bank replaced `perceptual` and then threw. It now validates the whole snapshot into fresh state
// and swaps only when all of it is valid: a bad snapshot changes nothing.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { momento } from '../../src/core/wire.js';
import { decodeMemorySnapshot, encodeMemorySnapshot } from '../../src/memory/snapshot.js';
import type { EpisodeState } from '../../src/policy/episode.js';
import { Policy } from '../../src/policy/policy.js';
import { BUNDLES, readReference, toObservation } from '../helpers/reference.js';

const bytes = (e: EpisodeState): Buffer => Buffer.from(encodeMemorySnapshot(e.snapshot()));

async function episodeAfter(policy: Policy, bundle: string, seed: number, steps: number): Promise<EpisodeState> {
  const ref = readReference(bundle);
  const episode = policy.newEpisode(seed);
  for (const s of ref.steps.slice(0, steps)) await policy.step(episode, toObservation(s.observation, s.index));
  return episode;
}

describe('EpisodeState.restore is all or nothing', () => {
  it('memoryvla: a snapshot missing one bank, or with a bad one, leaves every bank, the step and the noise as they were', async () => {
    await using policy = await Policy.load(join(BUNDLES, 'memoryvla-tiny'));
    const target = await episodeAfter(policy, 'memoryvla-tiny', 1, 3);
    const source = decodeMemorySnapshot(encodeMemorySnapshot((await episodeAfter(policy, 'memoryvla-tiny', 2, 7)).snapshot()));
    const before = bytes(target);
    const cases: [string, momento.v1.IMemorySnapshot, RegExp][] = [
      ['cognitive missing', { ...source, banks: source.banks.filter((b) => b.stream !== 'cognitive') }, /bank 'cognitive' missing/],
      ['cognitive twice', { ...source, banks: [...source.banks, source.banks.find((b) => b.stream === 'cognitive')!] }, /bank 'cognitive' appears 2 times/],
      ['unknown stream', { ...source, banks: [...source.banks, { stream: 'episodic', capacity: 4 }] }, /bank 'episodic' is not a stream/],
      ['bad cognitive tensor', { ...source, banks: source.banks.map((b) => (b.stream === 'cognitive' ? { ...b, entries: [{ timestep: 0, tokens: { ...b.entries![0]!.tokens, shape: [2, 16] } }] } : b)) }, /shape must be \[1, 16\]/],
      ['entry not before the step', { ...source, step: 2 }, /timestep.* is not before the snapshot's step 2/],
      ['negative step', { ...source, step: -1 }, /'step' must be a non-negative integer/],
      ['noise state out of range', { ...source, noiseState: 2 ** 33 }, /'noiseState' must be a uint32/],
      ['non-finite noise spare', { ...source, hasNoiseSpare: true, noiseSpare: NaN }, /'noiseSpare' must be finite/],
    ];
    for (const [what, snapshot, message] of cases) {
      expect(() => target.restore(snapshot), what).toThrow(message);
      expect(bytes(target).equals(before), what).toBe(true);
    }
    target.restore(source);
    expect(bytes(target).equals(Buffer.from(encodeMemorySnapshot(source)))).toBe(true);
  });

  it('hamlet: a bad window leaves the window, the step and the noise as they were', async () => {
    await using policy = await Policy.load(join(BUNDLES, 'hamlet-tiny'));
    const target = await episodeAfter(policy, 'hamlet-tiny', 1, 3);
    const source = decodeMemorySnapshot(encodeMemorySnapshot((await episodeAfter(policy, 'hamlet-tiny', 2, 5)).snapshot()));
    const before = bytes(target);
    const moments = source.window!.moments!;
    expect(() => target.restore({ ...source, window: { length: 4, moments: [...moments.slice(0, 3), { ...moments[3]!, data: new Uint8Array(3) }] } })).toThrow(/moments\[3\]/);
    expect(() => target.restore({ ...source, window: null })).toThrow(/window missing/);
    expect(bytes(target).equals(before)).toBe(true);
  });

  it('refuses to restore while a step of the episode runs', async () => {
    await using policy = await Policy.load(join(BUNDLES, 'memoryvla-tiny'));
    const ref = readReference('memoryvla-tiny');
    const episode = policy.newEpisode(0);
    const snapshot = episode.snapshot();
    const running = policy.step(episode, toObservation(ref.steps[0]!.observation, 0));
    expect(() => episode.restore(snapshot)).toThrow(/cannot restore while a step runs/);
    await running;
    expect(episode.step).toBe(1);
  });
});
