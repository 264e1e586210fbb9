// The layering that ARCHITECTURE.md promises, checked on every import of src/ and sim/:
// cli, bench (composition roots) and the public entry src/index.ts → server → runtime → policy, transports, record → memory, onnx,
// bundle, streams → core → gen; policy and transports never import each other; only the
// composition roots import sim/, and sim/ imports nothing of src/ but core.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** Rank in the dependency order; an import must point to a lower rank (or stay in its own layer). */
const RANK: Record<string, number> = {
  gen: 0,
  core: 1,
  memory: 2, onnx: 2, bundle: 2, streams: 2,
  policy: 3, transports: 3, record: 3,
  runtime: 4,
  server: 5,
  cli: 6, bench: 6,
  // src/index.ts, the public library entry: it re-exports from every layer but sim/.
  entry: 6,
};
/** Same-rank imports that the design allows (the manifest names graph dtypes and devices). */
const SAME_RANK_ALLOWED = new Set(['bundle → onnx']);
const COMPOSITION_ROOTS = new Set(['cli', 'bench']);
function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** The layer of a repository path: 'sim', the folder under src/, or 'entry' for a file directly in src/. */
function layerOf(path: string): string | undefined {
  const parts = path.split('/');
  if (parts[0] === 'sim') return 'sim';
  if (parts[0] === 'src') return parts.length === 2 ? 'entry' : parts[1];
  return undefined;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

interface Edge {
  readonly from: string;
  readonly to: string;
}

function edges(): Edge[] {
  return [...sourceFiles('src'), ...sourceFiles('sim')].flatMap((file) =>
    [...readFileSync(join(ROOT, file), 'utf8').matchAll(IMPORT)]
      .map((m) => m[1] ?? m[2] ?? '')
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => ({ from: file, to: relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts') })),
  );
}

function violation({ from, to }: Edge): string | undefined {
  const a = layerOf(from);
  const b = layerOf(to);
  if (a === undefined || b === undefined || a === b) return undefined;
  if (b === 'sim') return COMPOSITION_ROOTS.has(a) ? undefined : 'only the composition roots (cli, bench) import sim/';
  if (a === 'sim') return b === 'core' ? undefined : 'sim/ imports nothing of src/ but core';
  const ra = RANK[a];
  const rb = RANK[b];
  if (ra === undefined || rb === undefined) return `unknown layer (${a} → ${b}): add it to RANK`;
  if (rb < ra) return undefined;
  if (rb === ra && SAME_RANK_ALLOWED.has(`${a} → ${b}`)) return undefined;
  return `${a} may not import ${b}`;
}

describe('layering', () => {
  const all = edges();

  it('finds the imports it checks', () => {
    // A parser that found nothing would pass everything.
    expect(all.length).toBeGreaterThan(200);
    expect(all).toContainEqual({ from: 'src/cli/main.ts', to: 'src/cli/commands/run.ts' });
    expect(all).toContainEqual({ from: 'src/bench/sim.ts', to: 'sim/index.ts' });
  });

  it('every import points down the dependency order', () => {
    const bad = all.flatMap((e) => {
      const why = violation(e);
      return why ? [`${e.from} → ${e.to}: ${why}`] : [];
    });
    expect(bad).toEqual([]);
  });

  it('names what is wrong in a violation', () => {
    expect(violation({ from: 'src/bench/main.ts', to: 'src/cli/options.ts' })).toBe('bench may not import cli');
    expect(violation({ from: 'src/runtime/replay-episodes.ts', to: 'sim/index.ts' })).toMatch(/composition roots/);
    expect(violation({ from: 'src/policy/policy.ts', to: 'src/transports/sim/index.ts' })).toBe('policy may not import transports');
    expect(violation({ from: 'sim/env.ts', to: 'src/transports/sim/index.ts' })).toMatch(/sim\/ imports nothing/);
    expect(violation({ from: 'src/cli/commands/replay.ts', to: 'src/runtime/replay-episodes.ts' })).toBeUndefined();
    expect(violation({ from: 'src/index.ts', to: 'sim/index.ts' })).toMatch(/composition roots/);
  });
});
