// `bench gpu --profile` on the fused tiny bundle, on the CPU (and WebGPU where one opens; skipped
// with its reason elsewhere): the structure of the evidence it reports — runs and read-backs per
// step as the graph plan makes them, the step's time split into parts that add up, the chunks of
// every variant equal, onnxruntime's traces summarised from real trace files, and the JSON and
// tables the section writes. Never the timings' values.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIGS } from '../../../src/bench/gpu.js';
import { profileGpu, type ProfileReport } from '../../../src/bench/gpu-profile.js';
import { formatProfileReport, runGpuSection } from '../../../src/bench/gpu-section.js';
import { BUNDLES } from '../../helpers/reference.js';

const FUSED = join(BUNDLES, 'memoryvla-tiny-fused');
const tmp = mkdtempSync(join(tmpdir(), 'momento-gpu-profile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const configs = DEFAULT_CONFIGS.filter((c) => c.label !== 'cpu-4t');

describe('bench gpu --profile', () => {
  it('reports runs, read-backs and the time split per step, the read-back cost and onnxruntime traces', async () => {
    const traceDir = join(tmp, 'traces');
    const report: ProfileReport = await profileGpu({ bundle: FUSED, configs, batches: [1, 3], steps: { small: 2, large: 2 }, traceDir, log: () => {} });
    const ran = configs.filter((c) => !report.skipped.some((s) => s.config === c.label)).map((c) => c.label);
    expect(ran).toContain('cpu-1t');
    const variants = ['fused+packed', 'fused', 'separate+packed', 'separate'];
    expect(report.steps.map((r) => [r.config, r.variant, r.batch])).toEqual(ran.flatMap((c) => variants.flatMap((v) => [1, 3].map((b) => [c, v, b]))));
    for (const r of report.steps) {
      const fused = r.variant.startsWith('fused');
      expect(r.runsPerStep, `${r.config} ${r.variant}`).toBe(fused ? 1 : 3);
      // Fused: actions and two streams' tokens, packed into one. Separate on CPU: every output of
      // encoder (3) and memory (the tokens to write, and the memory features) and the actions.
      if (fused) expect(r.readBacksPerStep).toBe(r.variant.endsWith('+packed') ? 1 : 3);
      expect(r.calls).toHaveLength(fused ? 1 : 3);
      expect(r.calls.every((c) => c.rows === (r.batch === 3 ? 4 : r.batch))).toBe(true);
      expect(r.readBackBytesPerStep).toBeGreaterThan(0);
      for (const x of [r.stepMs, r.runMsPerStep, r.wrapMsPerStep]) expect(Number.isFinite(x) && x > 0).toBe(true);
      expect(r.otherJsMsPerStep).toBeCloseTo(r.stepMs - r.runMsPerStep - r.wrapMsPerStep, 9);
      // Same episodes, same observations: packing changes no bit, fusing stays within float error.
      expect(r.maxAbsDiffFromFirst).toBeLessThan(r.variant.startsWith('fused') ? 1e-9 : 1e-5);
    }
    // The read-back cost is measured on GPU providers only.
    expect(report.readBack.every((r) => r.provider !== 'cpu')).toBe(true);
    expect(report.readBack.map((r) => r.config)).toEqual(ran.includes('webgpu') ? ['webgpu', 'webgpu'] : []);
    expect(report.ort.map((o) => [o.config, o.variant])).toEqual(ran.flatMap((c) => [[c, 'fused'], [c, 'separate']]));
    for (const o of report.ort) {
      const graphs = o.traces.filter((t) => t.counted > 1).map((t) => t.file.replace(/_\d{4}-.*$/, '').replace(`ort-${o.config}-${o.variant}-`, ''));
      expect(graphs.sort(), `${o.config} ${o.variant}`).toEqual(o.variant === 'fused' ? ['step-b1', 'step-b4'] : ['encoder-b1', 'encoder-b4', 'head-b1', 'head-b4', 'memory-b1', 'memory-b4']);
      for (const t of o.traces) {
        expect(t.kernelsPerRun).toBeGreaterThan(0);
        expect(Object.values(t.byProvider).reduce((n, p) => n + p.kernels, 0)).toBeCloseTo(t.kernelsPerRun, 0);
        expect(t.topOps.length).toBeGreaterThan(0);
      }
    }
    expect(readdirSync(traceDir).filter((f) => f.endsWith('.json')).length).toBeGreaterThan(0);
    const text = formatProfileReport(report);
    expect(text).toMatch(/runs\/step/);
    expect(text).toMatch(/onnxruntime profile, cpu-1t fused/);
    if (!ran.includes('webgpu')) expect(report.skipped.map((s) => s.config)).toEqual(['webgpu']);
  });

  it('runs from the section with --profile and writes the JSON and the traces beside it', async () => {
    const out = join(tmp, 'section', 'profile.json');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await runGpuSection(['--profile', FUSED, '--configs', 'cpu-1t', '--batches', '1', '--out', out], 'test machine');
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
    const json = JSON.parse(readFileSync(out, 'utf8')) as ProfileReport & { machine: string };
    expect(json.section).toBe('gpu-profile');
    expect(json.machine).toBe('test machine');
    expect(json.steps.map((r) => r.variant)).toEqual(['fused+packed', 'fused', 'separate+packed', 'separate']);
    expect(existsSync(join(tmp, 'section', 'ort-traces'))).toBe(true);
    await expect(runGpuSection(['--profile', FUSED, FUSED], 'test machine')).rejects.toThrow(/one bundle at a time, got 2/);
  });
});
