// Runtime memory overrides (PolicyOptions.memoryOverride) on real graphs. memoryvla-tiny (L = 4,
// bank axis symbolic) under FIFO eviction and capacities 1, 2 and 8 gives the chunks and banks
// that the Python reference loop computed with the same overrides (memory-variants.json, written
// by policies/export_test_bundles.py). memoryvla-sim (2.0.0, bank axis symbolic) pads 2L; a copy
// of it declared with the bank axis fixed at 16 (as bundles exported before the symbolic axis
// were, e.g. its 1.0.0) masks a smaller capacity and refuses a larger one. Overrides are validated
// with errors naming bundle and value.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BundleError } from '../../../src/core/errors.js';
import type { BankState } from '../../../src/memory/bank-state.js';
import type { EpisodeState } from '../../../src/policy/episode.js';
import { Policy } from '../../../src/policy/policy.js';
import { ROOT } from '../../helpers/cli.js';
import { setDeclaredDim } from '../../helpers/onnx-edit.js';
import { BUNDLES, readReference, toObservation } from '../../helpers/reference.js';

interface VariantStep { index: number; chunk: number[]; memory: Record<string, { size: number; timesteps: number[]; merged_at: number[]; attention: number[] }> }
interface Variants { episode_seed: number; tolerance: { relative: number; absolute: number }; variants: { eviction: 'merge' | 'fifo'; capacity: number; slots: number; steps: VariantStep[] }[] }

const variants = JSON.parse(readFileSync(join(BUNDLES, 'memoryvla-tiny', 'memory-variants.json'), 'utf8')) as Variants;
const reference = readReference('memoryvla-tiny');
const observations = reference.steps.map((s) => toObservation(s.observation, s.index));
const banks = (e: EpisodeState): BankState => {
  if (e.memory.kind !== 'memoryvla') throw new Error('not a memoryvla episode');
  return e.memory;
};

describe('memoryvla-tiny with memory overrides against the Python reference loop', () => {
  it('covers FIFO, capacities below and above L', () => {
    expect(variants.variants.map((v) => `${v.eviction}:${v.capacity}`)).toEqual(['fifo:4', 'merge:1', 'merge:2', 'fifo:8']);
  });

  it.each(variants.variants.map((v) => [`${v.eviction}, capacity ${v.capacity}`, v] as const))('%s: same chunks, banks, merges and attention', async (_name, v) => {
    await using policy = await Policy.load(join(BUNDLES, 'memoryvla-tiny'), { attention: true, memoryOverride: { eviction: v.eviction, capacity: v.capacity } });
    const episode = policy.newEpisode(variants.episode_seed);
    const state = banks(episode);
    expect(state.slots).toBe(v.slots);
    expect(policy.memorySpec).toMatchObject({ capacity: v.capacity, eviction: v.eviction, slots: v.capacity });
    const { relative, absolute } = variants.tolerance;
    let worst = 0;
    let merges = 0;
    for (const [i, step] of v.steps.entries()) {
      const r = await policy.step(episode, observations[i]!);
      r.chunk.values.forEach((x, k) => {
        const got = Math.min(1, Math.max(-1, x));
        worst = Math.max(worst, Math.abs(got - step.chunk[k]!) / (relative * Math.abs(step.chunk[k]!) + absolute));
      });
      for (const [name, mem] of Object.entries(step.memory)) {
        const s = r.memory.streams.find((x) => x.name === name)!;
        expect(s.entries, `${name} size at call ${i}`).toBe(mem.size);
        expect(s.mergedAt, `${name} merges at call ${i}`).toEqual(mem.merged_at);
        expect(state.banks.get(name)!.entries.map((e) => e.timestep), `${name} timesteps at call ${i}`).toEqual(mem.timesteps);
        expect(s.attention).toHaveLength(v.slots);
        s.attention!.forEach((a, k) => expect(Math.abs(a - mem.attention[k]!)).toBeLessThan(1e-4));
        merges += s.merges;
      }
    }
    expect(worst).toBeLessThan(1);
    // The bank filled to the override capacity, and past it merged (merge) or evicted (FIFO).
    expect(Math.max(...v.steps.map((s) => s.memory['perceptual']!.size))).toBe(v.capacity);
    if (v.eviction === 'fifo') expect(merges).toBe(0);
    else expect(merges).toBeGreaterThan(0);
  });

  it('2L pads: the first L + 1 calls equal the bundle as trained (masked slots read as nothing), later ones differ', async () => {
    await using trained = await Policy.load(join(BUNDLES, 'memoryvla-tiny'), { attention: true });
    await using padded = await Policy.load(join(BUNDLES, 'memoryvla-tiny'), { attention: true, memoryOverride: { capacity: 8 } });
    const L = trained.manifest.memory.kind === 'memoryvla' ? trained.manifest.memory.capacity : 0;
    expect(L).toBe(4);
    expect(padded.memorySpec).toMatchObject({ capacity: 8, eviction: 'merge', slots: 8 });
    const a = trained.newEpisode(1);
    const b = padded.newEpisode(1);
    let differs = false;
    for (const [i, o] of observations.entries()) {
      const [ra, rb] = [await trained.step(a, o), await padded.step(b, o)];
      if (i <= L) {
        // The read at call i sees min(i, L) entries in both: the same attention over the real slots, the same chunk.
        ra.chunk.values.forEach((x, k) => expect(Math.abs(x - rb.chunk.values[k]!)).toBeLessThan(1e-5));
        const [sa, sb] = [ra.memory.streams[0]!, rb.memory.streams[0]!];
        expect(sb.attention!.subarray(L)).toEqual(new Float32Array(L));
        sa.attention!.forEach((x, k) => expect(Math.abs(x - sb.attention![k]!)).toBeLessThan(1e-5));
      } else if (ra.chunk.values.some((x, k) => Math.abs(x - rb.chunk.values[k]!) > 1e-4)) differs = true;
      expect(rb.memory.streams.every((s) => s.entries <= 8)).toBe(true);
    }
    expect(b.memory.entries).toBe(16);
    expect(differs).toBe(true);
  });
});

