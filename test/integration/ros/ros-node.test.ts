// A momento policy node on a (test) ROS graph: a fake robot on the rosbridge peer publishes a
// 64x64 camera and joint states at 10 Hz; policies/memoryvla-sim steps on them and publishes
// Float64MultiArray actions. Rates are counted against the robot's own ticks; every wait ends on
// an event, and the named guards only turn a hang into a failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Policy } from '../../../src/policy/policy.js';
import { readEpisode } from '../../../src/record/index.js';
import { runRosNode, type RosNodeEvent, type RosNodeSummary } from '../../../src/runtime/ros-node.js';
import { parseRosConfig, type RosConfig } from '../../../src/transports/ros/index.js';
import { FakeRobot } from '../../peers/rosbridge/fake-robot.js';
import { RosbridgePeer } from '../../peers/rosbridge/rosbridge-peer.js';
import { ROOT } from '../../helpers/cli.js';
import { configYaml } from '../../helpers/ros-config.js';

const GUARD_MS = 20_000;

async function until(cond: () => boolean, what: string, guardMs = GUARD_MS): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > guardMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Received {
  readonly tick: number;
  readonly data: number[];
  readonly labels: string;
}

describe('momento ROS node (memoryvla-sim over the rosbridge peer)', () => {
  let policy: Policy;
  beforeAll(async () => {
    policy = await Policy.load(join(ROOT, 'policies/memoryvla-sim'), { device: 'cpu' });
  });
  afterAll(async () => {
    await policy.release();
  });

  for (const camera of ['raw', 'compressed'] as const) {
    it(`steps on ${camera} camera frames and publishes clamped actions at the robot's rate`, { timeout: 60_000 }, async () => {
      await using peer = await RosbridgePeer.start();
      const robot = new FakeRobot(peer);
      const cmds: Received[] = [];
      peer.subscribe('/momento/cmd', 'std_msgs/Float64MultiArray', (m) => cmds.push(toReceived(m, robot.ticks)));
      // The header stamps the robot published, as the graph saw them.
      const published = { camera: new Set<number>(), joints: new Set<number>() };
      peer.subscribe(camera === 'raw' ? '/camera/image_raw' : '/camera/image_raw/compressed', camera === 'raw' ? 'sensor_msgs/Image' : 'sensor_msgs/CompressedImage', (m) => published.camera.add(headerStampNs(m)));
      peer.subscribe('/joint_states', 'sensor_msgs/JointState', (m) => published.joints.add(headerStampNs(m)));
      const config: RosConfig = parseRosConfig(configYaml(camera), 'test.yaml');
      const stop = new AbortController();
      const events: RosNodeEvent[] = [];
      robot.start();
      const node = runRosNode({ policy, config, configFile: 'test.yaml', url: peer.url, signal: stop.signal, onEvent: (e) => events.push(e) });
      try {
        await until(() => events.some((e) => e.kind === 'state' && e.state === 'running'), 'running');
        const from = await robot.afterTicks(2);
        const at = cmds.length;
        await robot.afterTicks(30);
        const count = cmds.length - at;
        // One action per control tick; both clocks run at 10 Hz (a wide tolerance: a loaded machine).
        expect(count).toBeGreaterThanOrEqual(20);
        expect(count).toBeLessThanOrEqual(40);
        expect(from).toBeGreaterThan(0);
        for (const c of cmds) {
          expect(c.labels).toBe('vx,vy,grip');
          expect(c.data).toHaveLength(3);
          for (const v of c.data) expect(Math.abs(v)).toBeLessThanOrEqual(1);
        }
        const steps = events.filter((e): e is Extract<RosNodeEvent, { kind: 'step' }> => e.kind === 'step');
        expect(steps.length).toBeGreaterThan(3);
        // The stamps of the inputs used: camera and joints of one robot tick.
        const inputs = steps.at(-1)!.inputs!;
        expect(inputs['camera:rgb']).toBe(inputs['joints']);
        expect(steps.at(-1)!.result.chunk.stampNs).toBe(inputs['camera:rgb']);
        // Every step result carries them: the header stamps of the frames the robot published.
        for (const s of steps) {
          const used = s.result.inputStampsNs!;
          expect(Object.keys(used).sort()).toEqual(['camera:rgb', 'joints']);
          expect(used).toEqual(s.inputs);
          expect(published.camera.has(used['camera:rgb']!)).toBe(true);
          expect(published.joints.has(used['joints']!)).toBe(true);
          expect(used['camera:rgb']).toBe(s.result.chunk.stampNs);
          expect(s.result.sourceEvents).toEqual({ reconnects: 0, gapFrames: 0 });
        }
      } finally {
        stop.abort();
        robot.stop();
        await node;
      }
    });
  }

  it('fails naming a configured joint that the robot does not report', { timeout: 60_000 }, async () => {
    await using peer = await RosbridgePeer.start();
    const robot = new FakeRobot(peer);
    const config = parseRosConfig(configYaml('raw').replace('type: sensor_msgs/JointState }', 'type: sensor_msgs/JointState, names: { x: base_x } }'), 'test.yaml');
    const events: RosNodeEvent[] = [];
    robot.start();
    try {
      await expect(runRosNode({ policy, config, configFile: 'test.yaml', url: peer.url, onEvent: (e) => events.push(e) })).rejects.toThrow("/joint_states: joint 'base_x' is not in the JointState (has holding, grip, wrist, y, x)");
      expect(events.some((e) => e.kind === 'check')).toBe(true);
    } finally {
      robot.stop();
    }
  });

  it('survives the server dying with the same episode, holds once on stale input, resets on the service, reports status', { timeout: 90_000 }, async () => {
    let peer = await RosbridgePeer.start();
    const port = peer.port;
    // Stamps on the robot's 10 Hz grid: the frames lost while the server is away are its empty slots.
    const robot = new FakeRobot(peer, { stampClock: 'grid' });
    const recordDir = mkdtempSync(join(tmpdir(), 'momento-ros-node-'));
    const cmds: Received[] = [];
    const status: Record<string, string>[] = [];
    const listen = (p: RosbridgePeer): void => {
      p.subscribe('/momento/cmd', 'std_msgs/Float64MultiArray', (m) => cmds.push(toReceived(m, robot.ticks)));
      p.subscribe('/diagnostics', 'diagnostic_msgs/DiagnosticArray', (m) => {
        const s = (m['status'] as { values: { key: string; value: string }[] }[])[0]!;
        status.push(Object.fromEntries(s.values.map((kv) => [kv.key, kv.value])));
      });
    };
    listen(peer);
    const config = parseRosConfig(configYaml('raw'), 'test.yaml');
    const stop = new AbortController();
    const events: RosNodeEvent[] = [];
    const steps = (): Extract<RosNodeEvent, { kind: 'step' }>[] => events.filter((e): e is Extract<RosNodeEvent, { kind: 'step' }> => e.kind === 'step');
    const states = (): string[] => events.flatMap((e) => (e.kind === 'state' ? [e.state] : []));
    robot.start();
    let summary: RosNodeSummary | undefined;
    let lastBeforeNs: number | undefined;
    const node = runRosNode({ policy, config, configFile: 'test.yaml', url: peer.url, signal: stop.signal, recordDir, backoffInitialMs: 50, backoffMaxMs: 400, onEvent: (e) => events.push(e) }).then((s) => (summary = s));
    try {
      await until(() => steps().length >= 4, 'four steps');
      await until(() => status.some((s) => s['state'] === 'running'), 'a running status');
      expect(Object.keys(status.at(-1)!)).toEqual(expect.arrayContaining(['state', 'policy_rate_hz', 'step_latency_p50_ms', 'step_latency_p99_ms', 'dropped_frames', 'memory_entries', 'reconnects']));

      // The server dies and comes back on the same port.
      const before = steps().at(-1)!.result.step;
      lastBeforeNs = steps().at(-1)!.result.chunk.stampNs;
      await peer.close();
      await until(() => states().at(-1) === 'disconnected', 'the disconnect');
      // The server stays away for three of the robot's ticks: those frames are lost for sure.
      await robot.afterTicks(3);
      peer = await RosbridgePeer.start({ port });
      listen(peer);
      robot.attach(peer);
      const returnedAt = robot.ticks;
      await until(() => events.some((e) => e.kind === 'reconnect'), 'the reconnect');
      await until(() => steps().some((s) => s.result.step > before + 1) && states().at(-1) === 'running', 'stepping again');
      // Stepping again within 2 s of the server's return, on the robot's clock (10 Hz ticks).
      const resumedStep = steps().find((s) => s.result.step > before)!;
      expect(resumedStep.result.step).toBe(before + 1); // the same episode: its step counter (and memory) went on
      expect(resumedStep.reconnects).toBe(1);
      const last = steps().find((s) => s.result.step === before)!;
      expect(last.reconnects).toBe(0);
      expect(resumedStep.result.memory.entries).toBeGreaterThanOrEqual(Math.max(2, last.result.memory.entries)); // the bank was not cleared
      expect(robot.ticks - returnedAt).toBeLessThanOrEqual(20 + 10);
      await until(() => status.some((s) => s['reconnects'] === '1'), 'status after the reconnect');

      // Stale inputs: the robot stops publishing; exactly one hold (zero velocity), then silence.
      robot.stop();
      const atStop = cmds.length;
      await until(() => states().at(-1) === 'holding', 'the hold', 5_000);
      const statusAtHold = status.length;
      await until(() => status.length >= statusAtHold + 2, 'two status messages while holding');
      const after = cmds.slice(atStop);
      const holds = after.filter((c) => c.data.every((v) => v === 0));
      expect(holds).toHaveLength(1);
      expect(after.at(-1)).toBe(holds[0]); // nothing after the hold
      expect(status.at(-1)!['state']).toBe('holding');
      robot.start();
      await until(() => states().at(-1) === 'running', 'running after fresh inputs');
      await until(() => cmds.length > atStop + after.length + 3, 'actions again');

      // The reset service starts a new episode: step counter back to 0.
      const reply = await peer.callService('/momento/reset');
      expect(reply.result).toBe(true);
      expect(reply.values).toMatchObject({ success: true });
      await until(() => events.some((e) => e.kind === 'episode' && e.episode === 1), 'episode 1');
      const stepsBeforeReset = steps().length;
      await until(() => steps().length > stepsBeforeReset, 'a step in the new episode');
      expect(steps()[stepsBeforeReset]!.result.step).toBe(0);
    } finally {
      stop.abort();
      robot.stop();
      await node;
      await peer.close();
    }
    expect(summary).toMatchObject({ episodes: 2, reconnects: 1 });

    // The gap in the step results and in the recording: the first step after the reconnect
    // carries reconnects = 1 and the frames lost, every other step none.
    try {
      const episode0 = await readEpisode(summary!.files[0]!);
      const live = steps().filter((s) => s.result.sourceEvents!.reconnects > 0);
      expect(live).toHaveLength(1);
      const resumed = live[0]!.result;
      const slots = episode0.observations.filter((o) => o.stampNs <= resumed.chunk.stampNs).map((o) => robot.slotOf(o.stampNs));
      const lost = Math.max(...slots.slice(1).map((s, i) => s - slots[i]! - 1));
      expect(lost).toBeGreaterThanOrEqual(3);
      expect(lost).toBeLessThan(robot.slotOf(resumed.chunk.stampNs) - robot.slotOf(lastBeforeNs!));
      expect(resumed.sourceEvents).toEqual({ reconnects: 1, gapFrames: lost });
      const recorded = episode0.steps.find((s) => s.step === resumed.step)!;
      expect(recorded.sourceEvents).toEqual({ reconnects: 1, gapFrames: lost });
      expect(recorded.inputStampsNs).toEqual(resumed.inputStampsNs);
      expect(episode0.steps.filter((s) => s.sourceEvents!.reconnects > 0)).toHaveLength(1);
      expect(episode0.steps.every((s) => s.inputStampsNs!['camera:rgb'] === s.chunk.stampNs)).toBe(true);
    } finally {
      rmSync(recordDir, { recursive: true, force: true });
    }
  });
});

function headerStampNs(m: Record<string, unknown>): number {
  const stamp = (m['header'] as { stamp: { secs: number; nsecs: number } }).stamp;
  return stamp.secs * 1e9 + stamp.nsecs;
}

function toReceived(m: Record<string, unknown>, tick: number): Received {
  const layout = m['layout'] as { dim: { label: string }[] };
  return { tick, data: m['data'] as number[], labels: layout.dim[0]?.label ?? '' };
}
