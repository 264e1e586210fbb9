// The manifest's memory.eviction ('merge' | 'fifo', default merge) and the bank axis of a
// memoryvla memory graph (capacity L or one symbolic name on every bank input): what loads, and
// the errors, each naming the bundle and the field or tensor.
import { afterEach, describe, expect, it } from 'vitest';
import { readManifest } from '../../../src/bundle/load.js';
import { BundleError } from '../../../src/core/errors.js';
import { Policy } from '../../../src/policy/policy.js';
import { bundleCopy, removeBundleCopies, type Json } from '../../helpers/bundle-copy.js';

afterEach(removeBundleCopies);

const bankInputs = (m: Record<string, Json>): { name: string; shape: (number | string)[] }[] =>
  m['graphs']['memory']['inputs'].filter((t: { name: string }) => /_(bank|times|mask)$/.test(t.name));

describe('memory.eviction', () => {
  it("defaults to merge; 'fifo' runs the banks with FIFO eviction", async () => {
    await using merge = await Policy.load(bundleCopy('memoryvla-tiny'));
    expect(merge.manifest.memory).not.toHaveProperty('eviction');
    expect(merge.memorySpec).toMatchObject({ eviction: 'merge' });
    const dir = bundleCopy('memoryvla-tiny', (m) => (m['memory']['eviction'] = 'fifo'));
    await using fifo = await Policy.load(dir);
    expect(fifo.memorySpec).toMatchObject({ eviction: 'fifo', capacity: 4 });
    const episode = fifo.newEpisode(0);
    expect(episode.memory.kind === 'memoryvla' && [...episode.memory.banks.values()].every((b) => b.eviction === 'fifo')).toBe(true);
    // A runtime override still wins over the manifest.
    await using back = await Policy.load(dir, { memoryOverride: { eviction: 'merge' } });
    expect(back.memorySpec).toMatchObject({ eviction: 'merge' });
  });

  it('names a bad value', () => {
    const dir = bundleCopy('memoryvla-tiny', (m) => (m['memory']['eviction'] = 'lru'));
    expect(() => readManifest(dir)).toThrow(BundleError);
    expect(() => readManifest(dir)).toThrow(/policy\.json: field 'memory\.eviction': Invalid option: expected one of "merge"\|"fifo" \(got "lru"\) \[bundle=memoryvla-tiny\]/);
  });

  it('is refused on a hamlet bundle (strict memory section)', () => {
    const dir = bundleCopy('hamlet-tiny', (m) => (m['memory']['eviction'] = 'fifo'));
    expect(() => readManifest(dir)).toThrow(/field 'memory': Unrecognized key: "eviction".*\[bundle=hamlet-tiny\]/);
  });
});

describe('the bank axis of the memory graph', () => {
  it("accepts one symbolic name ('slots') on every bank input", () => {
    const { manifest } = readManifest(bundleCopy('memoryvla-tiny'));
    expect(manifest.graphs.memory!.inputs.find((t) => t.name === 'perceptual_bank')!.shape).toEqual(['batch', 'slots', 4, 16]);
  });

  it('names bank inputs whose axes disagree', () => {
    const dir = bundleCopy('memoryvla-tiny', (m) => {
      bankInputs(m).find((t) => t.name === 'cognitive_mask')!.shape[1] = 4;
    });
    expect(() => readManifest(dir)).toThrow(/graphs\.memory: the bank inputs' dimension 1 must be the same on all of them \(capacity 4 or one symbolic name\), got "slots", 4/);
  });

  it('names a fixed bank axis that is not the capacity', () => {
    const dir = bundleCopy('memoryvla-tiny', (m) => {
      for (const t of bankInputs(m)) t.shape[1] = 6;
    });
    expect(() => readManifest(dir)).toThrow(/graphs\.memory inputs tensor 'perceptual_bank': shape expected \[batch, 4, 4, 16\], got \[batch, 6, 4, 16\]/);
  });
});
