// NoiseGenerator against the `rng` block that policies/export_test_bundles.py wrote into the
// fixtures' reference.json from the Python generator (policies/momento_models/rng.py): the same
// uint32 stream and the same normals, so a trained sampler sees the noise it was trained with.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NoiseGenerator } from '../../../src/policy/noise.js';
import { BUNDLES } from '../../helpers/reference.js';

interface RngReference {
  manifest_seed: number;
  episode_seed: number;
  chunk_shape: [number, number];
  rng?: { state: number; uint32: number[]; normals: number[]; first_noise: number[] };
}

// The bundles with an iterative head carry an rng block (direct heads draw no noise).
const WITH_RNG = ['hamlet-tiny', 'memoryless-tiny'];

describe.each(WITH_RNG)('NoiseGenerator against %s/reference.json', (bundle) => {
  const ref = JSON.parse(readFileSync(join(BUNDLES, bundle, 'reference.json'), 'utf8')) as RngReference;
  const rng = ref.rng!;

  it('has an rng block to compare with', () => {
    expect(rng.uint32).toHaveLength(8);
    expect(rng.normals).toHaveLength(8);
  });

  it('seeds from manifest seed XOR episode seed', () => {
    expect(NoiseGenerator.forEpisode(ref.manifest_seed, ref.episode_seed).position.state).toBe(rng.state);
  });

  it('draws the same uint32 stream, exactly', () => {
    const gen = new NoiseGenerator(rng.state);
    expect(Array.from({ length: rng.uint32.length }, () => gen.nextUint32())).toEqual(rng.uint32);
  });

  it('draws the same standard normals (float32, as the head receives them)', () => {
    const gen = new NoiseGenerator(rng.state);
    const normals = Array.from({ length: rng.normals.length }, () => Math.fround(gen.normal()));
    expect(normals).toEqual(rng.normals.map(Math.fround));
  });

  it("fills the first chunk's noise like the reference's first sampler call", () => {
    const noise = new Float32Array(ref.chunk_shape[0] * ref.chunk_shape[1]);
    NoiseGenerator.forEpisode(ref.manifest_seed, ref.episode_seed).fillNormal(noise);
    expect(Array.from(noise)).toEqual(rng.first_noise.map(Math.fround));
  });
});
