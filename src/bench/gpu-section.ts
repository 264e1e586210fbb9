// `npm run bench -- gpu [bundle …] [--configs cpu-1t,cpu-4t,webgpu] [--batches 1,8,32,64]
// [--seconds 1] [--twin-steps 300] [--twin NAME] [--no-realistic] [--no-auto] [--host TAG] [--out FILE]`: runs benchGpu (gpu.ts) on the reference bundles
// (policies/*-sim) and the realistic-size bundle (built into its cache folder on first use), prints
// the tables and writes the JSON (default benchmarks/<date>-<host>-gpu.json).
// `… gpu --profile [bundle] [--configs webgpu,cpu-1t] [--batches 1,64] [--out FILE]`: where a step's
// time goes instead (gpu-profile.ts), for memoryvla-sim by default; the JSON to --out (default
// benchmarks/<date>-<host>-gpu-profile.json), onnxruntime's traces beside it in ort-traces/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectPath, projectRoot } from '../core/project-files.js';
import { table } from '../core/text-table.js';
import { webgpuTuning } from '../onnx/session.js';
import { benchGpu, DEFAULT_CONFIGS, type GpuReport, type RunConfig } from './gpu.js';
import { profileGpu, type ProfileReport } from './gpu-profile.js';
import { ensureRealisticBundle } from './realistic-bundle.js';

const REFERENCE_BUNDLES = ['policies/memoryless-sim', 'policies/hamlet-sim', 'policies/memoryvla-sim'];

export function formatGpuReport(report: GpuReport): string {
  const rows = table(
    ['bundle', 'graphs', 'config', 'provider', 'B', 'step ms', 'steps/s', 'raw ms', 'x raw', 'lag p99 ms', 'lag max ms', 'iters'],
    report.rows.map((r) => [r.bundle, r.graphs, r.config, r.provider, String(r.batch), r.stepMs.toFixed(2), r.stepsPerSecond.toFixed(0), r.rawMs.toFixed(2), r.ratio.toFixed(2), r.loopLagP99Ms.toFixed(1), r.loopLagMaxMs.toFixed(1), String(r.iterations)]),
  );
  const parts = [`momento step (one stepBatch of B episodes) against the raw graph calls of the same run, inference ${report.inference}:`, rows];
  if (report.skipped.length > 0) {
    // One line per config and reason: the reason without the graph's path and the bundle suffix.
    const reasonOf = (r: string): string => r.split('\n')[0]!.replace(/^graph '[^']*' \([^)]*\): /, '').replace(/ \[bundle=[^\]]*\]$/, '');
    const groups = new Map<string, string[]>();
    for (const s of report.skipped) {
      const key = `${s.config}: ${reasonOf(s.reason)}`;
      groups.set(key, [...(groups.get(key) ?? []), s.bundle]);
    }
    parts.push('', 'skipped:', ...[...groups].map(([key, bundles]) => `  ${key} (${[...new Set(bundles)].join(', ')})`));
  }
  for (const t of report.twin) {
    parts.push('', `latency over the memoryless twin, B = 1, ${t.config} (${t.provider}), ${t.steps} steps each:`);
    parts.push(table(['bundle', 'interleaved ms', 'interleaved x', 'sequential ms', 'sequential x'],
      Object.keys(t.meanMs.interleaved).map((n) => [n, t.meanMs.interleaved[n]!.toFixed(3), t.ratio.interleaved[n]?.toFixed(2) ?? '-', t.meanMs.sequential[n]!.toFixed(3), t.ratio.sequential[n]?.toFixed(2) ?? '-'])));
  }
  if (report.auto.length > 0) {
    parts.push('', '--device auto:');
    parts.push(table(['bundle', 'B', 'chosen', 'faster in table', 'ok'], report.auto.map((a) => [a.bundle, String(a.batch), a.chosen, a.fasterInTable ?? '-', a.fasterInTable === undefined ? '-' : a.fasterInTable === a.chosen ? 'yes' : 'NO'])));
  }
  if (report.notes.length > 0) parts.push('', ...report.notes.map((n) => `note: ${n}`));
  parts.push('', `${report.seconds.toFixed(0)} s`);
  return parts.join('\n');
}

export function formatProfileReport(report: ProfileReport): string {
  const parts = [`where a momento step's time goes: ${report.bundle}`, table(
    ['config', 'graphs', 'B', 'step ms', 'median', 'runs/step', 'outputs to CPU/step', 'KiB/step', 'run ms', 'wrap ms', 'other JS ms', 'max |diff|'],
    report.steps.map((r) => [r.config, r.variant, String(r.batch), r.stepMs.toFixed(2), r.stepMsMedian.toFixed(2), r.runsPerStep.toFixed(1), r.readBacksPerStep.toFixed(1), (r.readBackBytesPerStep / 1024).toFixed(1), r.runMsPerStep.toFixed(2), r.wrapMsPerStep.toFixed(3), r.otherJsMsPerStep.toFixed(3), r.maxAbsDiffFromFirst.toExponential(1)]),
  )];
  if (report.readBack.length > 0) {
    parts.push('', 'read-back cost, the step graph alone (median ms per session.run):', table(
      ['config', 'B', 'outputs', 'each to CPU', 'packed (1)', 'actions only', 'left on GPU (submit only)', 'ms per extra read-back'],
      report.readBack.map((r) => [r.config, String(r.batch), String(r.outputs.length), r.separateMs.toFixed(2), r.packedMs.toFixed(2), r.actionsOnlyMs.toFixed(2), r.onDeviceMs.toFixed(2), r.msPerReadBack.toFixed(2)]),
    ));
  }
  for (const o of report.ort) {
    parts.push('', `onnxruntime profile, ${o.config} ${o.variant} (median per run, first run of each session left out):`, table(
      ['trace', 'runs', 'run ms', 'kernels', 'kernel ms', 'by provider', 'copies', 'top ops (ms)'],
      o.traces.map((t) => [t.file.replace(/_\d{4}-\d\d-\d\d_.*$/, ''), String(t.counted), t.runMs.toFixed(2), String(t.kernelsPerRun), t.kernelMsPerRun.toFixed(2),
        Object.entries(t.byProvider).map(([p, v]) => `${p.replace('ExecutionProvider', '')} ${v.kernels.toFixed(0)}`).join(', '), t.copiesPerRun.toFixed(0),
        t.topOps.slice(0, 3).map((x) => `${x.op} ${x.ms.toFixed(2)}`).join(', ')]),
    ));
  }
  for (const s of report.skipped) parts.push(`skipped ${s.config}: ${s.reason}`);
  parts.push('', `${report.seconds.toFixed(0)} s`);
  return parts.join('\n');
}

