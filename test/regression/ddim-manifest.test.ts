// Regression test for a bug found in review; the describe/it names say the expected behaviour.
import { afterEach, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/bundle/load.js';
import { BundleError } from '../../src/core/errors.js';
import { Policy } from '../../src/policy/policy.js';
import { bundleCopy, removeBundleCopies, type Json } from '../helpers/bundle-copy.js';

afterEach(removeBundleCopies);
const variant = (edit: (m: Record<string, Json>) => void): string => bundleCopy('memoryless-tiny', edit, 'ddim');

describe('ddim head fields are validated with the manifest', () => {
  it('steps > train_steps is a manifest error naming the field', async () => {
    const dir = variant((m) => { m.head.steps = 60; });
    expect(() => readManifest(dir)).toThrow(BundleError);
    await expect(Policy.load(dir)).rejects.toThrow(/head\.steps/);
  });
  it('beta_end >= 1 is rejected (alpha_bar <= 0 gives NaN actions)', async () => {
    const dir = variant((m) => { m.head.beta_end = 1.5; });
    expect(() => readManifest(dir)).toThrow(BundleError);
  });
});
