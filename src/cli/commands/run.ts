// `momento run`: wires a source to a policy and a sink. Sources: synthetic:<frames> (a generated
// stream), replay:<file|dir>, sim:<task> (a live episode in the real-time simulator; the last
// line is its outcome and the exit code is 2 on failure); sinks: log, none (and the sim session).
import type { Command } from 'commander';
import type { PolicyBackend } from '../../policy/backend.js';
import { openPolicy } from '../policy-spec.js';
import { runSource } from '../../runtime/run.js';
import { formatLiveOutcome, runLiveSim } from '../../runtime/live-sim.js';
import { TASK_IDS, isTaskId, startSimServer } from '../../../sim/index.js';
import type { Action } from '../../core/types.js';
import { formatTimings } from '../../runtime/stats.js';
import { syntheticSource } from '../../runtime/synthetic.js';
import { parseDevice, parseNonNegativeInt } from '../options.js';
import type { ObservationSource } from '../../core/interfaces.js';
import { McapRecorder, ReplaySource } from '../../record/index.js';
import { runRosCommand } from './ros.js';
import { parseBeyond, repeatable, taskOverrides } from '../task-params.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a policy on a source of observations and send its actions to a sink')
    .requiredOption('--policy <bundle>', 'policy bundle folder, or ws://host:port/<bundle> of a momento policy server')
    .option('--source <spec>', 'synthetic:<frames> | replay:<file|dir> | sim:<task> (a live episode in the real-time simulator)', 'synthetic:100')
    .option('--sim <url>', 'with sim:<task>: the simulator to use (default: start one in this process)')
    .option('--rate <rate>', "replay sources: 'max' (as fast as possible) or 'recorded' (the recorded rate)", 'max')
    .option('--record <dir>', 'record the run as an MCAP episode into this folder')
    .option('--sink <spec>', 'log | none', 'none')
    .option('--device <device>', 'auto | gpu | cpu', 'cpu')
    .option('--seed <n>', 'episode seed (sampler noise)', '0')
    .option('--no-memory', 'clear the memory before every step (memoryless ablation)')
    .option('--ros-config <file>', 'with --source ros://host:port --sink ros: the ROS config (YAML or JSON)')
    .option('--switching <mode>', "live sources: where a late chunk starts — 'delay-aware' (at the current tick) or 'naive' (at index 0)", 'delay-aware')
    .option('--rtc', 'live sources, flow heads: real-time chunking (inpaint the committed actions into each new chunk)')
    .option('--param <name=value>', 'with sim:<task>: set a task parameter (repeatable; momento sim --list-params)', repeatable, [])
    .option('--beyond <factor>', "with sim:<task>: every phase-length/count parameter at round(factor x its training max)")
    .action(async (opts: { policy: string; source: string; sink: string; device: string; seed: string; memory: boolean; rate: string; record?: string; sim?: string; switching: string; rtc?: boolean; rosConfig?: string; param: string[]; beyond?: string }) => {
      if (opts.source.startsWith('ros://') || opts.sink === 'ros') return runRosCommand(opts);
      await using policy = await openPolicy(opts.policy, { device: parseDevice(opts.device), noMemory: !opts.memory, attention: opts.record !== undefined });
      const seed = parseNonNegativeInt('--seed', opts.seed);
      if (opts.sink !== 'log' && opts.sink !== 'none') throw new RangeError(`--sink: expected 'log' or 'none', got '${opts.sink}'`);
      const switching = opts.switching;
      if (switching !== 'delay-aware' && switching !== 'naive') throw new RangeError(`--switching: expected 'delay-aware' or 'naive', got '${switching}'`);
      await using recorder = opts.record ? await McapRecorder.create({ dir: opts.record }) : undefined;
      const log = opts.sink === 'log' ? { onAction: (a: Action) => console.log(`${a.stampNs} ${a.hold ? `hold(${a.reason})` : 'act'} [${[...a.values].map((v) => v.toFixed(3)).join(', ')}]`) } : {};
      const [kind, arg = ''] = splitSpec(opts.source);
      if (kind === 'sim') {
        if (!isTaskId(arg)) throw new RangeError(`--source sim:<task>: unknown task '${arg}' (known: ${TASK_IDS.join(', ')})`);
        const params = taskOverrides([arg], opts.param, parseBeyond(opts.beyond))[arg] ?? {};
        await using server = opts.sim ? undefined : await startSimServer();
        const result = await runLiveSim({ policy, simUrl: opts.sim ?? server!.url, task: arg, seed, params, switching, realTimeChunking: opts.rtc === true, ...(recorder ? { recorder } : {}), ...log });
        console.log(formatTimings(result.summary.stats.timings()));
        // The outcome is the last line, and the exit code says it, so that scripts can use both.
        console.log(formatLiveOutcome(arg, seed, result));
        if (!result.success) process.exitCode = 2;
        return;
      }
      const source = makeSource(opts.source, opts.rate, policy, seed);
      const summary = await runSource({ policy, source, seed, ...(recorder ? { recorder } : {}), ...log });
      console.log(`${summary.stats.steps} steps, ${summary.actions} actions, ${summary.droppedFrames} dropped frames, ${summary.holds} holds on ${policy.provider}`);
      console.log(formatTimings(summary.stats.timings()));
    });
}

function makeSource(spec: string, rate: string, policy: PolicyBackend, seed: number): ObservationSource {
  const [kind, arg = ''] = splitSpec(spec);
  switch (kind) {
    case 'synthetic': {
      const frames = Number(arg || 100);
      if (!Number.isInteger(frames) || frames <= 0) throw new RangeError(`--source synthetic:<frames>: frames must be a positive integer, got '${arg}'`);
      return syntheticSource(policy.manifest, frames, seed);
    }
    case 'replay':
      if (!arg) throw new RangeError('--source replay:<file|dir>: give an episode file or folder');
      if (rate !== 'max' && rate !== 'recorded') throw new RangeError(`--rate: expected 'max' or 'recorded', got '${rate}'`);
      return new ReplaySource(arg, { rate });
    default:
      throw new RangeError(`--source '${spec}': unknown source kind '${kind}' (synthetic:<frames>, replay:<file|dir>, sim:<task>)`);
  }
}

export function splitSpec(spec: string): [string, string] {
  const i = spec.indexOf(':');
  return i < 0 ? [spec, ''] : [spec.slice(0, i), spec.slice(i + 1)];
}
