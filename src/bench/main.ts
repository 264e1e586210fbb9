// `npm run bench`: per-stage step timings of each bundle (batch 1), batched throughput across
// sessions (B = 1, 4, 16), the memory bundles' latency against their memoryless twin, MCAP
// write throughput and simulator steps per second. Prints tables and writes JSON.
//   node dist/src/bench/main.js [--device cpu|gpu|auto] [--threads N] [--steps 300] [--out bench-results/NAME.json] [bundle …]
//   node dist/src/bench/main.js ros [--out …]   (the ROS section: rosbridge latency and reconnect, see src/bench/ros.ts)
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { SimEnv, startSimServer } from '../../sim/index.js';
import { projectPath } from '../core/project-files.js';
import { parseDevice } from '../cli/options.js';
import { table } from '../cli/table.js';
import { Policy } from '../policy/policy.js';
import { benchRecord } from '../record/index.js';
import { StepStats, STAGES } from '../runtime/stats.js';
import { syntheticObservations } from '../runtime/synthetic.js';
import { SimSession } from '../transports/sim/index.js';

if (process.argv[2] === 'server') {
  // `npm run bench -- server [bundle] [--seconds 4] [--out file]`: the policy server section.
  await (await import('./server.js')).benchServer(process.argv.slice(3));
  process.exit(0);
}

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = args[i + 1];
  args.splice(i, 2);
  return v ?? fallback;
};
const device = parseDevice(flag('--device', 'cpu'));
const steps = Number(flag('--steps', '300'));
const threadsFlag = flag('--threads', '');
const threads = threadsFlag ? Number(threadsFlag) : undefined;
const out = flag('--out', args[0] === 'ros' ? 'bench-results/bench-ros.json' : `bench-results/bench-${device}.json`);
if (args[0] === 'ros') {
  const { runRosBenchSection } = await import('./ros.js');
  await runRosBenchSection(out, `${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  process.exit(0);
}
const DEFAULT_BUNDLES = ['policies/hamlet-sim', 'policies/memoryvla-sim', 'policies/memoryless-sim', 'test/fixtures/bundles/hamlet-tiny', 'test/fixtures/bundles/memoryvla-tiny', 'test/fixtures/bundles/memoryless-tiny'];
const bundles = (args.length > 0 ? args : DEFAULT_BUNDLES.map(projectPath)).filter((b) => existsSync(b));

interface BundleResult {
  bundle: string;
  provider: string;
  memory: string;
  stages: Record<string, { mean: number; p50: number; p99: number }>;
  batch: { size: number; msPerBatch: number; stepsPerSecond: number }[];
}

async function benchBundle(dir: string): Promise<BundleResult> {
  await using policy = await Policy.load(dir, { device, ...(threads ? { threads } : {}) });
  const obs = [...syntheticObservations(policy.manifest, steps + 20)];
  const episode = policy.newEpisode(0);
  const stats = new StepStats();
  for (const [i, o] of obs.entries()) {
    const r = await policy.step(episode, o);
    if (i >= 20) stats.add(r); // the first calls warm up the graphs
  }
  const batch: BundleResult['batch'] = [];
  for (const size of [1, 4, 16]) {
    const episodes = Array.from({ length: size }, (_, s) => policy.newEpisode(s));
    const rounds = Math.max(20, Math.round(steps / size));
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) await policy.stepBatch(episodes.map((episode) => ({ episode, observation: obs[i % obs.length]! })));
    const ms = (performance.now() - t0) / rounds;
    batch.push({ size, msPerBatch: ms, stepsPerSecond: (1000 * size) / ms });
  }
  return { bundle: policy.name, provider: policy.provider, memory: policy.manifest.memory.kind, stages: stats.timings(), batch };
}

async function simRates(): Promise<{ inProcess: number; loopback1: number; loopback16: number }> {
  const env = new SimEnv();
  let n = 0;
  const t0 = performance.now();
  for (let seed = 0; performance.now() - t0 < 1000; seed++) {
    let tr = env.reset('shell-game', seed);
    while (!tr.done) {
      tr = env.step(env.expertAction());
      n++;
    }
  }
  const inProcess = n / ((performance.now() - t0) / 1000);
  await using server = await startSimServer();
  const loop = async (count: number): Promise<number> => {
    const sessions = await Promise.all(Array.from({ length: count }, () => SimSession.connect(server.url)));
    const start = performance.now();
    const done = await Promise.all(
      sessions.map(async (s, i) => {
        let k = 0;
        for (let seed = i * 1000; performance.now() - start < 1500; seed++) {
          let tr = await s.reset({ task: 'shell-game', seed });
          while (!tr.done && performance.now() - start < 1500) {
            tr = await s.step([0, 0, -1]);
            k++;
          }
        }
        return k;
      }),
    );
    const rate = done.reduce((a, b) => a + b, 0) / ((performance.now() - start) / 1000);
    await Promise.all(sessions.map((s) => s.close()));
    return rate;
  };
  return { inProcess, loopback1: await loop(1), loopback16: await loop(16) };
}

const machine = `${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
console.log(`momento bench — ${new Date().toISOString()} — ${machine} — device ${device}\n`);
const results: BundleResult[] = [];
for (const b of bundles) results.push(await benchBundle(b));
console.log(
  table(
    ['bundle', 'memory', 'provider', ...STAGES.map((s) => `${s.replace('Ms', '')} ms`), 'p99 ms'],
    results.map((r) => [r.bundle, r.memory, r.provider, ...STAGES.map((s) => r.stages[s]!.mean.toFixed(3)), r.stages['totalMs']!.p99.toFixed(3)]),
  ),
);
console.log('\nbatched sessions (one stepBatch call per round):');
console.log(table(['bundle', ...[1, 4, 16].flatMap((b) => [`B=${b} ms`, `B=${b} steps/s`])], results.map((r) => [r.bundle, ...r.batch.flatMap((x) => [x.msPerBatch.toFixed(2), x.stepsPerSecond.toFixed(0)])])));
const twin = results.find((r) => r.bundle === 'memoryless-sim');
const ratios = twin ? results.filter((r) => r !== twin && r.bundle.endsWith('-sim')).map((r) => ({ bundle: r.bundle, ratio: r.stages['totalMs']!.mean / twin.stages['totalMs']!.mean })) : [];
if (ratios.length > 0) console.log(`\nlatency vs ${twin!.bundle}: ${ratios.map((r) => `${r.bundle} ${r.ratio.toFixed(2)}x`).join(', ')}`);
const record = await benchRecord({ steps: 1000, size: 64 });
console.log(`\nMCAP recording, 64x64 rgb, 1000 steps: ${(record.fileBytes / 1024).toFixed(0)} KiB, ${record.framesPerSecond.toFixed(0)} frames/s (${record.compression})`);
const sim = await simRates();
console.log(`simulator steps/s: in process ${sim.inProcess.toFixed(0)}, loopback 1 session ${sim.loopback1.toFixed(0)}, 16 sessions ${sim.loopback16.toFixed(0)}`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine, device, steps, bundles: results, latencyRatios: ratios, record, sim }, null, 2));
console.log(`\nwrote ${out}`);