function commit(): string {
  if (process.env['MOMENTO_COMMIT']) return process.env['MOMENTO_COMMIT'];
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

function list(option: string, value: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) throw new RangeError(`--${option}: expected a comma-separated list, got '${value}'`);
  return items;
}

export async function runGpuSection(argv: readonly string[], machine: string): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      configs: { type: 'string' },
      batches: { type: 'string' },
      seconds: { type: 'string', default: '1' },
      'twin-steps': { type: 'string', default: '300' },
      twin: { type: 'string', default: 'memoryless-sim' },
      'no-realistic': { type: 'boolean', default: false },
      'no-auto': { type: 'boolean', default: false },
      host: { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'boolean', default: false },
    },
  });
  if (values.profile) {
    await runProfile(values, positionals, machine);
    return;
  }
  const configs = parseConfigs(values.configs ?? DEFAULT_CONFIGS.map((c) => c.label).join(','));
  const batches = parseBatches(values.batches ?? '1,8,32,64');
  const seconds = Number(values.seconds);
  if (!(seconds > 0)) throw new RangeError(`--seconds: expected a positive number, got '${values.seconds}'`);
  for (const b of positionals) if (!existsSync(b)) throw new Error(`${b}: no such bundle folder`);
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const bundles = positionals.length > 0 ? [...positionals] : REFERENCE_BUNDLES.map(projectPath).filter((b) => existsSync(b));
  if (positionals.length === 0 && !values['no-realistic']) bundles.push(ensureRealisticBundle(log));
  const date = new Date().toISOString();
  const webgpu = webgpuTuning();
  console.log(`momento bench gpu — ${date} — ${machine} — commit ${commit()} — WebGPU settings ${JSON.stringify(webgpu)}\n`);
  const report = await benchGpu({ bundles, configs, batches, secondsPerRow: seconds, twinSteps: Number(values['twin-steps']), twin: values.twin, auto: !values['no-auto'], log });
  console.log(formatGpuReport(report));
  const host = values.host ?? (report.rows.some((r) => r.provider !== 'cpu') ? 'gpu-host' : 'local');
  const out = values.out ?? projectPath(`benchmarks/${date.slice(0, 10)}-${host}-gpu.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ date, machine, commit: commit(), node: process.version, webgpu, bundles, ...report }, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

function parseConfigs(value: string): RunConfig[] {
  return list('configs', value).map((label) => {
    const c = DEFAULT_CONFIGS.find((d) => d.label === label);
    if (!c) throw new RangeError(`--configs: unknown config '${label}' (known: ${DEFAULT_CONFIGS.map((d) => d.label).join(', ')})`);
    return c;
  });
}

function parseBatches(value: string): number[] {
  return list('batches', value).map((b) => {
    const n = Number(b);
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`--batches: expected positive integers, got '${b}'`);
    return n;
  });
}

async function runProfile(values: { configs?: string | undefined; batches?: string | undefined; host?: string | undefined; out?: string | undefined }, positionals: readonly string[], machine: string): Promise<void> {
  // Its own defaults: the GPU and one CPU thread, at the two batch sizes of the targets.
  const configs = parseConfigs(values.configs ?? 'webgpu,cpu-1t');
  const batches = parseBatches(values.batches ?? '1,64');
  if (positionals.length > 1) throw new RangeError(`--profile: one bundle at a time, got ${positionals.length}`);
  const bundle = positionals[0] ?? projectPath('policies/memoryvla-sim');
  if (!existsSync(bundle)) throw new Error(`${bundle}: no such bundle folder`);
  const date = new Date().toISOString();
  const host = values.host ?? 'local';
  const out = values.out ?? projectPath(`benchmarks/${date.slice(0, 10)}-${host}-gpu-profile.json`);
  const traceDir = join(dirname(out), 'ort-traces');
  const webgpu = webgpuTuning();
  console.log(`momento bench gpu --profile — ${date} — ${machine} — commit ${commit()} — WebGPU settings ${JSON.stringify(webgpu)}\n`);
  const report = await profileGpu({ bundle, configs, batches, traceDir, log: (line) => void process.stderr.write(`${line}\n`) });
  console.log(formatProfileReport(report));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ date, machine, commit: commit(), node: process.version, webgpu, ...report }, null, 2)}\n`);
  console.log(`\nwrote ${out} (onnxruntime traces in ${traceDir})`);
}
