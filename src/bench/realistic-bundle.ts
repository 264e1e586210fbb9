// The realistic-size benchmark bundle (ViT-S/16 at 128 px + MemoryVLA, untrained): ~215 MB, so it
// lives in a cache folder outside git and is built on first use by
// policies/make_realistic_bundle.py, with whichever Python has PyTorch.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { projectPath } from '../core/project-files.js';

export const REALISTIC_BUNDLE = 'memoryvla-vits-128';

/** `MOMENTO_REALISTIC_BUNDLE`, else `$MOMENTO_BUNDLE_CACHE/<name>`, else `~/.cache/momento/bundles/<name>`. */
export function realisticBundleDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['MOMENTO_REALISTIC_BUNDLE'];
  if (explicit) return explicit;
  const cache = env['MOMENTO_BUNDLE_CACHE'] || join(homedir(), '.cache', 'momento', 'bundles');
  return join(cache, REALISTIC_BUNDLE);
}

/** `MOMENTO_PYTHON`, else /usr/bin/python3 where it imports torch (Debian's PyTorch), else python3. */
export function exporterPython(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['MOMENTO_PYTHON'];
  if (explicit) return explicit;
  if (existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return '/usr/bin/python3';
  return 'python3';
}

/** The bundle's folder, built first when it has no policy.json; the script's output goes to stderr. */
export function ensureRealisticBundle(log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): string {
  const dir = realisticBundleDir(env);
  if (existsSync(join(dir, 'policy.json'))) return dir;
  const python = exporterPython(env);
  const script = projectPath('policies/make_realistic_bundle.py');
  log(`bench gpu: building ${REALISTIC_BUNDLE} into ${dir} (${python} ${script})`);
  const result = spawnSync(python, [script, '--out', dir], { stdio: ['ignore', 2, 2] });
  if (result.error) throw new Error(`bench gpu: could not run ${python} ${script}: ${result.error.message}`, { cause: result.error });
  if (result.status !== 0 || !existsSync(join(dir, 'policy.json'))) {
    throw new Error(`bench gpu: ${python} ${script} --out ${dir} exited with ${result.status ?? result.signal}; set MOMENTO_PYTHON to a Python with torch and onnx`);
  }
  return dir;
}
