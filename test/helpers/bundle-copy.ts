// Edited copies of the tiny test bundles in a temp folder, for tests of loading and validation.
// Call removeBundleCopies() in afterEach/afterAll.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BUNDLES } from './reference.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach into arbitrary JSON
export type Json = any;

const copies: string[] = [];

/** A copy of test bundle `name` (folder named `as`), its policy.json edited by `edit`. */
export function bundleCopy(name: string, edit: (m: Record<string, Json>) => void = () => {}, as = name): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'momento-bundle-')), as);
  copies.push(dirname(dir));
  cpSync(join(BUNDLES, name), dir, { recursive: true });
  const file = join(dir, 'policy.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Json>;
  edit(m);
  writeFileSync(file, JSON.stringify(m));
  return dir;
}

export function removeBundleCopies(): void {
  for (const d of copies.splice(0)) rmSync(d, { recursive: true, force: true });
}