/** A copy of memoryvla-sim whose memory graph declares the bank axis as 16 (file and manifest). */
function fixedBankCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'momento-fixed-bank-'));
  cpSync(join(ROOT, 'policies', 'memoryvla-sim'), dir, { recursive: true, filter: (f) => !f.endsWith('.pt') && !f.includes('/eval') });
  const manifestPath = join(dir, 'policy.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { graphs: Record<string, { file: string; inputs: { name: string; shape: (number | string)[] }[]; outputs: { name: string; shape: (number | string)[] }[] }> };
  const memory = manifest.graphs['memory']!;
  for (const t of [...memory.inputs, ...memory.outputs]) {
    if (t.shape[1] !== 'slots') continue;
    t.shape[1] = 16;
    setDeclaredDim(join(dir, memory.file), t.name, 1, 16);
  }
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return dir;
}

describe('memoryvla-sim (2.0.0: bank axis symbolic)', () => {
  it('capacity 2L pads: the bank fills past 16 entries before it merges', async () => {
    await using policy = await Policy.load(join(ROOT, 'policies', 'memoryvla-sim'), { memoryOverride: { capacity: 32 } });
    expect(policy.memorySpec).toMatchObject({ capacity: 32, slots: 32, eviction: 'merge' });
    const episode = policy.newEpisode(0);
    // 20 calls (the reference episode's observations, cycled): past L = 16 with no merge yet.
    const calls = Array.from({ length: 20 }, (_, i) => observations[i % observations.length]!);
    for (const [i, o] of calls.entries()) {
      const r = await policy.step(episode, { ...o, cameras: [{ ...o.cameras[0]!, height: 64, width: 64, data: upscale(o.cameras[0]!.data) }] });
      expect(r.memory.merges).toBe(0);
      expect(r.memory.streams.map((s) => s.entries)).toEqual([i + 1, i + 1]);
    }
  });
});

