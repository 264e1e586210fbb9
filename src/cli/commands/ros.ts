// `momento ros check` (which configured topics exist on the graph) and the ROS branch of
// `momento run --source ros://host:port --sink ros --ros-config <file>`: a policy node that runs
// until SIGINT/SIGTERM, then holds once, closes the recording, unadvertises and exits 0.
import type { Command } from 'commander';
import { Policy } from '../../policy/policy.js';
import { runRosNode } from '../../runtime/ros-node.js';
import { RosConnection, checkRosTopics, loadRosConfig } from '../../transports/ros/index.js';
import { parseDevice, parseNonNegativeInt } from '../options.js';
import { table } from '../../core/text-table.js';

export interface RosRunOptions {
  readonly policy: string;
  readonly source: string;
  readonly sink: string;
  readonly device: string;
  readonly seed: string;
  readonly memory: boolean;
  readonly record?: string;
  readonly rosConfig?: string;
}

/** `ros://host:port` → `ws://host:port`. */
export function rosUrl(spec: string): string {
  const m = /^ros:\/\/([^/]+)\/?$/.exec(spec);
  if (!m) throw new RangeError(`--source '${spec}': expected ros://host:port (a rosbridge WebSocket server)`);
  return `ws://${m[1]}`;
}

export async function runRosCommand(opts: RosRunOptions): Promise<void> {
  if (!opts.source.startsWith('ros://')) throw new RangeError(`--sink ros needs --source ros://host:port, got '${opts.source}'`);
  if (opts.sink !== 'ros') throw new RangeError(`--source ros://… needs --sink ros, got '${opts.sink}'`);
  if (!opts.rosConfig) throw new RangeError('--source ros://…: give --ros-config <file> (see README "Run on a ROS robot")');
  const config = await loadRosConfig(opts.rosConfig);
  await using policy = await Policy.load(opts.policy, { device: parseDevice(opts.device), noMemory: !opts.memory });
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`momento: ${signal}: stopping (one hold, recording closed, topics unadvertised)`);
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const summary = await runRosNode({
      policy,
      config,
      configFile: opts.rosConfig,
      url: rosUrl(opts.source),
      seed: parseNonNegativeInt('--seed', opts.seed),
      signal: stop.signal,
      ...(opts.record ? { recordDir: opts.record } : {}),
      onEvent: (e) => {
        if (e.kind === 'state') console.log(`state ${e.state} (${e.reason})`);
        else if (e.kind === 'reconnect') console.log(`reconnected (${e.reconnects} so far)`);
        else if (e.kind === 'episode') console.log(`episode ${e.episode}`);
        else if (e.kind === 'frame-error') console.error(`momento: skipped a frame: ${e.error.message}`);
        else if (e.kind === 'check') for (const p of e.problems) console.error(`momento: warning: ${p}`);
      },
    });
    console.log(`${summary.episodes} episodes, ${summary.steps} steps, ${summary.published} messages published, ${summary.holds} holds, ${summary.reconnects} reconnects, ${summary.droppedFrames} dropped frames, ${summary.droppedPublishes} publishes dropped while disconnected`);
    for (const f of summary.files) console.log(`recorded ${f}`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function registerRos(program: Command): void {
  const ros = program.command('ros').description('ROS (rosbridge) tools');
  ros
    .command('check')
    .description('connect to rosbridge and list which configured topics exist, with their types, and what is missing')
    .requiredOption('--ros-config <file>', 'the ROS config (YAML or JSON)')
    .option('--url <url>', 'rosbridge WebSocket URL (default: the config url, else ws://127.0.0.1:9090)')
    .option('--timeout <ms>', 'connection and service timeout', '5000')
    .action(async (opts: { rosConfig: string; url?: string; timeout: string }) => {
      const config = await loadRosConfig(opts.rosConfig);
      const url = opts.url ?? config.url ?? 'ws://127.0.0.1:9090';
      const timeout = parseNonNegativeInt('--timeout', opts.timeout);
      await using connection = RosConnection.create({ url });
      await connection.whenConnected(timeout);
      const checks = await checkRosTopics(connection, config, timeout);
      console.log(`rosbridge ${url}: connected`);
      const verdict = (c: (typeof checks)[number]): string => {
        if (c.actual) return c.ok ? 'ok' : 'TYPE MISMATCH';
        if (c.required) return 'MISSING';
        return c.role === 'output' ? 'momento will advertise it' : 'absent (optional)';
      };
      console.log(table(['role', 'topic', 'expected type', 'on the graph', 'status'], checks.map((c) => [c.role, c.topic, c.expected, c.actual || '(missing)', verdict(c)])));
      const bad = checks.filter((c) => !c.ok);
      if (bad.length > 0) {
        console.log(`missing or wrong: ${bad.map((c) => `${c.topic} (${c.actual ? `is ${c.actual}` : 'not on the graph'})`).join(', ')}`);
        process.exitCode = 1;
      } else {
        console.log('every configured input is on the graph with the expected type');
      }
    });
}
