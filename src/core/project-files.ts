// Files that ship with momento (proto/, policies/, package.json), found from any module whether it
// runs from src/ (tsx) or dist/ (compiled): the project root is the first folder above this
// module that holds package.json.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function projectRoot(): string {
  if (root === undefined) {
    const start = dirname(fileURLToPath(import.meta.url));
    for (let dir = start; ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'package.json'))) {
        root = dir;
        break;
      }
      if (dirname(dir) === dir) throw new Error(`cannot find momento's package.json above ${start}`);
    }
  }
  return root;
}

/** `relative` (e.g. 'proto/momento.proto') under the project root. */
export function projectPath(relative: string): string {
  return join(projectRoot(), relative);
}