describe('memoryvla-sim declared with the bank axis fixed at 16 slots', () => {
  const dir = fixedBankCopy();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('capacity L/4 masks: 16 slots fed, slots 4.. empty with mask 0, consolidation at 4', async () => {
    await using policy = await Policy.load(dir, { attention: true, memoryOverride: { capacity: 4 } });
    expect(policy.memorySpec).toMatchObject({ capacity: 4, slots: 16, eviction: 'merge' });
    const episode = policy.newEpisode(0);
    const state = banks(episode);
    let merges = 0;
    for (const [i, o] of observations.entries()) {
      const inputs = state.allocateInputs(1);
      expect(inputs.get('perceptual_bank')!.dims).toEqual([1, 16, 4, 64]);
      state.fillInputs(inputs, () => undefined, { row: 0, step: episode.step, cleared: false });
      const mask = inputs.get('perceptual_mask')!.data;
      expect([...mask]).toEqual(Array.from({ length: 16 }, (_, k) => (k < Math.min(i, 4) ? 1 : 0)));
      const r = await policy.step(episode, { ...o, cameras: [{ ...o.cameras[0]!, height: 64, width: 64, data: upscale(o.cameras[0]!.data) }] });
      merges += r.memory.merges;
      expect(r.memory.streams.map((s) => s.entries)).toEqual([Math.min(i + 1, 4), Math.min(i + 1, 4)]);
      expect(r.memory.streams[0]!.attention!.subarray(4)).toEqual(new Float32Array(12));
    }
    expect(merges).toBe(2 * (observations.length - 4));
  });

  it('capacity 2L is refused, naming the bundle, the value and the fixed slots', async () => {
    const error = await Policy.load(dir, { memoryOverride: { capacity: 32 } }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as Error).message).toMatch(/memory override capacity 32: the memory graph's bank axis is fixed at 16 slots .*\[bundle=memoryvla-sim\]/);
  });
});

describe('memory override validation', () => {
  it.each([
    ['memoryvla-tiny', { capacity: 0 }, /memory override capacity: expected an integer in \[1, 4096\], got 0 \[bundle=memoryvla-tiny\]/],
    ['memoryvla-tiny', { capacity: 2.5 }, /memory override capacity: expected an integer in \[1, 4096\], got 2.5/],
    ['memoryvla-tiny', { eviction: 'lru' }, /memory override eviction: expected 'merge' or 'fifo', got "lru" \[bundle=memoryvla-tiny\]/],
    ['hamlet-tiny', { eviction: 'fifo' }, /memory override \{"eviction":"fifo"\}: capacity and eviction apply to memoryvla banks, this bundle's memory kind is 'hamlet' \[bundle=hamlet-tiny\]/],
    ['memoryless-tiny', { capacity: 4 }, /memory kind is 'none' \[bundle=memoryless-tiny\]/],
  ])('%s with %j is refused', async (bundle, override, message) => {
    const error = await Policy.load(join(BUNDLES, bundle), { memoryOverride: override as never, warmUp: false }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as Error).message).toMatch(message);
  });

  it('an episode of one override is not stepped by a policy of another', async () => {
    await using fifo = await Policy.load(join(BUNDLES, 'memoryvla-tiny'), { memoryOverride: { eviction: 'fifo' } });
    await using merge = await Policy.load(join(BUNDLES, 'memoryvla-tiny'));
    await expect(merge.step(fifo.newEpisode(0), observations[0]!)).rejects.toThrow(/belongs to bundle 'memoryvla-tiny'/);
    // The same override builds the same state: accepted.
    await using fifo2 = await Policy.load(join(BUNDLES, 'memoryvla-tiny'), { memoryOverride: { eviction: 'fifo', capacity: 4 } });
    await expect(fifo2.step(fifo.newEpisode(0), observations[0]!)).resolves.toMatchObject({ step: 0 });
  });
});

// memoryvla-sim takes 64 x 64 frames: the tiny episode's 16 x 16 frames, each pixel repeated 4 x 4.
function upscale(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(64 * 64 * 3);
  for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) for (let c = 0; c < 3; c++) out[(y * 64 + x) * 3 + c] = src[((y >> 2) * 16 + (x >> 2)) * 3 + c]!;
  return out;
}
