// `momento demo` (npm run demo): runs the bundled memory policies over a generated observation
// stream and prints per-stage timings and memory statistics. Short by design: CI runs it.
import type { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { Policy } from '../../policy/policy.js';
import { fromObservations } from '../../policy/pipeline.js';
import { runSource } from '../../runtime/run.js';
import { syntheticObservations } from '../../runtime/synthetic.js';
import { parseDevice, parsePositiveInt } from '../options.js';
import { table } from '../table.js';


export const DEMO_BUNDLES = ['test/fixtures/bundles/hamlet-tiny', 'test/fixtures/bundles/memoryvla-tiny'];

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the memory policies over a generated observation stream and print timings')
    .option('--steps <n>', 'policy steps per bundle', '200')
    .option('--device <device>', 'auto | gpu | cpu', 'cpu')
    .action(async (opts: { steps: string; device: string }) => {
      const steps = parsePositiveInt('--steps', opts.steps);
      const rows: string[][] = [];
      for (const dir of DEMO_BUNDLES) {
        await using policy = await Policy.load(projectPath(dir), { device: parseDevice(opts.device) });
        const summary = await runSource({ policy, source: fromObservations(syntheticObservations(policy.manifest, steps)) });
        const t = summary.stats.timings();
        rows.push([
          policy.name,
          policy.manifest.memory.kind,
          String(summary.stats.steps),
          ...(['preprocessMs', 'encoderMs', 'memoryMs', 'headMs', 'totalMs'] as const).map((s) => t[s].mean.toFixed(3)),
          t.totalMs.p99.toFixed(3),
          String(summary.stats.maxEntries),
          String(summary.stats.merges),
        ]);
      }
      console.log(table(['bundle', 'memory', 'steps', 'pre ms', 'enc ms', 'mem ms', 'head ms', 'total ms', 'p99 ms', 'max entries', 'merges'], rows));
    });
}

/** Resolves a path relative to the project root, from src/ (tsx) or dist/ (compiled). */
export function projectPath(path: string): string {
  const here = fileURLToPath(import.meta.url);
  const base = here.includes('/dist/') ? here.slice(0, here.lastIndexOf('/dist/')) : here.slice(0, here.lastIndexOf('/src/'));
  return `${base}/${path}`;
}
