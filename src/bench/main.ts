// `npm run bench -- [section …] [bundle …] [options]`: the benchmarks, by section —
//   policy  per-stage step timings of each bundle (batch 1), batched throughput (B = 1, 4, 16) and
//           the memory bundles' latency against their memoryless twin;
//   record  MCAP write throughput;
//   sim     simulator steps per second, expert and memoryless success per task;
//   server  the policy server (src/bench/server.ts; its own options, run on its own);
//   ros     the ROS bridge over rosbridge (src/bench/ros.ts; run on its own: --out file): frame-to-action
//           latency with CBOR and JSON images, reconnect time;
//   gpu     when the GPU pays (src/bench/gpu.ts; its own options, run on its own): reference and
//           realistic-size bundles on CPU (1 and 4 threads) and WebGPU at B = 1, 8, 32, 64, against
//           the raw graph time; the memory-vs-twin latency measured interleaved; `--device auto`;
//   live    real-time episodes (src/bench/live.ts; its own options: --episodes 100 --concurrency 48
//           --only name|bundle-dir,… --latency 0,150 --tasks a,b --params legacy|drawn --out bench-results/live.json; run on its own).
// No section named: all of them. Prints tables and writes JSON (--out). Options: --device
// cpu|gpu|auto, --threads N, --steps 300, --seconds 1.5, --out bench-results/NAME.json.
// Like the CLI, this is a composition root: it may import sim/; nothing imports it.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { projectPath } from '../core/project-files.js';
import { parseDevice } from '../onnx/device.js';
import { benchBundle, formatPolicyResults, latencyRatios, type BundleResult } from './policy.js';
import { benchRecord } from './record.js';
import { benchSim, formatSimResult } from './sim.js';
import { benchLive } from './live.js';

const SECTIONS = ['policy', 'record', 'sim'] as const;
type Section = (typeof SECTIONS)[number];
const isSection = (s: string): s is Section => (SECTIONS as readonly string[]).includes(s);

const machine = `${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;

const USAGE = `usage: npm run bench -- [section …] [bundle …] [options]
sections: policy, record, sim (all three when none is named), or one of server, ros, gpu, live on its own
  policy, record, sim: --device cpu|gpu|auto --threads N --steps 300 --seconds 1.5 --out FILE
  gpu:    [bundle …] --configs cpu-1t,cpu-4t,webgpu --batches 1,8,32,64 --seconds 1 --no-realistic --no-auto --out FILE
  live:   --episodes 100 --concurrency 48 --only NAME|DIR,… --latency 0,150 --tasks a,b --params legacy|drawn --out FILE
  server: [bundle] --seconds 4 --out FILE;  ros: --out FILE
