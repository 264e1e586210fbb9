// `npm run bench -- server`: N concurrent lock-step simulator sessions (1, 8, 32, 64) stepping one
// policy server over loopback. The server runs in a child process (`momento serve`), so its event
// loop is its own; this process runs the simulator and the clients. Per configuration: policy
// steps/s, client-measured p50/p99 step latency, the server's mean batch size and event-loop lag
// (Prometheus, read from /metrics); batched vs batching off vs graphs inline; and, in the same
// run, the graphs' own batched throughput (Policy.stepBatch in process) as the physical floor.
import { spawn, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { startSimServer } from '../../sim/index.js';
import { table } from '../core/text-table.js';
import { projectPath } from '../core/project-files.js';
import type { Device, InferenceMode } from '../onnx/graph.js';
import { parseDevice } from '../onnx/device.js';
import { Policy } from '../policy/policy.js';
import { StepBatcher } from '../policy/step-batcher.js';
import { summarize } from '../runtime/stats.js';
import { syntheticObservations } from '../runtime/synthetic.js';
import { PolicyClient } from '../server/policy-client.js';
import { SimSession } from '../transports/sim/index.js';

interface ServerConfig {
  readonly label: string;
  readonly sessions: number;
  readonly batching: boolean;
  readonly inference: InferenceMode;
  readonly snapshots?: boolean;
}

interface ServerRun extends ServerConfig {
  readonly stepsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanBatch: number;
  readonly loopLagP99Ms: number;
  readonly loopLagMaxMs: number;
  readonly steps: number;
}

/** `--device`: where the server and the in-process floor run their graphs (default cpu). */
let device: Device = 'cpu';

const CLI = join(dirname(new URL(import.meta.url).pathname), '..', 'cli', 'main.js');

async function startServe(bundle: string, config: ServerConfig, snapshotDir?: string): Promise<{ child: ChildProcess; url: string; http: string }> {
  const args = [CLI, 'serve', '--policy', bundle, '--port', '0', '--device', device, '--inference', config.inference, ...(config.batching ? [] : ['--no-batching']), ...(snapshotDir ? ['--snapshot-dir', snapshotDir] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving \S+ at (ws:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`momento serve exited with ${code}: ${out}`)));
  });
  return { child, url, http: url.replace(/^ws/, 'http').replace(/\/[^/]+$/, '') };
}

