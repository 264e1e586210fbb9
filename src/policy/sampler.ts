// Action heads: a direct head outputs the chunk; iterative heads (flow-matching Euler, DDIM)
// are driven here, one head-graph run per sampling step, with the episode's seeded noise.
// The conventions are the bundle contract's (the README, "The bundle contract"), matched by
// policies/momento_models/runner.py.
import type { HeadSpec } from '../bundle/manifest.js';
import type { Feed } from '../onnx/graph.js';

/** Runs the head graph once on the conditioning plus, for iterative heads, the noisy actions and time. */
export type HeadRun = (extra: ReadonlyMap<string, Feed>) => Promise<Float32Array>;

/**
 * Produces the normalised chunks [B, k, A] for a batch. `initialNoise` fills x with each batch
 * slot's noise (called only for iterative heads).
 */
export async function sampleChunks(
  head: HeadSpec,
  dims: readonly [batch: number, chunk: number, actionDims: number],
  run: HeadRun,
  initialNoise: (x: Float32Array) => void,
  rtc: RealTimeChunking = {},
): Promise<Float32Array> {
  switch (head.kind) {
    case 'direct':
      return run(new Map());
    case 'flow': {
      const x = new Float32Array(dims[0] * dims[1] * dims[2]);
      initialNoise(x);
      const prefixes = rtc.prefixes ?? [];
      const dt = 1 / head.steps;
      for (let i = 0; i < head.steps; i++) {
        inpaint(x, dims, prefixes);
        const v = await run(iterationFeeds(x, dims, i * dt, rtc.perPositionTime ? prefixes : undefined));
        for (let j = 0; j < x.length; j++) x[j] = x[j]! + dt * v[j]!;
        inpaint(x, dims, prefixes);
      }
      return x;
    }
    case 'ddim': {
      const x = new Float32Array(dims[0] * dims[1] * dims[2]);
      initialNoise(x);
      const alphaBar = alphaBars(head.beta_start, head.beta_end, head.train_steps);
      const ts = ddimTimesteps(head.train_steps, head.steps);
      for (let i = 0; i < ts.length; i++) {
        const t = ts[i]!;
        const prev = ts[i + 1];
        const eps = await run(iterationFeeds(x, dims, t));
        const a = alphaBar[t]!;
        const aPrev = prev === undefined ? 1 : alphaBar[prev]!;
        const sa = Math.sqrt(a);
        const s1a = Math.sqrt(1 - a);
        const saPrev = Math.sqrt(aPrev);
        const s1aPrev = Math.sqrt(1 - aPrev);
        for (let j = 0; j < x.length; j++) {
          const x0 = (x[j]! - s1a * eps[j]!) / sa;
          x[j] = saPrev * x0 + s1aPrev * eps[j]!;
        }
      }
      return x;
    }
  }
}

/**
 * Real-time chunking for flow heads (training-free inpainting, Black et al. 2025): the first d
 * actions of a row's chunk are already committed (they play while the chunk is computed), so
 * before each Euler step and after each update they are set to those actions; with a per-position
 * `time` input (`[batch, k]`) the committed positions get time 1 (clean).
 */
export interface RealTimeChunking {
  /** Per batch row: the committed prefix, normalised, d x A row-major (d < k); undefined for none. */
  readonly prefixes?: readonly (Float32Array | undefined)[];
  /** The head graph takes `time` as [batch, k] instead of [batch]. */
  readonly perPositionTime?: boolean;
}

function inpaint(x: Float32Array, dims: readonly [number, number, number], prefixes: readonly (Float32Array | undefined)[]): void {
  const [, k, A] = dims;
  prefixes.forEach((prefix, b) => {
    if (prefix) x.set(prefix, b * k * A);
  });
}

function iterationFeeds(x: Float32Array, dims: readonly [number, number, number], time: number, prefixes?: readonly (Float32Array | undefined)[]): Map<string, Feed> {
  const [B, k, A] = dims;
  if (!prefixes) return new Map<string, Feed>([
    ['noisy_actions', { data: x, dims }],
    ['time', { data: new Float32Array(B).fill(time), dims: [B] }],
  ]);
  const t = new Float32Array(B * k).fill(time);
  prefixes.forEach((prefix, b) => {
    if (prefix) t.fill(1, b * k, b * k + prefix.length / A);
  });
  return new Map<string, Feed>([
    ['noisy_actions', { data: x, dims }],
    ['time', { data: t, dims: [B, k] }],
  ]);
}

/** Cumulative products of (1 - beta) over a linear beta schedule, in float64. */
export function alphaBars(betaStart: number, betaEnd: number, trainSteps: number): Float64Array {
  const out = new Float64Array(trainSteps);
  let prod = 1;
  for (let t = 0; t < trainSteps; t++) {
    const beta = trainSteps === 1 ? betaStart : betaStart + ((betaEnd - betaStart) * t) / (trainSteps - 1);
    prod *= 1 - beta;
    out[t] = prod;
  }
  return out;
}

/**
 * DDIM's sampling timesteps, largest first: evenly spaced over [0, trainSteps - 1], rounded half
 * up — tau_i = floor((2 i (trainSteps - 1) + (steps - 1)) / (2 (steps - 1))) — e.g. 50/4 → 49, 33, 16, 0.
 */
export function ddimTimesteps(trainSteps: number, steps: number): number[] {
  if (steps < 1 || steps > trainSteps) throw new RangeError(`ddim: steps must be in [1, train_steps=${trainSteps}], got ${steps}`);
  if (steps === 1) return [trainSteps - 1];
  const taus = Array.from({ length: steps }, (_, i) => Math.floor((2 * i * (trainSteps - 1) + (steps - 1)) / (2 * (steps - 1))));
  return taus.reverse();
}
