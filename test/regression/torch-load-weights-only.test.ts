// Regression test (issue 14): a checkpoint is data, so loading one must not run pickled code.
// Every torch.load in the training code passes weights_only=True (tensors and plain containers only).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

function pythonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') || entry.name === '__pycache__' ? [] : pythonFiles(path);
    return entry.name.endsWith('.py') ? [path] : [];
  });
}

describe('training code', () => {
  it('loads checkpoints with torch.load(..., weights_only=True) only', () => {
    const calls = pythonFiles(join(ROOT, 'policies')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/torch\.load\(([^)]*)\)/g)].map((m) => ({ file, args: m[1] ?? '' })),
    );
    // training.py's read_checkpoint; train.py (--init), check_parity.py and export_checkpoint.py load through it
    expect(calls.some((c) => c.file.endsWith(join('momento_models', 'training.py')))).toBe(true);
    expect(calls.filter((c) => !/weights_only\s*=\s*True/.test(c.args))).toEqual([]);
  });
});
