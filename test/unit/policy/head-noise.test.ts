// head.noise: 'call' (the default) draws the sampler's initial noise afresh for every policy call;
// 'episode' draws it once, as the episode's first k x A normals, and reuses it for every call, so
// a sampler over a multi-modal expert keeps to one mode. Checked against the generator's reference
// numbers (reference.json), through the policy (chunks, batches) and through snapshots.
import { afterAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../../src/bundle/load.js';
import { BundleError } from '../../../src/core/errors.js';
import type { momento } from '../../../src/core/wire.js';
import { decodeMemorySnapshot, encodeMemorySnapshot, tensorToProto } from '../../../src/memory/snapshot.js';
import { EpisodeState } from '../../../src/policy/episode.js';
import { NoiseGenerator } from '../../../src/policy/noise.js';
import { Policy } from '../../../src/policy/policy.js';
import { checkSnapshotValues } from '../../../src/server/snapshot-check.js';
import { bundleCopy, removeBundleCopies, type Json } from '../../helpers/bundle-copy.js';
import { readReference, toObservation } from '../../helpers/reference.js';

afterAll(removeBundleCopies);

/** hamlet-tiny has a flow head, memoryless-tiny a DDIM head; both chunks are 8 x 3. */
const ITERATIVE = ['hamlet-tiny', 'memoryless-tiny'] as const;
const K_A = 8 * 3;
const LOAD_TIMEOUT_MS = 30_000;

const withNoise = (bundle: string, noise: unknown): string => bundleCopy(bundle, (m: Record<string, Json>) => { m.head.noise = noise; });
const manifestWith = (bundle: string, noise: 'call' | 'episode') => readManifest(withNoise(bundle, noise)).manifest;

/** The initial noise of one call of `episode` (what the policy's sampler gets), committing the position as a step does. */
function callNoise(episode: EpisodeState): Float32Array {
  const fork = episode.forkNoise();
  const x = new Float32Array(K_A);
  episode.initialNoise(fork, x, 0);
  episode.commitStep(() => [], fork.position);
  return x;
}

function observations(bundle: string) {
  return readReference(bundle).steps.map((s) => toObservation(s.observation, s.index));
}

async function chunks(policy: Policy, episode: EpisodeState, bundle: string, calls: number): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const o of observations(bundle).slice(0, calls)) out.push((await policy.step(episode, o)).chunk.values);
  return out;
}

