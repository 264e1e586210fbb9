// `momento eval`: success per task of a policy in the simulator (started in process unless
// --sim names one), with 95% Wilson intervals, mean steps and step latency; writes JSON and an
// SVG chart (policy vs its memoryless ablation and the computed memoryless chance). `--ablation
// memory` runs the papers' memory ablations (src/runtime/ablation.ts) and reports them as one table.
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ACTION_SPACE, listTasks, startSimServer } from '../../../sim/index.js';
import type { EpisodeResult } from '../../runtime/episode-loop.js';
import { REPORT_HEADER, paramSummary, reportRows, reportTasks, reportWarnings, successChartSvg, type ChartSeries, type TaskReport } from '../../runtime/eval-report.js';
import { evaluate, limitsOutside, type EvaluateResult } from '../../runtime/evaluate.js';
import { evaluateLive, parseLatency, type LatencySpec } from '../../runtime/live-eval.js';
import { BatchSizeHistogram } from '../../policy/step-batcher.js';
import { parseDevice, parseNonNegativeInt, parsePositiveInt } from '../options.js';
import { isRemotePolicy, openPolicy } from '../policy-spec.js';
import { Progress } from '../progress.js';
import { table } from '../../core/text-table.js';
import { parseTasks } from './collect.js';
import { ablationChartSvg, ablationNotes, ablationReport, ablationTable, ablationTitle, overallReport, planMemoryAblation, type AblationReport, type AblationRow, type AblationVariant } from '../../runtime/ablation.js';
import type { MemoryOverride } from '../../policy/memory-override.js';
import { parseBeyond, parseSplit, repeatable, taskOverrides, type SplitChoice, type TaskOverrides } from '../task-params.js';

interface EvalOptions {
  policy: string;
  task: string;
  episodes: string;
  memory: boolean;
  ablation?: boolean | string;
  device: string;
  sim?: string;
  seedStart: string;
  concurrency: string;
  json?: string;
  svg?: string;
  record?: string;
  quiet?: boolean;
  live?: boolean;
  latency?: string;
  switching?: string;
  /** `--param name=value`, repeatable. */
  param?: string[];
  beyond?: string;
  /** train | test | all; default test. */
  split?: string;
}

export interface EvalRun {
  readonly label: string;
  /** The ablation variant this run is (`--ablation memory`). */
  readonly variant?: string;
  readonly bundle: string;
  readonly noMemory: boolean;
  readonly device: string;
  readonly reports: TaskReport[];
  readonly episodes: EpisodeResult[];
  readonly meanBatch: number;
  readonly seconds: number;
  /** Set when the run stopped early on consecutive simulator faults. */
  readonly aborted?: string;
  /** Jobs not run because of the abort. */
  readonly skipped: number;
  readonly warnings: string[];
  /** The configurations evaluated: seeds whose configuration is in this split ('all': consecutive seeds). */
  readonly split: SplitChoice;
  /** The parameters set per task (--param, --beyond); the others are each seed's defaults. */
  readonly params: TaskOverrides;
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('evaluate a policy on simulator tasks: success with 95% intervals, steps, latency')
    .requiredOption('--policy <bundle>', 'policy bundle folder, or ws://host:port/<bundle> of a momento policy server')
    .option('--task <task>', "task id, comma-separated ids, or 'all'", 'all')
    .option('--episodes <n>', 'episodes per task', '20')
    .option('--no-memory', 'clear the memory every step (the memoryless ablation of the same bundle)')
    .option('--ablation [kind]', "'no-memory' (the default): also run the --no-memory ablation and chart both; 'memory': the papers' memory ablations on the same seeds (as trained, cleared every step, and for memoryvla banks merge vs FIFO and capacity L/4, L/2, 2L) as one table")
    .option('--device <device>', 'auto | gpu | cpu', 'cpu')
    .option('--sim <url>', 'simulator URL (default: start one in this process)')
    .option('--seed-start <n>', 'first seed (training data uses 100000 and up)', '0')
    .option('--concurrency <n>', 'episodes in flight; their steps are batched', '8')
    .option('--json <file>', 'write the results as JSON')
    .option('--svg <file>', 'write a success chart as SVG')
    .option('--record <dir>', 'record every episode as MCAP into this folder')
    .option('--quiet', 'no progress output')
    .option('--live', 'real-time episodes: the simulator advances at its control rate whatever the policy does (--concurrency sessions at once)')
    .option('--latency <ms>', "with --live: inference latency to inject per policy step: '150ms', or uniform '50-250ms'", '0')
    .option('--switching <mode>', "with --live: where a late chunk starts: 'delay-aware' or 'naive' (index 0)", 'delay-aware')
    .option('--param <name=value>', 'set a task parameter (repeatable; applies to the tasks that have it; momento sim --list-params)', repeatable, [])
    .option('--beyond <factor>', 'set every phase-length/count parameter to round(factor x its training max); capacity stays in range')
    .option('--split <split>', 'configurations to evaluate: test (held out from collect), train or all', 'test')
    .action(async (opts: EvalOptions) => {
      if (parseAblation(opts.ablation) === 'memory') {
        await runMemoryAblation(opts);
        return;
      }
      const runs = await runEval(opts);
      for (const run of runs) printRun(run);
      if (opts.json) writeOut(opts.json, JSON.stringify({ runs: runsJson(runs) }, null, 2));
      if (opts.svg) writeOut(opts.svg, successChartSvg(`${runs[0]!.bundle}: success per task`, runs.map((r): ChartSeries => ({ label: r.label, reports: r.reports }))));
    });
}

