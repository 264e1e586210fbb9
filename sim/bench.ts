// Measures the simulator: lock-step steps per second over loopback for 1 and 16 concurrent
// sessions (server in a child process, as in deployment), in-process SimEnv steps per second,
// expert success per task over 200 seeds and the memoryless strategy's success over 2000 seeds
// against the computed chance. Run: npx tsx sim/bench.ts [--seconds 3]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { SimSession } from '../src/transports/sim/index.js';
import { SimEnv } from './env.js';
import { startSimServer } from './server.js';
import { SeededRandom } from './random.js';
import { TASK_IDS, taskInfo } from './tasks/registry.js';

const IDLE = [0, 0, -1];
const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] ?? 3) || 3;

async function serve(): Promise<void> {
  const server = await startSimServer();
  console.log(server.url);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

/** Steps per second summed over `count` sessions, each looping idle episodes of `task`. */
async function loopbackRate(url: string, count: number, task: string): Promise<number> {
  const sessions = await Promise.all(Array.from({ length: count }, () => SimSession.connect(url)));
  const deadline = performance.now() + seconds * 1000;
  const counts = await Promise.all(
    sessions.map(async (session, i) => {
      let steps = 0;
      let seed = i * 1000;
      while (performance.now() < deadline) {
        let t = await session.reset({ task, seed: seed++ });
        while (!t.done && performance.now() < deadline) {
          t = await session.step(IDLE);
          steps++;
        }
      }
      return steps;
    }),
  );
  await Promise.all(sessions.map((s) => s.close()));
  return counts.reduce((a, b) => a + b, 0) / seconds;
}

function inProcessRate(task: string): number {
  const env = new SimEnv();
  let steps = 0;
  const start = performance.now();
  for (let seed = 0; performance.now() - start < seconds * 1000; seed++) {
    let t = env.reset(task, seed);
    while (!t.done) {
      t = env.step(IDLE);
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

function memorylessSuccess(task: string, seeds: number): number {
  const env = new SimEnv();
  const coin = new SeededRandom(1, 'memoryless-coin');
  let successes = 0;
  for (let seed = 0; seed < seeds; seed++) {
    let t = env.reset(task, 50_000 + seed);
    while (!t.done) t = env.step(env.memorylessAction(coin));
    if (t.success) successes++;
  }
  return successes / seeds;
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const url = line.toString().trim();
  try {
    console.log(`loopback lock-step (server in a child process, ${seconds} s each, shell-game, 64 x 64):`);
    for (const count of [1, 16]) console.log(`  ${String(count).padStart(2)} session(s): ${(await loopbackRate(url, count, 'shell-game')).toFixed(0)} steps/s`);
  } finally {
    child.kill('SIGTERM');
  }
  console.log(`in-process SimEnv (shell-game): ${inProcessRate('shell-game').toFixed(0)} steps/s`);
  console.log('expert success over 200 seeds (in-process):');
  for (const task of TASK_IDS) {
    const { rate, meanSteps, maxSteps } = expertSuccess(task, 200);
    console.log(`  ${task.padEnd(17)} ${(rate * 100).toFixed(1)} %  mean ${meanSteps.toFixed(1)} steps, longest ${maxSteps}`);
  }
  console.log('memoryless strategy over 2000 seeds (in-process) vs computed chance, with 95 % interval:');
  for (const task of TASK_IDS) {
    const chance = taskInfo(task).memorylessChance;
    const rate = memorylessSuccess(task, 2000);
    const half = 1.96 * Math.sqrt((rate * (1 - rate)) / 2000);
    console.log(`  ${task.padEnd(17)} ${(rate * 100).toFixed(1)} % ± ${(half * 100).toFixed(1)}  (chance ${(chance * 100).toFixed(1)} %)`);
  }
}

if (process.argv.includes('--serve')) await serve();
else await main();
