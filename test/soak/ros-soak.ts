// The ROS soak (issue 14): K momento ROS nodes (runRosNode, a reference bundle) each on its own
// rosbridge peer with a fake robot publishing a camera and joint states, for a while, with faults
// injected on a schedule: the peer restarted on its port (rosbridge crashed), every client socket
// dropped, the robot stalled (no frames: the node must hold, then go on). Episodes are ended from
// the graph through the node's reset service. Every episode must end (none lost); after every
// fault each node must step again (recovered); reconnections and holds are counted.
import { join } from 'node:path';
import { Policy } from '../../src/policy/policy.js';
import { runRosNode, type RosNodeEvent, type RosNodeSummary } from '../../src/runtime/ros-node.js';
import { parseRosConfig } from '../../src/transports/ros/index.js';
import { FakeRobot } from '../peers/rosbridge/fake-robot.js';
import { RosbridgePeer } from '../peers/rosbridge/rosbridge-peer.js';
import { configYaml } from '../helpers/ros-config.js';
import { BUNDLES } from '../helpers/reference.js';
import { LatencyHistogram } from './soak-parts.js';
import { type MemorySeries, memorySeries } from './soak-run.js';

export const ROS_FAULT_KINDS = ['peer-restart', 'drop-sockets', 'robot-stall'] as const;
export type RosFaultKind = (typeof ROS_FAULT_KINDS)[number];

export interface RosSoakOptions {
  /** ROS nodes (robots), each with its own rosbridge peer. Default 4. */
  readonly nodes?: number;
  /** Run for this long; else until `faults` faults have been injected and recovered from. */
  readonly durationS?: number;
  /** Faults in all when no duration is given (cycling through the kinds). Default 3. */
  readonly faults?: number;
  /** Timed schedule: one fault every this many seconds. Default 20. */
  readonly faultEveryS?: number;
  /** Seconds between episode ends (the reset service called on every node). Default 5. */
  readonly episodeEveryS?: number;
  /** How long a peer stays down, ms. Default 1000. */
  readonly downMs?: number;
  /** How long the robot stalls, ms; past the config's staleness (0.5 s), so that the nodes hold. Default 1500. */
  readonly stallMs?: number;
  readonly warmupS?: number;
  readonly log?: (line: string) => void;
}

export interface RosSoakReport {
  readonly nodes: number;
  readonly seconds: number;
  readonly episodes: { readonly started: number; readonly ended: number };
  /** Episodes started and not ended when their node stopped (must be 0). */
  readonly lost: number;
  readonly steps: number;
  readonly published: number;
  readonly holds: number;
  readonly reconnects: number;
  readonly faultsInjected: Readonly<Record<RosFaultKind, number>>;
  /** Faults after which every node stepped again. */
  readonly recovered: number;
  readonly frameErrors: number;
  readonly rss: MemorySeries;
  readonly latencyP99PerMinuteMs: readonly number[];
}

