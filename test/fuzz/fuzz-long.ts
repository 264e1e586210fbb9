// `npm run fuzz [-- --cases N --seed S --only NAME --out file.json]`: the long form of the fuzz suite —
// N cases (default 10,000) of every target in test/fuzz/targets.ts, with a random seed unless
// given (`--only` keeps the targets whose name contains NAME). Prints one row per target (cases, typed errors, failures, peak RSS while it ran) and
// exits non-zero on the first failing case, printing the counterexample and the seed to replay.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { ALL_TARGETS } from './targets.js';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '10000' }, seed: { type: 'string' }, only: { type: 'string' }, out: { type: 'string' } } });
const cases = Number(values.cases);
if (!Number.isSafeInteger(cases) || cases <= 0) throw new RangeError(`--cases: expected a positive integer, got '${values.cases}'`);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);

interface Row {
  readonly target: string;
  readonly cases: number;
  readonly typedErrors: number;
  readonly failures: number;
  readonly seconds: number;
  readonly peakRssMiB: number;
  readonly counterexample?: string;
}

const rows: Row[] = [];
let failed = false;
for (const make of ALL_TARGETS) {
  const target = make();
  if (values.only !== undefined && !target.name.includes(values.only)) {
    await target.dispose();
    continue;
  }
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const started = performance.now();
  const details = await fc.check(await target.property(), { numRuns: cases, seed, endOnFailure: true, reporter: () => undefined });
  const ran = details.numRuns;
  clearInterval(sampler);
  await target.dispose();
  peak = Math.max(peak, process.memoryUsage.rss());
  const row: Row = {
    target: target.name,
    cases: ran,
    typedErrors: target.rejected(),
    failures: details.failed ? 1 : 0,
    seconds: (performance.now() - started) / 1000,
    peakRssMiB: peak / 2 ** 20,
    ...(details.failed ? { counterexample: `${fc.stringify(details.counterexample)}: ${String(details.errorInstance)}` } : {}),
  };
  rows.push(row);
  console.log(`${row.target}: ${row.cases} cases, ${row.typedErrors} typed errors, ${row.failures} failures, ${row.seconds.toFixed(1)} s, peak RSS ${row.peakRssMiB.toFixed(0)} MiB`);
  if (row.counterexample) {
    failed = true;
    console.error(`  FAILED (seed ${seed}, path ${details.counterexamplePath ?? ''}): ${row.counterexample}`);
  }
}
const total = rows.reduce((n, r) => n + r.cases, 0);
console.log(`fuzz: ${total} cases over ${rows.length} targets, seed ${seed}, ${rows.reduce((n, r) => n + r.failures, 0)} failures`);
if (values.out) {
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, seed, casesPerTarget: cases, rows }, null, 2)}\n`);
  console.log(`wrote ${values.out}`);
}
if (failed) process.exitCode = 1;
