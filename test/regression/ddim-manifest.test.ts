// Regression test for a bug found in review; the describe/it names say the expected behaviour.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifest } from '../../src/bundle/load.js';
import { BundleError } from '../../src/core/errors.js';
import { Policy } from '../../src/policy/policy.js';
import { BUNDLES } from '../helpers/reference.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach into arbitrary JSON
type Json = any;
function variant(edit: (m: Record<string, Json>) => void): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'momento-review-')), 'ddim');
  cpSync(join(BUNDLES, 'memoryless-tiny'), dir, { recursive: true });
  const m = JSON.parse(readFileSync(join(dir, 'policy.json'), 'utf8'));
  edit(m);
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(m));
  return dir;
}

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
