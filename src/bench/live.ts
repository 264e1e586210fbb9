// `npm run bench -- live`: live (real-time) against lock-step success per task, and a latency
// table (injected 0/50/150/300 ms; naive vs delay-aware switching, the first chunk from rest or
// at its delay, ensembling, real-time chunking) with jerk at chunk boundaries against jerk inside
// chunks. Real-time episodes mostly wait, so many run at once in one process.
//   node dist/src/bench/main.js live [--episodes 100] [--concurrency 48] [--only name|bundle-dir,…]
//     [--latency 0,150] [--tasks a,b] [--params legacy|drawn] [--out bench-results/live.json]
// `--only` takes plan names or bundle folders (a folder runs 0 and 150 ms, delay-aware, with and
// without real-time chunking for a flow head). Task parameters: the reference bundles of the plan
// were trained on the legacy timings and run at them; a folder runs the seeds' drawn parameters.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TASK_IDS, legacyTaskParams } from '../../sim/index.js';
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
  /** Only these bundles of the plan, or bundle folders (default: the whole plan). */
  readonly only?: readonly string[];
  /** Only the plan's cells at these injected latencies, ms (default: all). */
  readonly latencies?: readonly number[];
  /** Only these tasks (default: all). */
  readonly tasks?: readonly string[];
  /** Task parameters for every bundle: 'legacy' (the old fixed timings) or 'drawn' (each seed's). Default: per bundle (see above). */
  readonly params?: 'legacy' | 'drawn';
}

type Switching = 'delay-aware' | 'naive';
type FirstChunk = 'from-rest' | 'delay-aware';

/** One live cell of the plan. */
interface Variant {
  readonly latencyMs: number;
  readonly switching: Switching;
  readonly firstChunk: FirstChunk;
  readonly ensemble: number;
  readonly rtc: boolean;
}

interface PlanEntry {
  readonly bundle: string;
  readonly dir: string;
  readonly params: 'legacy' | 'drawn';
  readonly variants: readonly Variant[];
}

const cell = (latencyMs: number, rest: Partial<Omit<Variant, 'latencyMs'>> = {}): Variant => ({ latencyMs, switching: 'delay-aware', firstChunk: 'from-rest', ensemble: 0, rtc: false, ...rest });

const PLAN: readonly PlanEntry[] = [
  {
    bundle: 'memoryvla-sim',
    dir: 'policies/memoryvla-sim',
    params: 'legacy',
    variants: [0, 50, 150, 300].flatMap((ms) => [
      cell(ms),
      // Before the first chunk started from rest: it started at its delay like the others.
      cell(ms, { firstChunk: 'delay-aware' }),
      cell(ms, { switching: 'naive' }),
      // Temporal ensembling (ACT's m = 0.01) on the aligned indices, at the latency of the target.
      ...(ms === 150 ? [cell(ms, { ensemble: 0.01 })] : []),
    ]),
  },
  { bundle: 'hamlet-sim', dir: 'policies/hamlet-sim', params: 'legacy', variants: [0, 150].flatMap((ms) => [cell(ms), cell(ms, { firstChunk: 'delay-aware' })]) },
  // A flow head (the tiny test bundle: its success means nothing, its jerk at chunk boundaries does).
  { bundle: 'hamlet-tiny', dir: 'test/fixtures/bundles/hamlet-tiny', params: 'legacy', variants: [cell(150), cell(150, { rtc: true }), cell(150, { switching: 'naive' })] },
];

/** A plan entry by name, or a bundle folder: 0 and 150 ms, delay-aware, with and without RTC for a flow head. */
function planFor(name: string): PlanEntry {
  const known = PLAN.find((p) => p.bundle === name);
  if (known) return known;
  const dir = isAbsolute(name) ? name : resolve(name);
  if (!existsSync(join(dir, 'policy.json'))) throw new RangeError(`bench live --only: '${name}' is neither a plan bundle (${PLAN.map((p) => p.bundle).join(', ')}) nor a bundle folder (no policy.json)`);
  return { bundle: basename(dir), dir, params: 'drawn', variants: [0, 150].flatMap((ms) => [cell(ms), cell(ms, { rtc: true })]) };
}

interface Cell {
  readonly bundle: string;
  readonly mode: string;
  readonly latencyMs: number;
  readonly switching: string;
  readonly firstChunk: string;
  readonly ensemble: number;
  readonly rtc: boolean;
  readonly params: 'legacy' | 'drawn';
  readonly successByTask: Record<string, number>;
  readonly episodes: number;
  readonly meanDelayTicks: number;
  readonly expiredChunks: number;
  readonly fallbackTicks: number;
  readonly skippedTicks: number;
  readonly jerkBoundary: number;
  readonly jerkInside: number;
  /** Mean |new chunk's row i - action played at its tick| over rows i < delay (PrefixMeter). */
  readonly prefixError: number;
  readonly seconds: number;
}

