// The trained reference bundles against PyTorch: 100 recorded policy calls (expert episodes of the
// simulator) through the runtime must give the chunks that policies/check_parity.py computed
// with the PyTorch model from the training checkpoint — to 1e-4 relative (plus 1e-5 absolute
// for values that cancel to near zero in value * std + mean) — and, for MemoryVLA, the same
// bank sizes, timesteps, merges and retrieval attention.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../src/core/types.js';
import { Policy } from '../../../src/policy/policy.js';
import { ROOT } from '../../helpers/cli.js';

interface ParityStep {
  index: number;
  observation: { images: Record<string, { height: number; width: number; channels: number; encoding?: string; data: string }>; proprio: number[]; task: string };
  chunk: number[];
  memory?: Record<string, { size: number; timesteps: number[]; merged_at: number[]; attention?: number[] }>;
}
interface Parity {
  steps_total: number;
  tolerance: { relative: number; absolute: number };
  episodes: { episode_seed: number; steps: ParityStep[] }[];
}

function observation(o: ParityStep['observation'], index: number): Observation {
  return {
    cameras: Object.entries(o.images).map(([name, img]) => {
      const bytes = Buffer.from(img.data, 'base64');
      return { name, height: img.height, width: img.width, channels: img.channels, data: new Uint8Array(img.encoding === 'zlib' ? inflateSync(bytes) : bytes) };
    }),
    proprio: Float32Array.from(o.proprio),
    instruction: { taskId: o.task, text: o.task },
    stampNs: index * 400_000_000,
    index,
  };
}

// Every reference bundle (2.0.0: memoryvla-sim, whose head also reads the fused perceptual tokens
// and the image tokens, train.py --head-extras, hamlet-sim and the twin; hamlet-t4-sim is 1.0.0).
describe.each(['hamlet-sim', 'hamlet-t4-sim', 'memoryvla-sim', 'memoryless-sim'])('%s', (name) => {
  it('matches PyTorch on 100 recorded calls', async () => {
    const dir = join(ROOT, 'policies', name);
    const parity = JSON.parse(readFileSync(join(dir, 'parity.json'), 'utf8')) as Parity;
    const { relative, absolute } = parity.tolerance;
    await using policy = await Policy.load(dir, { attention: true });
    const { low, high } = policy.manifest.action;
    const A = low.length;
    let calls = 0;
    let worst = 0;
    for (const ep of parity.episodes) {
      const episode = policy.newEpisode(ep.episode_seed);
      for (const step of ep.steps) {
        const r = await policy.step(episode, observation(step.observation, step.index));
        calls++;
        r.chunk.values.forEach((v, i) => {
          const got = Math.min(high[i % A]!, Math.max(low[i % A]!, v));
          const want = step.chunk[i]!;
          worst = Math.max(worst, Math.abs(got - want) / (relative * Math.abs(want) + absolute));
        });
        for (const [stream, mem] of Object.entries(step.memory ?? {})) {
          const s = r.memory.streams.find((x) => x.name === stream)!;
          expect(s.entries, `${stream} size at call ${step.index}`).toBe(mem.size);
          expect(s.mergedAt, `${stream} merges at call ${step.index}`).toEqual(mem.merged_at);
          if (mem.attention) s.attention!.forEach((a, i) => expect(Math.abs(a - mem.attention![i]!)).toBeLessThan(1e-4));
        }
      }
    }
    expect(calls).toBe(parity.steps_total);
    expect(calls).toBeGreaterThanOrEqual(100);
    // worst is the largest error in units of the tolerance: below 1 means every value is inside it.
    console.log(`${name}: ${calls} calls, largest error ${worst.toFixed(3)} of the tolerance`);
    expect(worst).toBeLessThan(1);
  });
});
