// ROS message shapes momento reads and writes, with guards at the edge: header stamps (ROS 1
// secs/nsecs, ROS 2 sec/nanosec), Image, CompressedImage, JointState, String in; JointTrajectory,
// Float64MultiArray, Twist and DiagnosticArray out. uint8[] arrives as base64 (JSON) or bytes (CBOR).

export interface RosTime {
  readonly secs?: number;
  readonly nsecs?: number;
  readonly sec?: number;
  readonly nanosec?: number;
}

export interface RosHeader {
  readonly stamp?: RosTime;
  readonly frame_id?: string;
}

export interface RosImage {
  readonly header?: RosHeader;
  readonly height: number;
  readonly width: number;
  readonly encoding: string;
  readonly step: number;
  readonly data: Uint8Array;
}

export interface RosCompressedImage {
  readonly header?: RosHeader;
  readonly format: string;
  readonly data: Uint8Array;
}

export interface RosJointState {
  readonly header?: RosHeader;
  readonly name: readonly string[];
  readonly position: readonly number[];
  readonly velocity: readonly number[];
  readonly effort: readonly number[];
}

export type Distro = 'ros1' | 'ros2';

/** A header stamp in nanoseconds since the epoch; undefined when the message has none. */
export function stampNs(header: RosHeader | undefined): number | undefined {
  const t = header?.stamp;
  if (!t) return undefined;
  const s = t.secs ?? t.sec;
  const ns = t.nsecs ?? t.nanosec;
  if (typeof s !== 'number' || typeof ns !== 'number') return undefined;
  const v = s * 1e9 + ns;
  // NaN or Infinity (CBOR carries them) would stop the input for good: stamps only move forward.
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

/** A stamp (ns) as the distro's time message. */
export function rosTime(ns: number, distro: Distro): RosTime {
  const secs = Math.floor(ns / 1e9);
  const nsecs = Math.round(ns - secs * 1e9);
  return distro === 'ros1' ? { secs, nsecs } : { sec: secs, nanosec: nsecs };
}

export function rosDuration(seconds: number, distro: Distro): RosTime {
  return rosTime(seconds * 1e9, distro);
}

function bytes(v: unknown, where: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return new Uint8Array(Buffer.from(v, 'base64'));
  if (Array.isArray(v)) return Uint8Array.from(v as number[]);
  throw new TypeError(`${where}: data is ${typeof v}, expected bytes or base64`);
}

function object(m: unknown, where: string): Record<string, unknown> {
  if (typeof m !== 'object' || m === null) throw new TypeError(`${where}: expected a message object, got ${typeof m}`);
  return m as Record<string, unknown>;
}

export function asImage(m: unknown, topic: string): RosImage {
  const o = object(m, topic);
  const { height, width, step, encoding } = o;
  if (typeof height !== 'number' || typeof width !== 'number' || typeof step !== 'number' || typeof encoding !== 'string') throw new TypeError(`${topic}: not a sensor_msgs/Image (height, width, step, encoding)`);
  return { header: o['header'] as RosHeader, height, width, step, encoding, data: bytes(o['data'], topic) };
}

export function asCompressedImage(m: unknown, topic: string): RosCompressedImage {
  const o = object(m, topic);
  if (typeof o['format'] !== 'string') throw new TypeError(`${topic}: not a sensor_msgs/CompressedImage (format)`);
  return { header: o['header'] as RosHeader, format: o['format'], data: bytes(o['data'], topic) };
}

export function asJointState(m: unknown, topic: string): RosJointState {
  const o = object(m, topic);
  const arr = (k: string): number[] => (Array.isArray(o[k]) ? (o[k] as number[]) : o[k] instanceof Float64Array ? [...(o[k] as Float64Array)] : []);
  if (!Array.isArray(o['name'])) throw new TypeError(`${topic}: not a sensor_msgs/JointState (name)`);
  return { header: o['header'] as RosHeader, name: o['name'] as string[], position: arr('position'), velocity: arr('velocity'), effort: arr('effort') };
}

export function asString(m: unknown, topic: string): string {
  const o = object(m, topic);
  if (typeof o['data'] !== 'string') throw new TypeError(`${topic}: not a std_msgs/String (data)`);
  return o['data'];
}

/** Picks `names` from a JointState's `field`, in order; a missing joint is an error naming it. */
export function pickJoints(js: RosJointState, names: readonly string[], field: 'position' | 'velocity' | 'effort', topic: string): Float32Array {
  const values = js[field];
  return Float32Array.from(names, (n) => {
    const i = js.name.indexOf(n);
    if (i < 0) {
      const has = js.name.slice(0, 16).map((x) => String(x).slice(0, 64)).join(', ') + (js.name.length > 16 ? `, … (${js.name.length} names)` : '');
      throw new RangeError(`${topic}: joint '${n}' is not in the JointState (has ${has || 'none'})`);
    }
    const v = values[i];
    if (typeof v !== 'number') throw new RangeError(`${topic}: joint '${n}' has no ${field} (${values.length} values for ${js.name.length} joints)`);
    return v;
  });
}

export function header(ns: number, distro: Distro, frameId = ''): Record<string, unknown> {
  return distro === 'ros1' ? { seq: 0, stamp: rosTime(ns, distro), frame_id: frameId } : { stamp: rosTime(ns, distro), frame_id: frameId };
}

/** A std_msgs/Float64MultiArray with one dimension labelled by the action names. */
export function float64MultiArray(values: ArrayLike<number>, labels: readonly string[]): Record<string, unknown> {
  return { layout: { dim: [{ label: labels.join(','), size: values.length, stride: values.length }], data_offset: 0 }, data: Array.from(values) };
}

export type TwistField = 'linear.x' | 'linear.y' | 'linear.z' | 'angular.x' | 'angular.y' | 'angular.z';

export function twist(values: ArrayLike<number>, names: readonly string[], fields: Readonly<Record<string, TwistField>>): Record<string, unknown> {
  const t = { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } };
  names.forEach((n, i) => {
    const f = fields[n];
    if (!f) return;
    const [part, axis] = f.split('.') as ['linear' | 'angular', 'x' | 'y' | 'z'];
    t[part][axis] = values[i]!;
  });
  return t;
}

/** A trajectory_msgs/JointTrajectory: one point per row of `rows`, `periodS` apart from the header stamp. */
export function jointTrajectory(rows: readonly ArrayLike<number>[], joints: readonly string[], stamp: number, periodS: number, distro: Distro): Record<string, unknown> {
  return {
    header: header(stamp, distro),
    joint_names: [...joints],
    points: rows.map((r, i) => ({ positions: Array.from(r), velocities: [], accelerations: [], effort: [], time_from_start: rosDuration(i * periodS, distro) })),
  };
}

export type DiagnosticLevel = 0 | 1 | 2 | 3;

export function diagnosticArray(stamp: number, distro: Distro, name: string, level: DiagnosticLevel, message: string, values: Readonly<Record<string, string>>): Record<string, unknown> {
  return {
    header: header(stamp, distro),
    status: [{ level, name, message, hardware_id: '', values: Object.entries(values).map(([key, value]) => ({ key, value })) }],
  };
}