describe.each(ITERATIVE)('head.noise on %s', (bundle) => {
  const ref = readReference(bundle) as ReturnType<typeof readReference> & { rng: { first_noise: number[] } };
  const seed = ref.episode_seed;

  it("'episode': every call of an episode gets the same x0, the episode's first draw (the reference's first noise)", () => {
    const episode = new EpisodeState(manifestWith(bundle, 'episode'), seed);
    expect(episode.headNoise).toBe('episode');
    const first = callNoise(episode);
    expect(Array.from(first)).toEqual(ref.rng.first_noise.map(Math.fround));
    for (let i = 0; i < 5; i++) expect(callNoise(episode)).toEqual(first);
  });

  it("'episode': different episode seeds get different x0", () => {
    const manifest = manifestWith(bundle, 'episode');
    const draws = [0, 1, 2, 7].map((s) => Array.from(callNoise(new EpisodeState(manifest, s))).join());
    expect(new Set(draws).size).toBe(4);
  });

  it("'call' and no field: each call draws the next k x A normals of the stream, as before", () => {
    const { manifest } = readManifest(withNoise(bundle, undefined));
    for (const m of [manifest, manifestWith(bundle, 'call')]) {
      const episode = new EpisodeState(m, seed);
      expect(episode.headNoise).toBe('call');
      const stream = NoiseGenerator.forEpisode(m.seed, seed);
      const first = callNoise(episode);
      expect(Array.from(first)).toEqual(ref.rng.first_noise.map(Math.fround));
      const expected = new Float32Array(K_A);
      stream.fillNormal(expected);
      for (let i = 0; i < 4; i++) {
        stream.fillNormal(expected);
        expect(callNoise(episode)).toEqual(expected);
      }
    }
  });

  it("'call' gives bit-identical chunks with and without the field; 'episode' the same first chunk, then others", { timeout: LOAD_TIMEOUT_MS }, async () => {
    await using plain = await Policy.load(withNoise(bundle, undefined));
    await using call = await Policy.load(withNoise(bundle, 'call'));
    await using episode = await Policy.load(withNoise(bundle, 'episode'));
    const a = await chunks(plain, plain.newEpisode(seed), bundle, 4);
    const b = await chunks(call, call.newEpisode(seed), bundle, 4);
    const c = await chunks(episode, episode.newEpisode(seed), bundle, 4);
    expect(b).toEqual(a);
    expect(c[0]).toEqual(a[0]);
    expect(c.slice(1)).not.toEqual(a.slice(1));
  });

  it("'episode': a batch keeps each session's own noise (batched chunks equal each episode stepped alone)", { timeout: LOAD_TIMEOUT_MS }, async () => {
    await using policy = await Policy.load(withNoise(bundle, 'episode'));
    const obs = observations(bundle).slice(0, 3);
    const seeds = [3, 4, 5];
    const alone: Float32Array[][] = [];
    for (const s of seeds) alone.push(await chunks(policy, policy.newEpisode(s), bundle, obs.length));
    const batched = seeds.map(() => [] as Float32Array[]);
    const episodes = seeds.map((s) => policy.newEpisode(s));
    for (const o of obs) {
      const results = await policy.stepBatch(episodes.map((episode) => ({ episode, observation: o })));
      results.forEach((r, i) => batched[i]!.push(r.chunk.values));
    }
    seeds.forEach((_, i) => batched[i]!.forEach((chunk, t) => chunk.forEach((v, j) => expect(v).toBeCloseTo(alone[i]![t]![j]!, 5))));
    expect(alone[0]![0]).not.toEqual(alone[1]![0]);
  });

  it("'episode': a snapshot carries the episode noise; restored into an episode of another seed, the next chunks are the same bits", { timeout: LOAD_TIMEOUT_MS }, async () => {
    await using policy = await Policy.load(withNoise(bundle, 'episode'));
    const obs = observations(bundle);
    const original = policy.newEpisode(seed);
    for (const o of obs.slice(0, 3)) await policy.step(original, o);
    const saved = decodeMemorySnapshot(encodeMemorySnapshot(original.snapshot()));
    expect(saved.episodeNoise?.shape).toEqual([8, 3]);
    const resumed = policy.newEpisode(seed + 99);
    resumed.restore(saved);
    for (const o of obs.slice(3, 6)) expect((await policy.step(resumed, o)).chunk.values).toEqual((await policy.step(original, o)).chunk.values);
  });

  it('restore refuses a snapshot whose episode noise does not fit the mode, and changes nothing', { timeout: LOAD_TIMEOUT_MS }, async () => {
    await using episodic = await Policy.load(withNoise(bundle, 'episode'));
    await using perCall = await Policy.load(withNoise(bundle, 'call'));
    const withEpisodeNoise = decodeMemorySnapshot(encodeMemorySnapshot(episodic.newEpisode(1).snapshot()));
    const withoutEpisodeNoise: momento.v1.IMemorySnapshot = { ...withEpisodeNoise, episodeNoise: null };
    const target = episodic.newEpisode(2);
    const before = Buffer.from(encodeMemorySnapshot(target.snapshot()));
    const cases: [string, momento.v1.IMemorySnapshot, RegExp][] = [
      ['missing', withoutEpisodeNoise, /'episodeNoise' is missing; head.noise 'episode'/],
      ['wrong shape', { ...withEpisodeNoise, episodeNoise: tensorToProto('episode_noise', [4, 3], new Float32Array(12)) }, /shape must be \[8, 3\], got \[4, 3\]/],
      ['non-finite', { ...withEpisodeNoise, episodeNoise: tensorToProto('episode_noise', [8, 3], new Float32Array(K_A).fill(Number.NaN)) }, /'episodeNoise\[0\]' must be finite, got NaN/],
    ];
    for (const [what, snapshot, message] of cases) {
      expect(() => target.restore(snapshot), what).toThrow(message);
      expect(Buffer.from(encodeMemorySnapshot(target.snapshot())).equals(before), what).toBe(true);
    }
    expect(() => perCall.newEpisode(2).restore(withEpisodeNoise)).toThrow(/carries 'episodeNoise', but this policy draws its noise every call \(head.noise 'call'\)/);
    // An episode of the other mode is not this policy's.
    await expect(perCall.step(episodic.newEpisode(1), observations(bundle)[0]!)).rejects.toThrow(/head noise 'episode'\), not to this policy/);
  });
});

describe('head.noise in the manifest', () => {
  it('anything but call or episode is an error naming the field and the value', () => {
    for (const bad of ['sometimes', 'Episode', 3, null]) {
      const dir = withNoise('hamlet-tiny', bad);
      expect(() => readManifest(dir)).toThrow(BundleError);
      expect(() => readManifest(dir)).toThrow(`field 'head.noise': must be 'call' or 'episode' (got ${JSON.stringify(bad)})`);
    }
    expect(() => readManifest(withNoise('memoryless-tiny', 'per-step'))).toThrow(`field 'head.noise': must be 'call' or 'episode' (got "per-step")`);
  });

  it('a direct head takes no noise field, not even call', () => {
    for (const value of ['episode', 'call']) {
      expect(() => readManifest(withNoise('memoryvla-tiny', value))).toThrow(`field 'head.noise': only an iterative head (kind 'flow' or 'ddim') draws noise; a 'direct' head takes no 'noise' (got "${value}")`);
    }
  });
});

describe('the server checks a restored snapshot’s episode noise', () => {
  it('refuses a non-finite value, naming the field', () => {
    const bad = new Float32Array(K_A).fill(0.5);
    bad[5] = Number.POSITIVE_INFINITY;
    expect(() => checkSnapshotValues({ step: 0, episodeNoise: tensorToProto('episode_noise', [8, 3], bad) })).toThrow(expect.objectContaining({ code: 'non-finite', field: 'restore.snapshot.episode_noise.data[5]', value: 'Infinity' }));
    expect(() => checkSnapshotValues({ step: 0, episodeNoise: tensorToProto('episode_noise', [8, 3], new Float32Array(K_A).fill(0.5)) })).not.toThrow();
  });
});