interface Robot {
  peer: RosbridgePeer;
  readonly robot: FakeRobot;
  readonly port: number;
  steps: number;
  episodes: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `cond` (running `meanwhile` between polls); the guard only turns a hang into a failure. */
async function until(cond: () => boolean, what: string, guardMs = 120_000, meanwhile?: () => Promise<void>): Promise<void> {
  const start = performance.now();
  while (!cond()) {
    if (performance.now() - start > guardMs) throw new Error(`ros soak: gave up waiting for ${what}`);
    await (meanwhile ? meanwhile() : undefined);
    await sleep(meanwhile ? 100 : 10);
  }
}

export async function runRosSoak(options: RosSoakOptions = {}): Promise<RosSoakReport> {
  const count = options.nodes ?? 4;
  const downMs = options.downMs ?? 1000;
  const log = options.log ?? (() => undefined);
  await using policy = await Policy.load(join(BUNDLES, 'hamlet-tiny'), { inference: 'inline' });
  const config = parseRosConfig(configYaml('raw', 'ros2'), 'soak.yaml');
  const robots: Robot[] = [];
  for (let i = 0; i < count; i++) {
    const peer = await RosbridgePeer.start({ distro: 'ros2' });
    const robot = new FakeRobot(peer, { size: 32, rateHz: 10, compressedTopic: '' });
    robot.start();
    robots.push({ peer, robot, port: peer.port, steps: 0, episodes: 0 });
  }
  const started = performance.now();
  const elapsedS = (): number => (performance.now() - started) / 1000;
  const perMinute: LatencyHistogram[] = [];
  let frameErrors = 0;
  const stop = new AbortController();
  const onEvent = (r: Robot) => (e: RosNodeEvent): void => {
    if (e.kind === 'step') {
      r.steps++;
      (perMinute[Math.floor(elapsedS() / 60)] ??= new LatencyHistogram()).add(e.result.timings.totalMs);
    } else if (e.kind === 'episode') r.episodes++;
    else if (e.kind === 'frame-error') frameErrors++;
  };
  const nodes: Promise<RosNodeSummary>[] = robots.map((r) =>
    runRosNode({ policy, config, configFile: 'soak.yaml', url: r.peer.url, signal: stop.signal, backoffInitialMs: 50, backoffMaxMs: 500, onEvent: onEvent(r) }),
  );
  const rss: { t: number; bytes: number }[] = [];
  const sampler = setInterval(() => rss.push({ t: elapsedS(), bytes: process.memoryUsage.rss() }), 2000);
  const faultsInjected: Record<RosFaultKind, number> = { 'peer-restart': 0, 'drop-sockets': 0, 'robot-stall': 0 };
  let recovered = 0;
  let injected = 0;
  const stepsNow = (): number[] => robots.map((r) => r.steps);
  /** Every node has stepped at least `n` times since `from`. */
  const steppedSince = (from: number[], n: number): boolean => robots.every((r, i) => r.steps >= from[i]! + n);
  const inject = async (): Promise<void> => {
    const kind = ROS_FAULT_KINDS[injected++ % ROS_FAULT_KINDS.length]!;
    faultsInjected[kind]++;
    log(`${elapsedS().toFixed(1)} s: fault ${kind}`);
    if (kind === 'peer-restart') {
      await Promise.all(
        robots.map(async (r) => {
          await r.peer.close();
          await sleep(downMs);
          r.peer = await RosbridgePeer.start({ distro: 'ros2', port: r.port });
          r.robot.attach(r.peer);
        }),
      );
    } else if (kind === 'drop-sockets') {
      for (const r of robots) r.peer.dropClients();
    } else {
      for (const r of robots) r.robot.stop();
      await sleep(options.stallMs ?? 1500);
      for (const r of robots) r.robot.start();
    }
    const from = stepsNow();
    await until(() => steppedSince(from, 3), `every node stepping again after ${kind}`);
    recovered++;
  };
  /** Ends the episode on every node through its reset service (retried until its service is back after a fault). */
  const endEpisodes = async (): Promise<void> => {
    const from = robots.map((r) => r.episodes);
    await until(() => robots.every((r, i) => r.episodes > from[i]!), 'a new episode on every node', 120_000, async () => {
      await Promise.all(robots.map((r, i) => (r.episodes > from[i]! || !r.peer.hasService('/momento/reset') ? undefined : r.peer.callService('/momento/reset').catch(() => undefined))));
    });
  };
  try {
    await until(() => steppedSince(robots.map(() => 0), 3), 'every node stepping');
    let lastFault = elapsedS();
    let lastEpisode = elapsedS();
    const more = (): boolean => (options.durationS !== undefined ? elapsedS() < options.durationS : injected < (options.faults ?? 3));
    while (more()) {
      if (options.durationS === undefined || elapsedS() - lastFault >= (options.faultEveryS ?? 20)) {
        await inject();
        lastFault = elapsedS();
      }
      if (elapsedS() - lastEpisode >= (options.episodeEveryS ?? 5) || options.durationS === undefined) {
        await endEpisodes();
        lastEpisode = elapsedS();
      }
      await sleep(100);
    }
  } finally {
    clearInterval(sampler);
    stop.abort();
  }
  const summaries = await Promise.all(nodes);
  for (const r of robots) {
    r.robot.stop();
    await r.peer.close();
  }
  const started_ = robots.reduce((n, r) => n + r.episodes, 0);
  const ended = summaries.reduce((n, s) => n + s.episodes, 0);
  return {
    nodes: count,
    seconds: elapsedS(),
    episodes: { started: started_, ended },
    lost: started_ - ended,
    steps: summaries.reduce((n, s) => n + s.steps, 0),
    published: summaries.reduce((n, s) => n + s.published, 0),
    holds: summaries.reduce((n, s) => n + s.holds, 0),
    reconnects: summaries.reduce((n, s) => n + s.reconnects, 0),
    faultsInjected,
    recovered,
    frameErrors,
    rss: memorySeries(rss, options.warmupS ?? 60),
    latencyP99PerMinuteMs: perMinute.map((h) => h.quantile(0.99)),
  };
}
