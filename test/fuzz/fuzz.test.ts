// The short form of `npm run fuzz`: a few hundred cases of each target on every `npm test`
// (fixed seed, so a failure reproduces). The long form is test/fuzz/fuzz-long.ts (`npm run fuzz`).
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { ALL_TARGETS } from './targets.js';

const CASES = Number(process.env['MOMENTO_FUZZ_CASES'] ?? 300);

describe('fuzz (short form)', () => {
  for (const make of ALL_TARGETS) {
    const target = make();
    it(`${target.name}: every case a result or a typed error naming what was wrong`, async () => {
      try {
        await fc.assert(await target.property(), { numRuns: CASES, seed: 14 });
      } finally {
        await target.dispose();
      }
    });
  }
});