const pct = (k: number, n: number): number => (100 * k) / Math.max(1, n);
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function summarizeLive(tasks: readonly string[], bundle: string, params: 'legacy' | 'drawn', v: Variant, rs: readonly LiveEpisodeResult[], seconds: number): Cell {
  const withPrefix = rs.filter((r) => r.prefixRows > 0);
  return {
    bundle,
    mode: 'live',
    ...v,
    params,
    successByTask: Object.fromEntries(tasks.map((t) => [t, pct(rs.filter((r) => r.task === t && r.success).length, rs.filter((r) => r.task === t).length)])),
    episodes: rs.length,
    meanDelayTicks: mean(rs.flatMap((r) => r.chunkDelays)),
    expiredChunks: rs.reduce((n, r) => n + r.expiredChunks, 0),
    fallbackTicks: rs.reduce((n, r) => n + r.fallbackTicks, 0),
    skippedTicks: rs.reduce((n, r) => n + r.skippedTicks, 0),
    jerkBoundary: mean(rs.map((r) => r.jerkBoundary)),
    jerkInside: mean(rs.map((r) => r.jerkInside)),
    prefixError: withPrefix.length > 0 ? withPrefix.reduce((a, r) => a + r.prefixError * r.prefixRows, 0) / withPrefix.reduce((a, r) => a + r.prefixRows, 0) : Number.NaN,
    seconds,
  };
}

const fixed = (x: number, digits: number): string => (Number.isNaN(x) ? '-' : x.toFixed(digits));

export async function benchLive(options: LiveBenchOptions): Promise<void> {
  const { episodes, concurrency } = options;
  // The simulator in its own process: its 10 Hz ticks must not wait behind policy steps and
  // socket work of dozens of sessions on this event loop (a robot's clock would not either).
  await using server = await simProcess();
  const cells: Cell[] = [];
  const tasks = options.tasks ?? TASK_IDS;
  const unknown = tasks.find((t) => !(TASK_IDS as readonly string[]).includes(t));
  if (unknown !== undefined) throw new RangeError(`bench live --tasks: unknown task '${unknown}' (tasks: ${TASK_IDS.join(', ')})`);
  const plan = options.only ? options.only.map(planFor) : PLAN;
  for (const entry of plan) {
    const { bundle } = entry;
    const variants = entry.variants.filter((v) => !options.latencies || options.latencies.includes(v.latencyMs));
    const params = options.params ?? entry.params;
    const taskParams = params === 'legacy' ? Object.fromEntries(tasks.map((t) => [t, legacyTaskParams(t)])) : {};
    await using policy = await Policy.load(isAbsolute(entry.dir) ? entry.dir : projectPath(entry.dir));
    let t0 = performance.now();
    const { results } = await evaluate({ policy, simUrl: server.url, tasks, episodes, concurrency: 8, taskParams });
    cells.push({
      bundle,
      mode: 'lock-step',
      latencyMs: 0,
      switching: '-',
      firstChunk: '-',
      ensemble: 0,
      rtc: false,
      params,
      successByTask: Object.fromEntries(tasks.map((t) => [t, pct(results.filter((r) => r.task === t && r.success).length, episodes)])),
      episodes: results.length,
      meanDelayTicks: 0,
      expiredChunks: 0,
      fallbackTicks: 0,
      skippedTicks: 0,
      jerkBoundary: Number.NaN,
      jerkInside: Number.NaN,
      prefixError: Number.NaN,
      seconds: (performance.now() - t0) / 1000,
    });
    for (const v of variants) {
      t0 = performance.now();
      const rs = await evaluateLive({
        policy,
        simUrl: server.url,
        tasks,
        episodes,
        concurrency,
        taskParams,
        latency: { minMs: v.latencyMs, maxMs: v.latencyMs },
        switching: v.switching,
        firstChunk: v.firstChunk,
        ensemble: v.ensemble,
        realTimeChunking: v.rtc,
      });
      const c = summarizeLive(tasks, bundle, params, v, rs, (performance.now() - t0) / 1000);
      cells.push(c);
      console.log(`${bundle} live ${describe(c)}: ${tasks.map((t) => `${t} ${c.successByTask[t]!.toFixed(0)}`).join(', ')} (${c.seconds.toFixed(0)} s)`);
    }
  }
  console.log(
    '\n' +
      table(
        ['bundle', 'params', 'mode', 'latency ms', 'switching', 'first chunk', 'ensemble', 'rtc', ...tasks, 'mean delay ticks', 'expired chunks', 'fallback ticks', 'skipped ticks', 'jerk boundary', 'jerk inside', 'prefix error'],
        cells.map((c) => [
          c.bundle,
          c.params,
          c.mode,
          String(c.latencyMs),
          c.switching,
          c.firstChunk,
          String(c.ensemble),
          c.rtc ? 'yes' : 'no',
          ...tasks.map((t) => c.successByTask[t]!.toFixed(1)),
          c.meanDelayTicks.toFixed(2),
          String(c.expiredChunks),
          String(c.fallbackTicks),
          String(c.skippedTicks),
          fixed(c.jerkBoundary, 4),
          fixed(c.jerkInside, 4),
          fixed(c.prefixError, 4),
        ]),
      ),
  );
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, JSON.stringify({ date: new Date().toISOString(), machine: options.machine, episodesPerTask: episodes, concurrency, tasks, cells }, null, 2));
  console.log(`\nwrote ${options.out}`);
}

function describe(c: Cell): string {
  const extras = [c.firstChunk === 'delay-aware' ? 'first chunk at its delay' : '', c.ensemble > 0 ? `ensemble ${c.ensemble}` : '', c.rtc ? 'rtc' : ''].filter(Boolean);
  return `${c.latencyMs} ms ${c.switching}${extras.length ? ` (${extras.join(', ')})` : ''}`;
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