async function scrape(http: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${http}/metrics`)).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(\{[^}]*\})?\s+([-\d.e+]+|NaN)$/.exec(line);
    if (!m) continue;
    // Labelled lag quantiles keep their label; every other series is summed over its labels.
    const name = m[1] === 'momento_event_loop_delay_seconds' ? `${m[1]}${m[2] ?? ''}` : m[1]!;
    values.set(name, (values.get(name) ?? 0) + Number(m[3]));
  }
  return values;
}

async function runConfig(bundle: string, simUrl: string, config: ServerConfig, seconds: number): Promise<ServerRun> {
  const snapshotDir = config.snapshots ? mkdtempSync(join(tmpdir(), 'momento-bench-snap-')) : undefined;
  const { child, url, http } = await startServe(bundle, config, snapshotDir);
  try {
    await using client = await PolicyClient.connect(url);
    const m = client.manifest;
    const sims = await Promise.all(Array.from({ length: config.sessions }, () => SimSession.connect(simUrl)));
    const tasks = m.observation.instruction?.tasks ?? ['reach'];
    const latencies: number[] = [];
    // Warm-up round (connections, first batches), then the lag histogram restarts at the scrape.
    const episodes = sims.map((_, i) => client.newEpisode(i));
    const first = await Promise.all(sims.map((s, i) => s.reset({ task: tasks[i % tasks.length]!, seed: i, imageSize: m.observation.cameras[0]?.height ?? 0 })));
    await Promise.all(episodes.map((e, i) => client.step(e, first[i]!.observation)));
    const before = await scrape(http);
    const started = performance.now();
    const until = started + seconds * 1000;
    let steps = 0;
    await Promise.all(
      sims.map(async (sim, i) => {
        let tr = first[i]!;
        let k = 0;
        let chunk: Float32Array = new Float32Array(m.action.chunk * m.action.names.length);
        let seed = i;
        while (performance.now() < until) {
          if (k % m.action.execute === 0) {
            const t0 = performance.now();
            chunk = (await client.step(episodes[i]!, tr.observation)).chunk.values;
            latencies.push(performance.now() - t0);
            steps++;
          }
          const a = k % m.action.execute;
          const action = Array.from(chunk.subarray(a * m.action.names.length, (a + 1) * m.action.names.length), (v, d) => Math.min(m.action.high[d]!, Math.max(m.action.low[d]!, v)));
          tr = await sim.step(action);
          k++;
          if (tr.done) {
            seed += config.sessions;
            await client.reset(episodes[i]!, seed);
            tr = await sim.reset({ task: tasks[seed % tasks.length]!, seed, imageSize: m.observation.cameras[0]?.height ?? 0 });
            k = 0;
          }
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const after = await scrape(http);
    await Promise.all(sims.map((s) => s.close()));
    const count = (after.get('momento_batch_size_count') ?? 0) - (before.get('momento_batch_size_count') ?? 0);
    const sum = (after.get('momento_batch_size_sum') ?? 0) - (before.get('momento_batch_size_sum') ?? 0);
    const lat = summarize(latencies);
    return {
      ...config,
      steps,
      stepsPerSecond: steps / elapsed,
      p50Ms: lat.p50,
      p99Ms: lat.p99,
      meanBatch: count > 0 ? sum / count : 0,
      // prom-client's event-loop histogram restarts at every scrape: `after` covers this run only.
      loopLagP99Ms: (after.get('momento_event_loop_delay_seconds{quantile="0.99"}') ?? 0) * 1000,
      loopLagMaxMs: (after.get('momento_event_loop_delay_seconds{quantile="1"}') ?? 0) * 1000,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    if (snapshotDir) rmSync(snapshotDir, { recursive: true, force: true });
  }
}

/** The graphs alone: Policy.stepBatch at batch B in this process, steps/s (the floor for the server). */
async function nativeFloor(bundle: string, sizes: readonly number[], inference: InferenceMode): Promise<Record<number, number>> {
  await using policy = await Policy.load(bundle, { inference, device });
  const obs = [...syntheticObservations(policy.manifest, 64, 0)];
  const out: Record<number, number> = {};
  for (const size of sizes) {
    const episodes = Array.from({ length: size }, (_, s) => policy.newEpisode(s));
    const rounds = Math.max(10, Math.round(600 / size));
    await policy.stepBatch(episodes.map((episode) => ({ episode, observation: obs[0]! })));
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) await policy.stepBatch(episodes.map((episode) => ({ episode, observation: obs[i % obs.length]! })));
    out[size] = (rounds * size) / ((performance.now() - t0) / 1000);
  }
  return out;
}

/**
 * Event-loop delay of one process whose 32 sessions step one Policy through a StepBatcher, graphs
 * inline or in the inference worker: the A/B of the worker, without sockets or a simulator.
 */
async function inProcessLag(bundle: string, inference: InferenceMode, sessions: number, seconds: number): Promise<{ inference: InferenceMode; sessions: number; stepsPerSecond: number; lagP50Ms: number; lagP99Ms: number; lagMaxMs: number; meanBatch: number }> {
  await using policy = await Policy.load(bundle, { inference, device });
  const obs = [...syntheticObservations(policy.manifest, 64, 0)];
  const batcher = new StepBatcher(policy, { maxBatch: 32 });
  const episodes = Array.from({ length: sessions }, (_, s) => batcher.open(s));
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const t0 = performance.now();
  let steps = 0;
  await Promise.all(
    episodes.map(async (e, s) => {
      for (let i = 0; performance.now() - t0 < seconds * 1000; i++) {
        await batcher.step(e, obs[(i + s) % obs.length]!);
        steps++;
      }
    }),
  );
  delay.disable();
  return { inference, sessions, stepsPerSecond: steps / ((performance.now() - t0) / 1000), lagP50Ms: delay.percentile(50) / 1e6, lagP99Ms: delay.percentile(99) / 1e6, lagMaxMs: delay.max / 1e6, meanBatch: batcher.batchSizes.mean };
}

export async function benchServer(argv: readonly string[]): Promise<void> {
  const positional = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  const bundle = positional[0] ?? projectPath('policies/memoryvla-sim');
  const seconds = Number(argv[argv.indexOf('--seconds') + 1] ?? 4) || 4;
  device = argv.includes('--device') ? parseDevice(argv[argv.indexOf('--device') + 1] ?? '') : 'cpu';
  const out = argv.includes('--out') ? argv[argv.indexOf('--out') + 1]! : `bench-results/bench-server-${device}.json`;
  const machine = `${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  console.log(`momento bench server — ${new Date().toISOString()} — ${machine} — load ${loadavg().map((l) => l.toFixed(1)).join(' ')} — ${basename(bundle)} — device ${device}\n`);
  const sizes = [1, 8, 32, 64];
  const floor = await nativeFloor(bundle, sizes, 'inline');
  const floorWorker = await nativeFloor(bundle, [1], 'worker');
  const lag = [await inProcessLag(bundle, 'inline', 32, seconds), await inProcessLag(bundle, 'worker', 32, seconds)];
  for (const l of lag) console.log(`in process, 32 sessions, graphs ${l.inference}: ${l.stepsPerSecond.toFixed(0)} steps/s, batch ${l.meanBatch.toFixed(1)}, event-loop delay p50 ${l.lagP50Ms.toFixed(2)} / p99 ${l.lagP99Ms.toFixed(2)} / max ${l.lagMaxMs.toFixed(2)} ms`);
  await using sim = await startSimServer();
  const configs: ServerConfig[] = [
    ...sizes.map((n) => ({ label: 'batched', sessions: n, batching: true, inference: 'worker' as const })),
    ...sizes.map((n) => ({ label: 'batching off', sessions: n, batching: false, inference: 'worker' as const })),
    { label: 'batched, graphs inline', sessions: 32, batching: true, inference: 'inline' },
    { label: 'batched, --snapshot-dir', sessions: 8, batching: true, inference: 'worker', snapshots: true },
  ];
  const runs: ServerRun[] = [];
  for (const c of configs) {
    const r = await runConfig(bundle, sim.url, c, seconds);
    runs.push(r);
    console.log(`${c.label.padEnd(26)} N=${String(c.sessions).padStart(2)}: ${r.stepsPerSecond.toFixed(0)} steps/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, batch ${r.meanBatch.toFixed(1)}, loop lag p99 ${r.loopLagP99Ms.toFixed(2)} ms`);
  }
  console.log(`\n${basename(bundle)}: policy steps of N lock-step simulator sessions through one server (client-measured latency)`);
  console.log(
    table(
      ['configuration', 'N', 'steps/s', 'p50 ms', 'p99 ms', 'mean batch', 'loop lag p99 ms', 'loop lag max ms', 'graphs alone at B=min(N,32), steps/s'],
      runs.map((r) => [r.label, String(r.sessions), r.stepsPerSecond.toFixed(0), r.p50Ms.toFixed(2), r.p99Ms.toFixed(2), r.meanBatch.toFixed(1), r.loopLagP99Ms.toFixed(2), r.loopLagMaxMs.toFixed(2), floor[Math.min(r.sessions, 32)]?.toFixed(0) ?? floor[r.sessions]?.toFixed(0) ?? '']),
    ),
  );
  console.log(`graphs alone (in process, inline): ${sizes.map((s) => `B=${s} ${floor[s]!.toFixed(0)} steps/s`).join(', ')}; B=1 through the worker ${floorWorker[1]!.toFixed(0)} steps/s`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine, loadavg: loadavg(), bundle: basename(bundle), device, seconds, floor, floorWorkerB1: floorWorker[1], inProcessLag: lag, runs }, null, 2));
  console.log(`\nwrote ${out}`);
}
