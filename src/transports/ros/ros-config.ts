// The ROS config file (YAML or JSON): which topic feeds each bundle input, what goes out and how,
// and the control surface. Parsed with `yaml` (a JSON file is YAML too), validated with zod; every
// error names the file and the field path. `checkConfigAgainstManifest` then ties it to a bundle.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Manifest } from '../../bundle/manifest.js';

/** ROS 1 `pkg/Type` and ROS 2 `pkg/msg/Type` spellings of one type, both accepted. */
function rosType(...names: string[]): z.ZodType<string> {
  const accepted = new Set(names.flatMap((n) => [n, n.replace('/', '/msg/')]));
  return z.string().refine((t) => accepted.has(t), { message: `expected one of ${[...accepted].join(', ')}` });
}

const topicName = z.string().regex(/^\/?[A-Za-z~][A-Za-z0-9_/~]*$/, 'a ROS topic name such as /camera/image_raw');
const seconds = z.number().positive();

const CameraInputSchema = z.strictObject({
  topic: topicName,
  type: rosType('sensor_msgs/Image', 'sensor_msgs/CompressedImage'),
  /** Default 'cbor' (binary uint8[]; JSON sends it as base64, 4/3 the size). */
  compression: z.enum(['cbor', 'none']).default('cbor'),
});

const JointsInputSchema = z.strictObject({
  topic: topicName,
  type: rosType('sensor_msgs/JointState'),
  /** Bundle proprio name → joint name in the message; a name not listed is the joint's own name. */
  names: z.record(z.string(), z.string().min(1)).default({}),
  field: z.enum(['position', 'velocity', 'effort']).default('position'),
});

const InstructionInputSchema = z.strictObject({
  topic: topicName,
  type: rosType('std_msgs/String'),
});

const OutputSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('joint_trajectory'),
    topic: topicName,
    type: rosType('trajectory_msgs/JointTrajectory').default('trajectory_msgs/JointTrajectory'),
    /** Action name → joint name; default: the manifest's action names. */
    joints: z.record(z.string(), z.string().min(1)).default({}),
  }),
  z.strictObject({
    kind: z.literal('float64_multi_array'),
    topic: topicName,
    type: rosType('std_msgs/Float64MultiArray').default('std_msgs/Float64MultiArray'),
    /** velocity: a hold is zeros; position: a hold is the current joint positions. */
    mode: z.enum(['velocity', 'position']).default('velocity'),
  }),
  z.strictObject({
    kind: z.literal('twist'),
    topic: topicName,
    type: rosType('geometry_msgs/Twist').default('geometry_msgs/Twist'),
    /** Action name → Twist field. */
    fields: z.record(z.string(), z.enum(['linear.x', 'linear.y', 'linear.z', 'angular.x', 'angular.y', 'angular.z'])),
  }),
]);

export const RosConfigSchema = z.strictObject({
  /** rosbridge URL; `--source ros://host:port` overrides it. */
  url: z.string().regex(/^wss?:\/\//).optional(),
  /** Which time and header layout the server expects (ROS 1 secs/nsecs + seq, ROS 2 sec/nanosec); a mismatch is dropped silently by the server. Default 'ros2'. */
  distro: z.enum(['ros1', 'ros2']).default('ros2'),
  inputs: z.strictObject({
    /** Bundle camera name → its topic. */
    cameras: z.record(z.string(), CameraInputSchema).default({}),
    joints: JointsInputSchema,
    instruction: InstructionInputSchema.optional(),
  }),
  /** Task id while no instruction has arrived (or when there is no instruction topic). */
  task: z.string().min(1).optional(),
  sync: z
    .strictObject({
      /** Samples of different inputs belong together when their header stamps differ by at most this. */
      tolerance_s: seconds.default(0.05),
      /** An input whose newest sample arrived longer ago than this is stale. */
      staleness_s: seconds.default(0.5),
    })
    .default({ tolerance_s: 0.05, staleness_s: 0.5 }),
  output: OutputSchema,
  control: z
    .strictObject({
      reset_service: topicName.default('/momento/reset'),
      status_topic: topicName.default('/diagnostics'),
      status_period_s: seconds.default(1),
    })
    .default({ reset_service: '/momento/reset', status_topic: '/diagnostics', status_period_s: 1 }),
});
export type RosConfig = z.infer<typeof RosConfigSchema>;
export type RosOutputConfig = RosConfig['output'];

/** Parses a config from text (YAML or JSON); `file` names it in errors. */
export function parseRosConfig(text: string, file: string): RosConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new SyntaxError(`${file}: not YAML or JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const parsed = RosConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TypeError(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

export async function loadRosConfig(file: string): Promise<RosConfig> {
  return parseRosConfig(await readFile(file, 'utf8'), file);
}

/** Checks that the config feeds every bundle input and that its names exist; throws naming the field. */
export function checkConfigAgainstManifest(config: RosConfig, manifest: Manifest, file: string): void {
  const obs = manifest.observation;
  for (const cam of obs.cameras) if (!config.inputs.cameras[cam.name]) throw new TypeError(`${file}: inputs.cameras: no topic for the policy's camera '${cam.name}'`);
  for (const name of Object.keys(config.inputs.cameras)) {
    if (!obs.cameras.some((c) => c.name === name)) throw new TypeError(`${file}: inputs.cameras.${name}: the policy has no camera '${name}' (has ${obs.cameras.map((c) => c.name).join(', ') || 'none'})`);
  }
  for (const name of Object.keys(config.inputs.joints.names)) {
    if (!obs.proprio.names.includes(name)) throw new TypeError(`${file}: inputs.joints.names.${name}: the policy has no proprio '${name}' (has ${obs.proprio.names.join(', ')})`);
  }
  const tasks = obs.instruction?.tasks;
  if (!tasks) {
    // A bundle without an instruction input takes no task.
    if (config.task !== undefined || config.inputs.instruction) throw new TypeError(`${file}: ${config.task !== undefined ? 'task' : 'inputs.instruction'}: the policy takes no instruction`);
  } else {
    if (config.task !== undefined && !tasks.includes(config.task)) throw new TypeError(`${file}: task: '${config.task}' is not one of the policy's tasks (${tasks.join(', ')})`);
    if (!config.task && !config.inputs.instruction) throw new TypeError(`${file}: give a task or an inputs.instruction topic (the policy's tasks: ${tasks.join(', ')})`);
  }
  const out = config.output;
  const names = manifest.action.names;
  const mapped = out.kind === 'joint_trajectory' ? out.joints : out.kind === 'twist' ? out.fields : {};
  for (const name of Object.keys(mapped)) {
    if (!names.includes(name)) throw new TypeError(`${file}: output: the policy has no action '${name}' (has ${names.join(', ')})`);
  }
}

/** The joint name in the message for each proprio dim, in the manifest's order. */
export function proprioJointNames(config: RosConfig, manifest: Manifest): string[] {
  return manifest.observation.proprio.names.map((n) => config.inputs.joints.names[n] ?? n);
}
