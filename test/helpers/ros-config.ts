// The ROS config the integration tests use for policies/memoryvla-sim on the fake robot: its
// proprio [x, y, grip, holding] are joints of those names; actions [vx, vy, grip] go out as a
// Float64MultiArray in velocity mode.

export function configYaml(camera: 'raw' | 'compressed', distro: 'ros1' | 'ros2' = 'ros1'): string {
  const cam = camera === 'raw' ? '{ topic: /camera/image_raw, type: sensor_msgs/Image }' : '{ topic: /camera/image_raw/compressed, type: sensor_msgs/CompressedImage }';
  return [
    `distro: ${distro}`,
    'inputs:',
    `  cameras: { rgb: ${cam} }`,
    '  joints: { topic: /joint_states, type: sensor_msgs/JointState }',
    'task: reach',
    'sync: { tolerance_s: 0.02, staleness_s: 0.5 }',
    'output: { kind: float64_multi_array, topic: /momento/cmd, mode: velocity }',
    'control: { reset_service: /momento/reset, status_topic: /diagnostics, status_period_s: 1 }',
  ].join('\n');
}
