// src/gen is generated from proto/momento.proto: regenerating must reproduce it byte for byte.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.js';

it('src/gen matches a fresh generation from proto/', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'momento-gen-'));
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts/gen-proto.mjs'), dir], { cwd: ROOT, stdio: 'pipe' });
    for (const file of ['momento.js', 'momento.d.ts']) {
      expect(readFileSync(join(dir, file), 'utf8'), `src/gen/${file} is stale: run npm run gen`).toBe(readFileSync(join(ROOT, 'src/gen', file), 'utf8'));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