BENCHMARKS.md says what each section measures.`;

// A bad option or value ends the bench with its message, as the CLI does (the stack with
// MOMENTO_DEBUG=1), not with Node's report of an uncaught error.
process.on('uncaughtException', (err) => {
  console.error(`momento bench: ${err instanceof Error ? err.message : String(err)}`);
  if (process.env['MOMENTO_DEBUG'] && err instanceof Error) console.error(err.stack);
  process.exit(1);
});

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}

if (process.argv[2] === 'live') {
  // The live section alone: real-time episodes take minutes, the rest of the bench seconds.
  const { values: live } = parseArgs({
    args: process.argv.slice(3),
    options: { episodes: { type: 'string', default: '100' }, concurrency: { type: 'string', default: '48' }, only: { type: 'string' }, tasks: { type: 'string' }, latency: { type: 'string' }, params: { type: 'string' }, out: { type: 'string', default: 'bench-results/live.json' } },
  });
  const params = live.params;
  if (params !== undefined && params !== 'legacy' && params !== 'drawn') throw new RangeError(`bench live --params: expected 'legacy' or 'drawn', got '${params}'`);
  const latencies = live.latency?.split(',').map((ms) => {
    const n = Number(ms.replace(/ms$/, ''));
    if (!Number.isFinite(n) || n < 0) throw new RangeError(`bench live --latency: expected ms values like 0,150, got '${ms}'`);
    return n;
  });
  await benchLive({ episodes: Number(live.episodes), concurrency: Number(live.concurrency), ...(live.only ? { only: live.only.split(',') } : {}), ...(live.tasks ? { tasks: live.tasks.split(',') } : {}), ...(latencies ? { latencies } : {}), ...(params ? { params } : {}), out: live.out, machine });
  process.exit(0);
}

if (process.argv[2] === 'server') {
  // `npm run bench -- server [bundle] [--seconds 4] [--out file]`: the policy server section (own options).
  await (await import('./server.js')).benchServer(process.argv.slice(3));
  process.exit(0);
}

if (process.argv[2] === 'gpu') {
  // `npm run bench -- gpu [bundle …] [--configs …] [--batches …] [--seconds 1] [--no-realistic] [--out file]`.
  await (await import('./gpu-section.js')).runGpuSection(process.argv.slice(3), machine);
  process.exit(0);
}

if (process.argv[2] === 'ros') {
  // `npm run bench -- ros [--out file]`: the ROS section (a rosbridge peer in a child process).
  const { values: ros } = parseArgs({ args: process.argv.slice(3), options: { out: { type: 'string', default: 'bench-results/bench-ros.json' } } });
  await (await import('./ros.js')).runRosBenchSection(ros.out, machine);
  process.exit(0);
}

const DEFAULT_BUNDLES = ['policies/hamlet-sim', 'policies/memoryvla-sim', 'policies/memoryless-sim', 'test/fixtures/bundles/hamlet-tiny', 'test/fixtures/bundles/memoryvla-tiny', 'test/fixtures/bundles/memoryless-tiny'];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    device: { type: 'string', default: 'cpu' },
    threads: { type: 'string' },
    steps: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '1.5' },
    out: { type: 'string' },
  },
});

function positiveNumber(option: string, value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new RangeError(`--${option}: expected a positive number, got '${value}'`);
  return n;
}

const device = parseDevice(values.device);
const steps = Math.round(positiveNumber('steps', values.steps));
const seconds = positiveNumber('seconds', values.seconds);
const threads = values.threads === undefined ? undefined : Math.round(positiveNumber('threads', values.threads));
const out = values.out ?? `bench-results/bench-${device}.json`;
const named = positionals.filter(isSection);
const sections: readonly Section[] = named.length > 0 ? named : SECTIONS;
const bundleArgs = positionals.filter((p) => !isSection(p));
for (const b of bundleArgs) if (!existsSync(b)) throw new Error(`${b}: no such bundle folder (sections are ${SECTIONS.join(', ')})`);
const bundles = bundleArgs.length > 0 ? bundleArgs : DEFAULT_BUNDLES.map(projectPath).filter((b) => existsSync(b));

console.log(`momento bench — ${new Date().toISOString()} — ${machine} — device ${device} — ${sections.join(', ')}\n`);
const report: Record<string, unknown> = { date: new Date().toISOString(), machine, device, steps, sections };

if (sections.includes('policy')) {
  const results: BundleResult[] = [];
  for (const b of bundles) results.push(await benchBundle(b, { device, steps, ...(threads ? { threads } : {}) }));
  console.log(formatPolicyResults(results));
  Object.assign(report, { bundles: results, latencyRatios: latencyRatios(results) });
}
if (sections.includes('record')) {
  const record = await benchRecord({ steps: 1000, size: 64 });
  console.log(`\nMCAP recording, 64x64 rgb, 1000 steps: ${(record.fileBytes / 1024).toFixed(0)} KiB, ${record.framesPerSecond.toFixed(0)} frames/s (${record.compression})`);
  report['record'] = record;
}
if (sections.includes('sim')) {
  const options = { seconds, expertSeeds: 200, memorylessSeeds: 2000 };
  const sim = await benchSim(options);
  console.log(`\n${formatSimResult(sim, options)}`);
  report['sim'] = sim;
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(report, null, 2));
console.log(`\nwrote ${out}`);
