// The package as a user gets it: `npm pack` of a clean copy of the project (its prepack builds
// dist with declarations), installed into a scratch project without network (its dependencies are
// links to this checkout's node_modules, which npm accepts as installed), imported by name — the
// README's library example runs as written, and a TypeScript consumer type-checks against it.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const NPM_TIMEOUT_MS = 240_000;
const SHIPPED = ['package.json', '.npmrc', 'README.md', 'tsconfig.json', 'tsconfig.build.json', 'scripts', 'src', 'sim', 'proto', 'policies'];

function npm(args: readonly string[], cwd: string): string {
  return execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', timeout: NPM_TIMEOUT_MS, env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
}

/** The README's "Use it as a library" example, as written. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use it as a library'));
  const match = /```js\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README: no js block under "Use it as a library"');
  return match[1]!;
}

const CONSUMER = `
import { ActionScheduler, BundleError, HamletWindow, MANIFEST_LIMITS, MemoryBank, Policy, loadBundle, type Manifest, type Observation, type StepResult } from 'momento';

const bank = new MemoryBank({ stream: 'perceptual', capacity: 2, tokens: 1, dim: 2 });
const merges: number = bank.write(0, Float32Array.of(1, 2)).merges;
const window = new HamletWindow({ length: 2, tokens: 1, dim: 2 });
window.push(Float32Array.of(1, 2));
const scheduler = new ActionScheduler({ low: [-1], high: [1] });
const limit: number = MANIFEST_LIMITS.chunk;
export async function run(dir: string, observation: Observation): Promise<StepResult> {
  const policy: Policy = await loadBundle(dir, { device: 'cpu' });
  const manifest: Manifest = policy.manifest;
  const episode = policy.newEpisode(manifest.seed);
  try {
    return await policy.step(episode, observation);
  } catch (err) {
    if (err instanceof BundleError) console.error(err.bundle);
    throw err;
  } finally {
    await policy.release();
  }
}
// @ts-expect-error a step needs an observation
export const wrong = (p: Policy) => p.step(p.newEpisode());
export { merges, scheduler, limit };
`;

describe('the npm package', () => {
  let work: string;
  let app: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'momento-pack-'));
    // A clean copy of the project, so packing builds from the sources alone and leaves this checkout as it is.
    const source = join(work, 'source');
    for (const entry of SHIPPED) cpSync(join(ROOT, entry), join(source, entry), { recursive: true, filter: (f) => !f.includes('__pycache__') });
    symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
    // .npmrc turns install scripts off (see there), which would skip prepack too: packing asks for it.
    const tarball = join(work, npm(['pack', '--ignore-scripts=false', '--pack-destination', work], source).trim().split('\n').at(-1)!);

    app = join(work, 'app');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    const { dependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const dep of Object.keys(dependencies)) {
      mkdirSync(dirname(join(app, 'node_modules', dep)), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', dep), join(app, 'node_modules', dep), 'dir');
    }
    npm(['install', '--no-save', '--offline', '--ignore-scripts', tarball], app);
  }, NPM_TIMEOUT_MS * 2);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('installs as a package of its own, with compiled code and declarations but no sources or tests', () => {
    const pkg = join(app, 'node_modules', 'momento');
    expect(lstatSync(pkg).isSymbolicLink()).toBe(false);
    for (const file of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/gen/momento.d.ts', 'proto/momento.proto', 'policies/memoryvla-sim/policy.json']) {
      expect(existsSync(join(pkg, file)), file).toBe(true);
    }
    for (const file of ['src', 'test', 'dist/test']) expect(existsSync(join(pkg, file)), file).toBe(false);
  });

  it("runs the README's library example when imported by name", () => {
    writeFileSync(join(app, 'example.mjs'), readmeExample());
    // The example names the bundle relative to the working directory: the package ships it.
    const out = execFileSync(process.execPath, [join(app, 'example.mjs')], { cwd: join(app, 'node_modules', 'momento'), encoding: 'utf8', timeout: NPM_TIMEOUT_MS });
    expect(out.trim()).toBe('true 3 8');
  });

  it('type-checks a TypeScript consumer against the declarations', () => {
    writeFileSync(join(app, 'consumer.ts'), CONSUMER);
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', lib: ['ES2023', 'ESNext.Disposable'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = (() => {
      try {
        return execFileSync(process.execPath, [tsc, '-p', join(app, 'tsconfig.json')], { cwd: app, encoding: 'utf8', timeout: NPM_TIMEOUT_MS });
      } catch (err) {
        return String((err as { stdout?: string }).stdout ?? err);
      }
    })();
    expect(result).toBe('');
  });
});
