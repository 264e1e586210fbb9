// momento's own version, for the `episode` metadata: read once from the package.json above this
// module (the same file in a checkout and in an installed package).
import { readFileSync } from 'node:fs';
import { findUpward } from './schemas.js';

let cached: string | undefined;

export function momentoVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(findUpward('package.json'), 'utf8')) as { version?: unknown };
    cached = typeof pkg.version === 'string' ? pkg.version : 'unknown';
  }
  return cached;
}
