// Test helpers: run whole SimEnv episodes with the expert or the memoryless strategy.
import { SimEnv } from '../../../sim/env.js';
import type { EnvTransition } from '../../../sim/env.js';
import { SeededRandom } from '../../../sim/random.js';

export type Driver = (env: SimEnv) => ArrayLike<number>;

export const expertDriver: Driver = (env) => env.expertAction();

export function memorylessDriver(coinSeed: number): Driver {
  const coin = new SeededRandom(coinSeed, 'memoryless-coin');
  return (env) => env.memorylessAction(coin);
}

/** Runs one episode (at the seed's default parameters unless `params` sets some); `visit` sees every transition (reset included). */
export function runEpisode(env: SimEnv, task: string, seed: number, drive: Driver, visit?: (t: EnvTransition) => void, params: Readonly<Record<string, number>> = {}): EnvTransition {
  let transition = env.reset(task, seed, { params });
  visit?.(transition);
  while (!transition.done) {
    transition = env.step(drive(env));
    visit?.(transition);
  }
  return transition;
}

export function successRate(task: string, seeds: readonly number[], drive: Driver): number {
  const env = new SimEnv();
  let successes = 0;
  for (const seed of seeds) if (runEpisode(env, task, seed, drive).success) successes++;
  return successes / seeds.length;
}

export function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}
