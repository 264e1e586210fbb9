// The `sim` section of `npm run bench`: the simulator's lock-step steps per second over loopback
// for 1 and 16 concurrent sessions (server in a child process), in-process SimEnv steps per
// second, the scripted expert's success per task and the memoryless strategy's success against
// the computed chance (both at each seed's default task parameters).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { SeededRandom, SimEnv, TASK_IDS } from '../../sim/index.js';
import { table } from '../core/text-table.js';
import { SimSession } from '../transports/sim/index.js';

export interface SimBenchOptions {
  /** Seconds each rate is measured for. */
  readonly seconds: number;
  /** Seeds per task for the expert's success. */
  readonly expertSeeds: number;
  /** Seeds per task for the memoryless strategy's success. */
  readonly memorylessSeeds: number;
}

export interface SimBenchResult {
  readonly inProcess: number;
  readonly loopback1: number;
  readonly loopback16: number;
  readonly tasks: { task: string; expertSuccess: number; expertMeanSteps: number; expertMaxSteps: number; memorylessSuccess: number; memorylessChance: number }[];
}

const TASK = 'shell-game';
const IDLE = [0, 0, -1];

/** Steps per second summed over `count` sessions, each looping idle episodes. */
async function loopbackRate(url: string, count: number, seconds: number): Promise<number> {
  const sessions = await Promise.all(Array.from({ length: count }, () => SimSession.connect(url)));
  try {
    const started = performance.now();
    const deadline = started + seconds * 1000;
    const counts = await Promise.all(
      sessions.map(async (session, i) => {
        let steps = 0;
        for (let seed = i * 1000; performance.now() < deadline; seed++) {
          let t = await session.reset({ task: TASK, seed });
          while (!t.done && performance.now() < deadline) {
            t = await session.step(IDLE);
            steps++;
          }
        }
        return steps;
      }),
    );
    return counts.reduce((a, b) => a + b, 0) / ((performance.now() - started) / 1000);
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
  }
}

/** The expert's steps per second on one in-process SimEnv. */
function inProcessRate(seconds: number): number {
  const env = new SimEnv();
  let steps = 0;
  const start = performance.now();
  for (let seed = 0; performance.now() - start < seconds * 1000; seed++) {
    let t = env.reset(TASK, seed);
    while (!t.done) {
      t = env.step(env.expertAction());
      steps++;
    }
  }
  return steps / ((performance.now() - start) / 1000);
}

function expertSuccess(task: string, seeds: number): { rate: number; meanSteps: number; maxSteps: number } {
  const env = new SimEnv();
  let successes = 0;
  let total = 0;
  let longest = 0;
  for (let seed = 0; seed < seeds; seed++) {
    let t = env.reset(task, seed);
    while (!t.done) t = env.step(env.expertAction());
    if (t.success) successes++;
    total += t.step;
    longest = Math.max(longest, t.step);
  }
  return { rate: successes / seeds, meanSteps: total / seeds, maxSteps: longest };
}

/** The memoryless strategy's success at each seed's default parameters, and the mean chance at them. */
function memorylessSuccess(task: string, seeds: number): { rate: number; chance: number } {
  const env = new SimEnv();
  const coin = new SeededRandom(1, 'memoryless-coin');
  let successes = 0;
  let chance = 0;
  for (let seed = 0; seed < seeds; seed++) {
    let t = env.reset(task, 50_000 + seed);
    chance += t.setting.memorylessChance;
    while (!t.done) t = env.step(env.memorylessAction(coin));
    if (t.success) successes++;
  }
  return { rate: successes / seeds, chance: chance / seeds };
}

/** Starts the simulator in a child process and returns its URL and a stop function. */
async function childSimServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  // Under tsx this module is a .ts file, built it is .js: start the sibling of the same kind.
  const entry = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './sim-server.ts' : './sim-server.js', import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, entry], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const url = line.toString().trim();
  if (!/^ws:\/\//.test(url)) throw new Error(`simulator child process printed '${url}', expected its ws:// URL`);
  return {
    url,
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function benchSim(options: SimBenchOptions): Promise<SimBenchResult> {
  const server = await childSimServer();
  let loopback1: number;
  let loopback16: number;
  try {
    loopback1 = await loopbackRate(server.url, 1, options.seconds);
    loopback16 = await loopbackRate(server.url, 16, options.seconds);
  } finally {
    await server.stop();
  }
  const tasks = TASK_IDS.map((task) => {
    const expert = expertSuccess(task, options.expertSeeds);
    const memoryless = memorylessSuccess(task, options.memorylessSeeds);
    return {
      task,
      expertSuccess: expert.rate,
      expertMeanSteps: expert.meanSteps,
      expertMaxSteps: expert.maxSteps,
      memorylessSuccess: memoryless.rate,
      memorylessChance: memoryless.chance,
    };
  });
  return { inProcess: inProcessRate(options.seconds), loopback1, loopback16, tasks };
}

export function formatSimResult(result: SimBenchResult, options: SimBenchOptions): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  const rates = `simulator steps/s (${TASK}, 64 x 64): in process ${result.inProcess.toFixed(0)}, loopback 1 session ${result.loopback1.toFixed(0)}, 16 sessions ${result.loopback16.toFixed(0)}`;
  const rows = result.tasks.map((t) => {
    // Normal-approximation 95 % half-width of the memoryless estimate.
    const half = 1.96 * Math.sqrt((t.memorylessSuccess * (1 - t.memorylessSuccess)) / options.memorylessSeeds);
    return [t.task, pct(t.expertSuccess), t.expertMeanSteps.toFixed(1), String(t.expertMaxSteps), `${pct(t.memorylessSuccess)} ± ${(100 * half).toFixed(1)}`, pct(t.memorylessChance)];
  });
  const header = ['task', `expert (${options.expertSeeds} seeds)`, 'mean steps', 'longest', `memoryless (${options.memorylessSeeds} seeds)`, 'chance'];
  return `${rates}\n\n${table(header, rows)}`;
}
