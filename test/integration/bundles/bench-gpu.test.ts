// `npm run bench -- gpu` on a tiny configuration: the tiny bundles (real graphs), CPU and WebGPU
// (skipped with its reason where no GPU opens), B = 1 and 2, a few iterations per row. Checks
// the structure of the report and of the JSON the section writes, never the timings' values.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { benchGpu, DEFAULT_CONFIGS, fusedSupported, type GpuReport } from '../../../src/bench/gpu.js';
import { formatGpuReport, runGpuSection } from '../../../src/bench/gpu-section.js';
import { BUNDLES } from '../../helpers/reference.js';

const gpuPresent = process.env['MOMENTO_TEST_GPU'] === '1';
const bundles = [join(BUNDLES, 'memoryless-tiny'), join(BUNDLES, 'memoryvla-tiny')];
const configs = DEFAULT_CONFIGS.filter((c) => c.label !== 'cpu-4t');
const tmp = mkdtempSync(join(tmpdir(), 'momento-bench-gpu-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function checkRows(report: GpuReport, batches: readonly number[]): void {
  const ran = configs.filter((c) => !report.skipped.some((s) => s.config === c.label));
  expect(report.rows.map((r) => [r.bundle, r.config, r.batch])).toEqual(
    ['memoryless-tiny', 'memoryvla-tiny'].flatMap((b) => ran.flatMap((c) => batches.map((n) => [b, c.label, n]))),
  );
  for (const r of report.rows) {
    expect(r.graphs).toBe('separate');
    expect(r.iterations).toBeGreaterThanOrEqual(1);
    expect(r.iterations).toBeLessThanOrEqual(3);
    for (const x of [r.stepMs, r.rawMs, r.stepsPerSecond, r.ratio]) expect(Number.isFinite(x) && x > 0).toBe(true);
    expect(r.stepsPerSecond).toBeCloseTo((1000 * r.batch) / r.stepMs, 6);
    expect(r.ratio).toBeCloseTo(r.stepMs / r.rawMs, 6);
    // The event-loop lag is reported for every row (its values depend on the machine's load: structure only).
    for (const lag of [r.loopLagP50Ms, r.loopLagP99Ms, r.loopLagMaxMs]) expect(Number.isFinite(lag) && lag >= 0).toBe(true);
  }
}

describe('bench gpu', () => {
  it('times every bundle, config and batch size against the raw graphs, with the twin ratio measured interleaved', async () => {
    const lines: string[] = [];
    const report = await benchGpu({ bundles, configs, batches: [1, 2], secondsPerRow: 0.02, minIterations: 2, maxIterations: 3, twinSteps: 3, twin: 'memoryless-tiny', log: (l) => lines.push(l) });
    checkRows(report, [1, 2]);
    if (!gpuPresent) {
      expect(report.skipped.map((s) => [s.bundle, s.config])).toEqual([['memoryless-tiny', 'webgpu'], ['memoryvla-tiny', 'webgpu']]);
      expect(report.skipped[0]!.reason).toMatch(/no WebGPU adapter/);
      expect(report.auto).toEqual([]);
      expect(report.notes.some((n) => n.startsWith('webgpu unavailable here'))).toBe(true);
    }
    const cpuTwin = report.twin.find((t) => t.config === 'cpu-1t')!;
    expect(cpuTwin.steps).toBe(3);
    expect(Object.keys(cpuTwin.meanMs.interleaved).sort()).toEqual(['memoryless-tiny', 'memoryvla-tiny']);
    expect(Object.keys(cpuTwin.ratio.interleaved)).toEqual(['memoryvla-tiny']);
    expect(cpuTwin.ratio.interleaved['memoryvla-tiny']).toBeCloseTo(cpuTwin.meanMs.interleaved['memoryvla-tiny']! / cpuTwin.meanMs.interleaved['memoryless-tiny']!, 9);
    expect(Object.keys(cpuTwin.ratio.sequential)).toEqual(['memoryvla-tiny']);
    // Progress went to the log, one line per row at least.
    expect(lines.filter((l) => /B=\d+: .* ms, .* steps\/s/.test(l))).toHaveLength(report.rows.length);
    const text = formatGpuReport(report);
    expect(text).toContain('x raw');
    expect(text).toContain('latency over the memoryless twin');
  }, 120_000);

  it('writes the JSON with machine, commit and the report (the CLI section)', async () => {
    const out = join(tmp, 'gpu.json');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await runGpuSection([...bundles, '--configs', 'cpu-1t,webgpu', '--batches', '1', '--seconds', '0.02', '--twin-steps', '2', '--twin', 'memoryless-tiny', '--out', out], 'test machine');
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
    const json = JSON.parse(readFileSync(out, 'utf8')) as GpuReport & { machine: string; commit: string; date: string; bundles: string[] };
    expect(json.section).toBe('gpu');
    expect(json.machine).toBe('test machine');
    expect(typeof json.commit).toBe('string');
    expect(json.bundles).toEqual(bundles);
    expect(json.rows.length).toBeGreaterThanOrEqual(2);
    expect(json.twin.length).toBeGreaterThanOrEqual(1);
    expect(typeof json.fusedSupported).toBe('boolean');
  }, 120_000);

  // A bundle with step.onnx (the fixture of the fused step graph) runs both ways, where the runtime knows graphs.step.
  const fusedFixture = join(BUNDLES, 'memoryvla-tiny-fused');
  it.skipIf(!fusedSupported() || !existsSync(fusedFixture))('times a bundle with a fused step graph fused and with separate graphs', async () => {
    const report = await benchGpu({ bundles: [fusedFixture], configs: DEFAULT_CONFIGS.slice(0, 1), batches: [1, 2], secondsPerRow: 0.02, maxIterations: 3, auto: false, log: () => {} });
    expect(report.fusedSupported).toBe(true);
    expect(report.rows.map((r) => [r.graphs, r.batch])).toEqual([['fused', 1], ['fused', 2], ['separate', 1], ['separate', 2]]);
    for (const r of report.rows) expect(Number.isFinite(r.ratio) && r.ratio > 0).toBe(true);
  }, 120_000);

  it('rejects an unknown config, naming it', async () => {
    await expect(runGpuSection(['--configs', 'tpu'], 'm')).rejects.toThrow(/--configs: unknown config 'tpu'/);
  });
});
