// `npm run bench -- live`: live (real-time) against lock-step success per task, and a latency
// table (injected 0/50/150/300 ms; naive vs delay-aware switching) with jerk at chunk boundaries
// against jerk inside chunks. Real-time episodes mostly wait, so many run at once in one process.
//   node dist/src/bench/main.js live [--episodes 100] [--concurrency 48] [--out bench-results/live.json]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TASK_IDS } from '../../sim/index.js';
import { projectPath } from '../core/project-files.js';
import { table } from '../core/text-table.js';
import { Policy } from '../policy/policy.js';
import { evaluate } from '../runtime/evaluate.js';
import { evaluateLive, type LiveEpisodeResult } from '../runtime/live-eval.js';

export interface LiveBenchOptions {
  readonly episodes: number;
  readonly concurrency: number;
  readonly out: string;
  readonly machine: string;
  /** Only these bundles of the plan (default: all). */
  readonly only?: readonly string[];
}

interface Cell {
  readonly bundle: string;
  readonly mode: string;
  readonly latencyMs: number;
  readonly switching: string;
  readonly rtc: boolean;
  readonly successByTask: Record<string, number>;
  readonly episodes: number;
  readonly meanDelayTicks: number;
  readonly expiredChunks: number;
  readonly fallbackTicks: number;
  readonly skippedTicks: number;
  readonly jerkBoundary: number;
  readonly jerkInside: number;
  readonly seconds: number;
}

const pct = (k: number, n: number): number => (100 * k) / Math.max(1, n);
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function summarizeLive(bundle: string, latencyMs: number, switching: string, rtc: boolean, rs: readonly LiveEpisodeResult[], seconds: number): Cell {
  return {
    bundle,
    mode: 'live',
    latencyMs,
    switching,
    rtc,
    successByTask: Object.fromEntries(TASK_IDS.map((t) => [t, pct(rs.filter((r) => r.task === t && r.success).length, rs.filter((r) => r.task === t).length)])),
    episodes: rs.length,
    meanDelayTicks: mean(rs.flatMap((r) => r.chunkDelays)),
    expiredChunks: rs.reduce((n, r) => n + r.expiredChunks, 0),
    fallbackTicks: rs.reduce((n, r) => n + r.fallbackTicks, 0),
    skippedTicks: rs.reduce((n, r) => n + r.skippedTicks, 0),
    jerkBoundary: mean(rs.map((r) => r.jerkBoundary)),
    jerkInside: mean(rs.map((r) => r.jerkInside)),
    seconds,
  };
}

export async function benchLive(options: LiveBenchOptions): Promise<void> {
  const { episodes, concurrency } = options;
  // The simulator in its own process: its 10 Hz ticks must not wait behind policy steps and
  // socket work of dozens of sessions on this event loop (a robot's clock would not either).
  await using server = await simProcess();
  const cells: Cell[] = [];
  type Switching = 'delay-aware' | 'naive';
  const plan: { bundle: string; dir: string; latencies: number[]; switchings: Switching[]; rtc: boolean[] }[] = (
    [
    { bundle: 'memoryvla-sim', dir: 'policies/memoryvla-sim', latencies: [0, 50, 150, 300], switchings: ['delay-aware', 'naive'], rtc: [false] },
    { bundle: 'hamlet-sim', dir: 'policies/hamlet-sim', latencies: [0, 150], switchings: ['delay-aware'], rtc: [false] },
    // A flow head (the tiny test bundle: its success means nothing, its jerk at chunk boundaries does).
      { bundle: 'hamlet-tiny', dir: 'test/fixtures/bundles/hamlet-tiny', latencies: [150], switchings: ['delay-aware', 'naive'], rtc: [false, true] },
    ] satisfies { bundle: string; dir: string; latencies: number[]; switchings: Switching[]; rtc: boolean[] }[]
  ).filter((p) => !options.only || options.only.includes(p.bundle));
  for (const { bundle, dir, latencies, switchings, rtc } of plan) {
    await using policy = await Policy.load(projectPath(dir));
    let t0 = performance.now();
    const { results } = await evaluate({ policy, simUrl: server.url, tasks: TASK_IDS, episodes, concurrency: 8 });
    cells.push({
      bundle,
      mode: 'lock-step',
      latencyMs: 0,
      switching: '-',
      rtc: false,
      successByTask: Object.fromEntries(TASK_IDS.map((t) => [t, pct(results.filter((r) => r.task === t && r.success).length, episodes)])),
      episodes: results.length,
      meanDelayTicks: 0,
      expiredChunks: 0,
      fallbackTicks: 0,
      skippedTicks: 0,
      jerkBoundary: Number.NaN,
      jerkInside: Number.NaN,
      seconds: (performance.now() - t0) / 1000,
    });
    for (const latencyMs of latencies) {
      for (const switching of switchings) {
        for (const realTimeChunking of switching === 'naive' ? [false] : rtc) {
          t0 = performance.now();
          const rs = await evaluateLive({ policy, simUrl: server.url, tasks: TASK_IDS, episodes, concurrency, latency: { minMs: latencyMs, maxMs: latencyMs }, switching, realTimeChunking });
          const cell = summarizeLive(bundle, latencyMs, switching, realTimeChunking, rs, (performance.now() - t0) / 1000);
          cells.push(cell);
          console.log(`${bundle} live ${latencyMs} ms ${switching}${realTimeChunking ? ' rtc' : ''}: ${TASK_IDS.map((t) => `${t} ${cell.successByTask[t]!.toFixed(0)}`).join(', ')} (${cell.seconds.toFixed(0)} s)`);
        }
      }
    }
  }
  console.log(
    '\n' +
      table(
        ['bundle', 'mode', 'latency ms', 'switching', 'rtc', ...TASK_IDS, 'mean delay ticks', 'expired chunks', 'fallback ticks', 'skipped ticks', 'jerk boundary', 'jerk inside'],
        cells.map((c) => [
          c.bundle,
          c.mode,
          String(c.latencyMs),
          c.switching,
          c.rtc ? 'yes' : 'no',
          ...TASK_IDS.map((t) => c.successByTask[t]!.toFixed(1)),
          c.meanDelayTicks.toFixed(2),
          String(c.expiredChunks),
          String(c.fallbackTicks),
          String(c.skippedTicks),
          Number.isNaN(c.jerkBoundary) ? '-' : c.jerkBoundary.toFixed(4),
          Number.isNaN(c.jerkInside) ? '-' : c.jerkInside.toFixed(4),
        ]),
      ),
  );
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, JSON.stringify({ date: new Date().toISOString(), machine: options.machine, episodesPerTask: episodes, concurrency, cells }, null, 2));
  console.log(`\nwrote ${options.out}`);
}

/** `momento sim --port 0` as a child process; its URL, and disposal that stops it. */
async function simProcess(): Promise<{ url: string; [Symbol.asyncDispose](): Promise<void> }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'cli', 'main.js'), 'sim', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /listening on (ws:\/\/\S+)/.exec(text);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`momento sim exited with ${code} before listening`)));
  });
  return {
    url,
    [Symbol.asyncDispose]: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