/** `--ablation` alone is the --no-memory ablation (as before); `--ablation memory` the memory ablations. */
export function parseAblation(value: boolean | string | undefined): 'no-memory' | 'memory' | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true || value === 'no-memory') return 'no-memory';
  if (value === 'memory') return 'memory';
  throw new RangeError(`--ablation: expected 'memory' or 'no-memory', got '${String(value)}'`);
}

function printRun(run: EvalRun): void {
  console.log(`\n${run.label}: ${run.bundle} on ${run.device}, ${run.episodes.length} episodes in ${run.seconds.toFixed(1)} s (mean batch ${run.meanBatch.toFixed(1)}), ${run.split} configurations`);
  console.log(table(REPORT_HEADER, reportRows(run.reports)));
  console.log('call ms: one batched policy call of every session stepping at that moment; per-step: its share (call ms / sessions in it)');
  const params = run.reports.map(paramSummary).filter((line) => line !== '');
  if (params.length > 0) console.log(`parameters: ${params.join('; ')}`);
  for (const warning of run.warnings) console.error(`momento: warning: ${warning}`);
  if (run.aborted !== undefined) {
    console.error(`momento: ${run.label}: aborted after ${run.episodes.length} episodes (${run.skipped} not run): ${run.aborted}`);
    process.exitCode = 1;
  }
}

const runsJson = (runs: readonly EvalRun[]): unknown[] => runs.map(({ episodes: _e, ...r }) => ({ ...r, episodes: _e.map(({ latenciesMs: _l, ...e }) => e) }));

/** `--ablation memory`: every variant of the plan on the same tasks and seeds, then one table (and JSON, SVG). */
export async function runMemoryAblation(opts: EvalOptions): Promise<{ runs: EvalRun[]; report: AblationReport }> {
  if (!opts.memory) throw new RangeError('--ablation memory runs the cleared-memory variant itself: leave out --no-memory');
  const plan = await (async () => {
    await using probe = await openPolicy(opts.policy, { device: parseDevice(opts.device), noMemory: false });
    return planMemoryAblation(probe.manifest, { remote: isRemotePolicy(opts.policy) });
  })();
  const runnable = plan.variants.filter((v) => v.skip === undefined);
  const runs = await runEval(opts, runnable);
  const byVariant = new Map(runs.map((r) => [r.variant, r]));
  const rows: AblationRow[] = plan.variants.map((variant) => {
    const run = byVariant.get(variant.id);
    return run ? { variant, reports: run.reports, overall: overallReport(run.reports) } : { variant, reports: [] };
  });
  const tasks = parseTasks(opts.task);
  const report = ablationReport(plan, rows, {
    tasks,
    episodesPerTask: parsePositiveInt('--episodes', opts.episodes),
    seedStart: parseNonNegativeInt('--seed-start', opts.seedStart),
    split: parseSplit(opts.split ?? 'test'),
    params: taskOverrides(tasks, opts.param ?? [], parseBeyond(opts.beyond)),
  });
  for (const run of runs) printRun(run);
  const { header, rows: cells } = ablationTable(report);
  console.log(`\n${ablationTitle(report)}`);
  console.log(table(header, cells));
  for (const note of ablationNotes(report)) console.log(`note: ${note}`);
  if (opts.json) writeOut(opts.json, JSON.stringify({ ablation: report, runs: runsJson(runs) }, null, 2));
  if (opts.svg) writeOut(opts.svg, ablationChartSvg(report, rows));
  return { runs, report };
}

function writeOut(file: string, text: string): void {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}

