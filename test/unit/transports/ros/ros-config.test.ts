import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestSchema } from '../../../../src/bundle/manifest.js';
import { checkConfigAgainstManifest, parseRosConfig, proprioJointNames } from '../../../../src/transports/ros/index.js';
import { ROOT } from '../../../helpers/cli.js';

const manifest = ManifestSchema.parse(JSON.parse(readFileSync(join(ROOT, 'policies/memoryvla-sim/policy.json'), 'utf8')));

const YAML = `
inputs:
  cameras:
    rgb: { topic: /camera/color/image_raw, type: sensor_msgs/msg/Image }
  joints:
    topic: /joint_states
    type: sensor_msgs/JointState
    names: { x: base_x, y: base_y }
task: reach
output: { kind: twist, topic: /cmd_vel, fields: { vx: linear.x, vy: linear.y } }
`;

describe('ROS config', () => {
  it('parses YAML with defaults, accepting ROS 1 and ROS 2 type names', () => {
    const c = parseRosConfig(YAML, 'robot.yaml');
    expect(c.inputs.cameras['rgb']).toEqual({ topic: '/camera/color/image_raw', type: 'sensor_msgs/msg/Image', compression: 'cbor' });
    expect(c.inputs.joints.field).toBe('position');
    expect(c.sync).toEqual({ tolerance_s: 0.05, staleness_s: 0.5 });
    expect(c.control).toEqual({ reset_service: '/momento/reset', status_topic: '/diagnostics', status_period_s: 1 });
    expect(c.distro).toBe('ros2');
    expect(c.output).toMatchObject({ kind: 'twist', type: 'geometry_msgs/Twist' });
    checkConfigAgainstManifest(c, manifest, 'robot.yaml');
    expect(proprioJointNames(c, manifest)).toEqual(['base_x', 'base_y', 'grip', 'holding']);
  });

  it('parses the same config written as JSON', () => {
    const json = JSON.stringify({ inputs: { joints: { topic: '/joint_states', type: 'sensor_msgs/msg/JointState' } }, task: 'reach', output: { kind: 'float64_multi_array', topic: '/cmd' } });
    expect(parseRosConfig(json, 'robot.json').output).toMatchObject({ kind: 'float64_multi_array', mode: 'velocity', type: 'std_msgs/Float64MultiArray' });
  });

  it('names the file and the field of a bad value', () => {
    expect(() => parseRosConfig(YAML.replace('sensor_msgs/msg/Image', 'sensor_msgs/msg/PointCloud2'), 'robot.yaml')).toThrow(/^robot\.yaml: inputs\.cameras\.rgb\.type: expected one of sensor_msgs\/Image/);
    expect(() => parseRosConfig(YAML.replace('kind: twist', 'kind: wheels'), 'robot.yaml')).toThrow(/^robot\.yaml: output\.kind/);
    expect(() => parseRosConfig('inputs: [', 'robot.yaml')).toThrow(/^robot\.yaml: not YAML or JSON/);
    expect(() => parseRosConfig(YAML + 'extra: 1\n', 'robot.yaml')).toThrow(/^robot\.yaml: \(root\)|extra/);
  });

  it('checks the config against the bundle, naming what does not fit', () => {
    const c = parseRosConfig(YAML, 'robot.yaml');
    expect(() => checkConfigAgainstManifest({ ...c, inputs: { ...c.inputs, cameras: {} } }, manifest, 'robot.yaml')).toThrow("robot.yaml: inputs.cameras: no topic for the policy's camera 'rgb'");
    expect(() => checkConfigAgainstManifest({ ...c, task: 'juggle' }, manifest, 'robot.yaml')).toThrow("robot.yaml: task: 'juggle' is not one of the policy's tasks (reach, shell-game");
    expect(() => checkConfigAgainstManifest({ ...c, inputs: { ...c.inputs, joints: { ...c.inputs.joints, names: { z: 'j' } } } }, manifest, 'robot.yaml')).toThrow("inputs.joints.names.z: the policy has no proprio 'z' (has x, y, grip, holding)");
    expect(() => checkConfigAgainstManifest({ ...c, output: { ...c.output, fields: { wz: 'angular.z' } } } as typeof c, manifest, 'robot.yaml')).toThrow("output: the policy has no action 'wz' (has vx, vy, grip)");
  });
});

describe('the configs in the README', () => {
  it('parse', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Run on a ROS robot'), readme.indexOf('## Recording and replay'));
    const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(2);
    const [arm, base] = blocks.map((b, i) => parseRosConfig(b, `README block ${i}`));
    expect(arm!.output.kind).toBe('joint_trajectory');
    expect(base!.output).toMatchObject({ kind: 'twist', fields: { vx: 'linear.x', wz: 'angular.z' } });
  });
});
