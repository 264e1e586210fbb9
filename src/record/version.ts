// momento's own version, for the `episode` metadata and `--version`: read once from the project's
// package.json (the same file in a checkout and in an installed package).
import { readFileSync } from 'node:fs';
import { projectPath } from '../core/project-files.js';

let cached: string | undefined;

export function momentoVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version?: unknown };
    cached = typeof pkg.version === 'string' ? pkg.version : 'unknown';
  }
  return cached;
}
