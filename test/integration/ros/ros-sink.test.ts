// RosActionPublisher at the boundary to the robot, over the rosbridge peer: values are clamped to
// the manifest's limits, a non-finite value becomes a hold, and each output type has its shape.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManifestSchema } from '../../../src/bundle/manifest.js';
import { RosActionPublisher, RosConnection, type RosJointState, type RosOutputConfig } from '../../../src/transports/ros/index.js';
import { RosbridgePeer } from '../../peers/rosbridge/rosbridge-peer.js';
import { ROOT } from '../../helpers/cli.js';

const GUARD_MS = 10_000;
const manifest = ManifestSchema.parse(JSON.parse(readFileSync(join(ROOT, 'policies/memoryvla-sim/policy.json'), 'utf8')));

async function until(cond: () => boolean, what: string): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > GUARD_MS) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const open: AsyncDisposable[] = [];
afterEach(async () => {
  for (const d of open.reverse()) await d[Symbol.asyncDispose]();
  open.length = 0;
});

async function setup(output: RosOutputConfig, type: string, jointState?: RosJointState): Promise<{ out: RosActionPublisher; got: Record<string, unknown>[] }> {
  const peer = await RosbridgePeer.start({ distro: 'ros2' });
  const connection = RosConnection.create({ url: peer.url });
  open.push(connection, peer);
  await connection.whenConnected(GUARD_MS);
  const got: Record<string, unknown>[] = [];
  peer.subscribe(output.topic, type, (m) => got.push(m));
  const out = new RosActionPublisher({ connection, output, manifest, distro: 'ros2', jointState: () => jointState, now: () => 5e9 });
  await until(() => peer.advertiserCount(output.topic) === 1, 'advertise');
  return { out, got };
}

describe('RosActionPublisher', () => {
  it('Float64MultiArray: clamps to the limits, turns a NaN into a zero-velocity hold', async () => {
    const { out, got } = await setup({ kind: 'float64_multi_array', topic: '/cmd', type: 'std_msgs/Float64MultiArray', mode: 'velocity' }, 'std_msgs/Float64MultiArray');
    out.action(Float32Array.of(0.5, 3, -7));
    out.action(Float32Array.of(0.5, Number.NaN, 0));
    out.action(Float32Array.of(Number.POSITIVE_INFINITY, 0, 0));
    await until(() => got.length === 3, 'three messages');
    expect(got.map((m) => m['data'])).toEqual([[0.5, 1, -1], [0, 0, 0], [0, 0, 0]]);
    expect((got[0]!['layout'] as { dim: { label: string }[] }).dim[0]!.label).toBe('vx,vy,grip');
    expect([out.holds, out.refusedNonFinite]).toEqual([2, 2]);
  });

  it('Twist: maps action dims to fields; a hold is zero velocity', async () => {
    const { out, got } = await setup({ kind: 'twist', topic: '/cmd_vel', type: 'geometry_msgs/Twist', fields: { vx: 'linear.x', vy: 'angular.z' } }, 'geometry_msgs/Twist');
    out.action(Float32Array.of(0.25, -2, 1));
    out.hold();
    await until(() => got.length === 2, 'two messages');
    expect(got[0]).toEqual({ linear: { x: 0.25, y: 0, z: 0 }, angular: { x: 0, y: 0, z: -1 } });
    expect(got[1]).toEqual({ linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } });
  });

  it('JointTrajectory: the executed part of a chunk at the control period; a hold keeps the current positions', async () => {
    const js: RosJointState = { name: ['j_vy', 'j_vx', 'grip'], position: [0.2, 0.1, 0.3], velocity: [], effort: [] };
    const { out, got } = await setup({ kind: 'joint_trajectory', topic: '/arm/joint_trajectory', type: 'trajectory_msgs/msg/JointTrajectory', joints: { vx: 'j_vx', vy: 'j_vy' } }, 'trajectory_msgs/JointTrajectory', js);
    const values = Float32Array.from({ length: 8 * 3 }, (_, i) => (i % 3 === 0 ? 5 : 0.5));
    out.chunk({ dims: 3, horizon: 8, values, stampNs: 7e9 + 5, periodS: 0.1 }, 4);
    out.hold();
    await until(() => got.length === 2, 'two messages');
    const traj = got[0] as { header: { stamp: unknown }; joint_names: string[]; points: { positions: number[]; time_from_start: { sec: number; nanosec: number } }[] };
    expect(traj.joint_names).toEqual(['j_vx', 'j_vy', 'grip']);
    expect(traj.header.stamp).toEqual({ sec: 7, nanosec: 5 });
    expect(traj.points.map((p) => p.positions)).toEqual(Array.from({ length: 4 }, () => [1, 0.5, 0.5]));
    expect(traj.points.map((p) => p.time_from_start.sec * 1e9 + p.time_from_start.nanosec)).toEqual([0, 1e8, 2e8, 3e8]);
    const hold = got[1] as typeof traj;
    expect(hold.points.map((p) => p.positions)).toEqual([[0.1, 0.2, 0.3]]);
  });
});