function liveOptions(opts: EvalOptions): { latency: LatencySpec; switching: 'delay-aware' | 'naive' } {
  const switching = opts.switching ?? 'delay-aware';
  if (switching !== 'delay-aware' && switching !== 'naive') throw new RangeError(`--switching: expected 'delay-aware' or 'naive', got '${switching}'`);
  return { latency: parseLatency(opts.latency ?? '0'), switching };
}

/** Runs the given variants (default: as trained, or --no-memory, or both with --ablation) on the same seeds. */
export async function runEval(opts: EvalOptions, ablationVariants?: readonly AblationVariant[]): Promise<EvalRun[]> {
  const tasks = parseTasks(opts.task);
  if (!opts.live && (opts.latency ?? '0') !== '0') throw new RangeError('--latency needs --live (lock-step episodes wait for the policy whatever its latency)');
  if (opts.live && opts.record) throw new RangeError('--record is not supported with --live yet: record live episodes with momento run --source sim:<task> --record');
  const episodes = parsePositiveInt('--episodes', opts.episodes);
  const concurrency = parsePositiveInt('--concurrency', opts.concurrency);
  const seedStart = parseNonNegativeInt('--seed-start', opts.seedStart);
  const device = parseDevice(opts.device);
  const split = parseSplit(opts.split ?? 'test');
  const params = taskOverrides(tasks, opts.param ?? [], parseBeyond(opts.beyond));
  const chance = new Map(listTasks().map((t) => [t.id, t.memorylessChance]));
  await using server = opts.sim ? undefined : await startSimServer();
  const simUrl = opts.sim ?? server!.url;
  const variants: { noMemory: boolean; id?: string; label?: string; override?: MemoryOverride }[] =
    ablationVariants?.map((v) => ({ noMemory: v.noMemory, id: v.id, label: v.label, ...(v.override ? { override: v.override } : {}) })) ??
    (parseAblation(opts.ablation) === 'no-memory' ? [{ noMemory: false }, { noMemory: true }] : [{ noMemory: !opts.memory }]);
  const runs: EvalRun[] = [];
  for (const [index, { noMemory, id, label: variantLabel, override }] of variants.entries()) {
    await using policy = await openPolicy(opts.policy, { device, noMemory, attention: opts.record !== undefined, autoBatch: concurrency, ...(override ? { memoryOverride: override } : {}) });
    const label = variantLabel !== undefined ? `${policy.name} ${variantLabel}` : noMemory ? `${policy.name} --no-memory` : policy.name;
    const outside = limitsOutside(policy.manifest.action, ACTION_SPACE);
    if (outside.length > 0) {
      console.error(`momento: warning: ${label}: the bundle's action limits exceed the simulator's action space (${outside.join('; ')}); the simulator refuses such actions and their episodes fail`);
    }
    const progress = opts.quiet ? undefined : new Progress(`eval ${label}${variants.length > 1 ? ` (${index + 1}/${variants.length})` : ''}`, tasks.length * episodes);
    const started = performance.now();
    let successes = 0;
    let faults = 0;
    const onEpisode = (r: EpisodeResult): void => {
      if (r.success) successes++;
      if (r.fault !== undefined) faults++;
      progress?.tick(`${successes} successes${faults > 0 ? `, ${faults} faults` : ''}`);
    };
    // Live episodes are not batched (each steps on its own clock): batch size 1.
    const live = async (): Promise<EvaluateResult> => ({ results: await evaluateLive({ policy, simUrl, tasks, episodes, seedStart, concurrency, split, taskParams: params, ...liveOptions(opts), onEpisode }), batchSizes: new BatchSizeHistogram(1), skipped: 0 });
    const { results, batchSizes, aborted, skipped } = opts.live ? await live() : await evaluate({
      policy,
      simUrl,
      tasks,
      episodes,
      seedStart,
      concurrency,
      split,
      taskParams: params,
      ...(opts.record ? { recordDir: resolve(opts.record, id ?? (noMemory ? 'no-memory' : 'memory')) } : {}),
      onEpisode,
    });
    progress?.stop();
    runs.push({
      ...(id !== undefined ? { variant: id } : {}),
      label: opts.live ? `${label} live (latency ${opts.latency ?? '0'}, ${opts.switching ?? 'delay-aware'})` : label,
      bundle: policy.name,
      noMemory,
      device: policy.provider,
      reports: reportTasks(results, chance),
      episodes: results,
      meanBatch: batchSizes.mean,
      seconds: (performance.now() - started) / 1000,
      skipped,
      warnings: reportWarnings(label, results),
      split,
      params,
      ...(aborted !== undefined ? { aborted } : {}),
    });
    if (aborted !== undefined) break;
  }
  return runs;
}
