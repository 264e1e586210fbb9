// `npm run soak [-- --sessions 64 --minutes 10 --fault-every 20 --out file.json]`: the long form
// of the soak suite. Prints progress, then the report, and checks the targets: zero lost
// episodes, RSS growth under 10 % after the first minute, p99 of the last minute at most 1.2x
// the first full minute after warm-up. Exits non-zero when one is missed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { runSoak } from './soak-run.js';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '64' },
    minutes: { type: 'string', default: '10' },
    'fault-every': { type: 'string', default: '20' },
    out: { type: 'string' },
  },
});
const sessions = Number(values.sessions);
const minutes = Number(values.minutes);
const faultEveryS = Number(values['fault-every']);
if (!Number.isSafeInteger(sessions) || sessions <= 0) throw new RangeError(`--sessions: expected a positive integer, got '${values.sessions}'`);
if (!(minutes > 0)) throw new RangeError(`--minutes: expected a positive number, got '${values.minutes}'`);
if (!(faultEveryS > 0)) throw new RangeError(`--fault-every: expected a positive number of seconds, got '${values['fault-every']}'`);

const report = await runSoak({ sessions, durationS: minutes * 60, faultEveryS, warmupS: Math.min(60, minutes * 30), log: (line) => console.log(line) });
console.log(JSON.stringify(report, null, 2));
const p99 = report.latencyP99PerMinuteMs;
const first = p99.length > 2 ? p99[1]! : p99[0]!;
const last = p99.length > 1 ? p99.at(-2)! : p99.at(-1)!; // the last full minute
const checks: [string, boolean][] = [
  [`zero lost episodes (${report.lost} lost, ${report.skipped} skipped)`, report.lost === 0 && report.skipped === 0],
  [`client RSS growth ${report.rss.client.growthPct.toFixed(1)} % < 10 %`, report.rss.client.growthPct < 10],
  [`simulator RSS growth ${report.rss.simulator.growthPct.toFixed(1)} % < 10 %`, report.rss.simulator.growthPct < 10],
  [`p99 last full minute ${last.toFixed(2)} ms <= 1.2 x first after warm-up ${first.toFixed(2)} ms`, last <= 1.2 * first],
];
for (const [what, ok] of checks) console.log(`${ok ? 'ok  ' : 'MISS'} ${what}`);
if (values.out) {
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, options: { sessions, minutes, faultEveryS }, report, checks }, null, 2)}\n`);
  console.log(`wrote ${values.out}`);
}
if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
