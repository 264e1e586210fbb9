// `npm run soak [-- --target sim|server|ros|all --sessions 64 --nodes 4 --minutes 10 --fault-every 20 --out file.json]`:
// the long form of the soak suite, one soak per target (default all, one after the other, each for
// --minutes). Prints progress, then each report, and checks the targets: zero lost
// episodes (and, for the policy server, none ended with different chunks and no fault), RSS growth
// under 10 % after warm-up, p99 of the last full minute at most 1.2x the first after warm-up.
// Exits non-zero when one is missed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { runRosSoak } from './ros-soak.js';
import { runServerSoak } from './server-soak.js';
import { runSoak } from './soak-run.js';

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'all' },
    sessions: { type: 'string', default: '64' },
    nodes: { type: 'string', default: '4' },
    minutes: { type: 'string', default: '10' },
    'fault-every': { type: 'string', default: '20' },
    out: { type: 'string' },
  },
});
const sessions = Number(values.sessions);
const nodes = Number(values.nodes);
const minutes = Number(values.minutes);
const faultEveryS = Number(values['fault-every']);
const targets = values.target === 'all' ? ['sim', 'server', 'ros'] : [values.target];
if (!targets.every((t) => t === 'sim' || t === 'server' || t === 'ros')) throw new RangeError(`--target: expected sim, server, ros or all, got '${values.target}'`);
if (!Number.isSafeInteger(sessions) || sessions <= 0) throw new RangeError(`--sessions: expected a positive integer, got '${values.sessions}'`);
if (!Number.isSafeInteger(nodes) || nodes <= 0) throw new RangeError(`--nodes: expected a positive integer, got '${values.nodes}'`);
if (!(minutes > 0)) throw new RangeError(`--minutes: expected a positive number, got '${values.minutes}'`);
if (!(faultEveryS > 0)) throw new RangeError(`--fault-every: expected a positive number of seconds, got '${values['fault-every']}'`);

const durationS = minutes * 60;
const warmupS = Math.min(60, minutes * 30);
const log = (line: string): void => console.log(line);

/** The p99 check: the last full minute against the first full minute after warm-up. */
function latencyCheck(p99: readonly number[]): [string, boolean] {
  const first = p99.length > 2 ? p99[1]! : p99[0]!;
  const last = p99.length > 1 ? p99.at(-2)! : p99.at(-1)!;
  return [`p99 last full minute ${last.toFixed(2)} ms <= 1.2 x first after warm-up ${first.toFixed(2)} ms`, last <= 1.2 * first];
}

const results: Record<string, { report: unknown; checks: [string, boolean][] }> = {};
for (const target of targets) {
  console.log(`== soak: ${target}`);
  let report: unknown;
  let checks: [string, boolean][];
  if (target === 'sim') {
    const r = await runSoak({ sessions, durationS, faultEveryS, warmupS, log });
    report = r;
    checks = [
      [`zero lost episodes (${r.lost} lost, ${r.skipped} skipped)`, r.lost === 0 && r.skipped === 0],
      [`client RSS growth ${r.rss.client.growthPct.toFixed(1)} % < 10 %`, r.rss.client.growthPct < 10],
      [`simulator RSS growth ${r.rss.simulator.growthPct.toFixed(1)} % < 10 %`, r.rss.simulator.growthPct < 10],
      latencyCheck(r.latencyP99PerMinuteMs),
    ];
  } else if (target === 'server') {
    const r = await runServerSoak({ sessions, durationS, faultEveryS, warmupS, log });
    report = r;
    checks = [
      [`zero lost episodes (${r.lost} lost, ${r.episodes.diverged} diverged without a fault)`, r.lost === 0 && r.episodes.diverged === 0],
      [`client RSS growth ${r.rss.client.growthPct.toFixed(1)} % < 10 %`, r.rss.client.growthPct < 10],
      [`policy server RSS growth ${r.rss.server.growthPct.toFixed(1)} % < 10 %`, r.rss.server.growthPct < 10],
      latencyCheck(r.latencyP99PerMinuteMs),
    ];
  } else {
    const r = await runRosSoak({ nodes, durationS, faultEveryS, warmupS, log });
    report = r;
    const faults = Object.values(r.faultsInjected).reduce((a, b) => a + b, 0);
    checks = [
      [`zero lost episodes (${r.lost} lost of ${r.episodes.started})`, r.lost === 0],
      [`every node stepped again after every fault (${r.recovered} of ${faults})`, r.recovered === faults],
      [`RSS growth ${r.rss.growthPct.toFixed(1)} % < 10 %`, r.rss.growthPct < 10],
      latencyCheck(r.latencyP99PerMinuteMs),
    ];
  }
  console.log(JSON.stringify(report, null, 2));
  for (const [what, ok] of checks) console.log(`${ok ? 'ok  ' : 'MISS'} ${target}: ${what}`);
  results[target] = { report, checks };
}
if (values.out) {
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, options: { targets, sessions, nodes, minutes, faultEveryS }, results }, null, 2)}\n`);
  console.log(`wrote ${values.out}`);
}
if (Object.values(results).some((r) => r.checks.some(([, ok]) => !ok))) process.exitCode = 1;
