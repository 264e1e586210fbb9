// The `policy` section of `npm run bench`: per-stage step timings of each bundle at batch 1,
// batched throughput across sessions (B = 1, 4, 16) and the memory bundles' latency against
// their memoryless twin.
import type { Device } from '../onnx/graph.js';
import { Policy } from '../policy/policy.js';
import { StepStats, STAGES, type StageSummary } from '../runtime/stats.js';
import { syntheticObservations } from '../runtime/synthetic.js';
import { table } from '../core/text-table.js';

export interface PolicyBenchOptions {
  readonly device: Device;
  readonly threads?: number;
  /** Timed steps per bundle (after 20 warm-up steps). */
  readonly steps: number;
}

export interface BundleResult {
  readonly bundle: string;
  readonly provider: string;
  readonly memory: string;
  readonly stages: Record<string, StageSummary>;
  readonly batch: { size: number; msPerBatch: number; stepsPerSecond: number }[];
}

const WARM_UP_STEPS = 20;
const BATCH_SIZES = [1, 4, 16];
/** The memoryless twin that the memory bundles' latency is compared with. */
const TWIN = 'memoryless-sim';

export async function benchBundle(dir: string, options: PolicyBenchOptions): Promise<BundleResult> {
  await using policy = await Policy.load(dir, { device: options.device, ...(options.threads ? { threads: options.threads } : {}) });
  const obs = [...syntheticObservations(policy.manifest, options.steps + WARM_UP_STEPS)];
  const episode = policy.newEpisode(0);
  const stats = new StepStats();
  for (const [i, o] of obs.entries()) {
    const r = await policy.step(episode, o);
    if (i >= WARM_UP_STEPS) stats.add(r);
  }
  const batch: BundleResult['batch'] = [];
  for (const size of BATCH_SIZES) {
    const episodes = Array.from({ length: size }, (_, s) => policy.newEpisode(s));
    const rounds = Math.max(WARM_UP_STEPS, Math.round(options.steps / size));
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) await policy.stepBatch(episodes.map((e) => ({ episode: e, observation: obs[i % obs.length]! })));
    const ms = (performance.now() - t0) / rounds;
    batch.push({ size, msPerBatch: ms, stepsPerSecond: (1000 * size) / ms });
  }
  return { bundle: policy.name, provider: policy.provider, memory: policy.manifest.memory.kind, stages: stats.timings(), batch };
}

/** Mean step latency of each reference memory bundle over the twin's; empty without the twin. */
export function latencyRatios(results: readonly BundleResult[]): { bundle: string; ratio: number }[] {
  const twin = results.find((r) => r.bundle === TWIN);
  if (!twin) return [];
  return results.filter((r) => r !== twin && r.bundle.endsWith('-sim')).map((r) => ({ bundle: r.bundle, ratio: r.stages['totalMs']!.mean / twin.stages['totalMs']!.mean }));
}

export function formatPolicyResults(results: readonly BundleResult[]): string {
  const stages = table(
    ['bundle', 'memory', 'provider', ...STAGES.map((s) => `${s.replace('Ms', '')} ms`), 'p99 ms'],
    results.map((r) => [r.bundle, r.memory, r.provider, ...STAGES.map((s) => r.stages[s]!.mean.toFixed(3)), r.stages['totalMs']!.p99.toFixed(3)]),
  );
  const batched = table(
    ['bundle', ...BATCH_SIZES.flatMap((b) => [`B=${b} ms`, `B=${b} steps/s`])],
    results.map((r) => [r.bundle, ...r.batch.flatMap((x) => [x.msPerBatch.toFixed(2), x.stepsPerSecond.toFixed(0)])]),
  );
  const ratios = latencyRatios(results);
  const ratioLine = ratios.length > 0 ? `\n\nlatency vs ${TWIN}: ${ratios.map((r) => `${r.bundle} ${r.ratio.toFixed(2)}x`).join(', ')}` : '';
  return `${stages}\n\nbatched sessions (one stepBatch call per round):\n${batched}${ratioLine}`;
}
