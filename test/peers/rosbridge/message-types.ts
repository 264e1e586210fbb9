// The ROS message definitions the test peer knows, and the conversions a rosbridge server applies
// to them (ROSBRIDGE_PROTOCOL.md §3.2.3, §3.1.3, §4.6): a published JSON message is checked
// field by field against its type (a wrong type, an unknown field or a null is refused), missing
// fields are filled with defaults; outgoing uint8[] is base64 in JSON and a byte string in CBOR,
// other numeric arrays are little-endian typed-array tags (RFC 8746) in CBOR.
import { Tag } from 'cbor2';

export type Distro = 'ros1' | 'ros2';
type Field = readonly [name: string, type: string];

const PRIMITIVES = new Set(['bool', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64', 'string', 'char', 'byte']);
const INTEGER_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127], uint8: [0, 255], byte: [0, 255], char: [0, 255], int16: [-32768, 32767], uint16: [0, 65535],
  int32: [-2147483648, 2147483647], uint32: [0, 4294967295], int64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], uint64: [0, Number.MAX_SAFE_INTEGER],
};
/** RFC 8746 little-endian typed-array tags, by ROS element type. */
const TYPED_ARRAY_TAGS: Record<string, [number, new (n: number) => ArrayLike<number> & { buffer: ArrayBufferLike }]> = {
  uint16: [69, Uint16Array], uint32: [70, Uint32Array], int8: [72, Int8Array], int16: [77, Int16Array], int32: [78, Int32Array], float32: [85, Float32Array], float64: [86, Float64Array],
};

function definitions(distro: Distro): Record<string, readonly Field[]> {
  const time = distro === 'ros1' ? 'time' : 'builtin_interfaces/Time';
  const duration = distro === 'ros1' ? 'duration' : 'builtin_interfaces/Duration';
  const header: readonly Field[] = distro === 'ros1' ? [['seq', 'uint32'], ['stamp', time], ['frame_id', 'string']] : [['stamp', time], ['frame_id', 'string']];
  return {
    time: [['secs', 'uint32'], ['nsecs', 'uint32']],
    duration: [['secs', 'int32'], ['nsecs', 'int32']],
    'builtin_interfaces/Time': [['sec', 'int32'], ['nanosec', 'uint32']],
    'builtin_interfaces/Duration': [['sec', 'int32'], ['nanosec', 'uint32']],
    'std_msgs/Header': header,
    'std_msgs/String': [['data', 'string']],
    'std_msgs/MultiArrayDimension': [['label', 'string'], ['size', 'uint32'], ['stride', 'uint32']],
    'std_msgs/MultiArrayLayout': [['dim', 'std_msgs/MultiArrayDimension[]'], ['data_offset', 'uint32']],
    'std_msgs/Float64MultiArray': [['layout', 'std_msgs/MultiArrayLayout'], ['data', 'float64[]']],
    'sensor_msgs/Image': [['header', 'std_msgs/Header'], ['height', 'uint32'], ['width', 'uint32'], ['encoding', 'string'], ['is_bigendian', 'uint8'], ['step', 'uint32'], ['data', 'uint8[]']],
    'sensor_msgs/CompressedImage': [['header', 'std_msgs/Header'], ['format', 'string'], ['data', 'uint8[]']],
    'sensor_msgs/JointState': [['header', 'std_msgs/Header'], ['name', 'string[]'], ['position', 'float64[]'], ['velocity', 'float64[]'], ['effort', 'float64[]']],
    'geometry_msgs/Vector3': [['x', 'float64'], ['y', 'float64'], ['z', 'float64']],
    'geometry_msgs/Twist': [['linear', 'geometry_msgs/Vector3'], ['angular', 'geometry_msgs/Vector3']],
    'trajectory_msgs/JointTrajectoryPoint': [['positions', 'float64[]'], ['velocities', 'float64[]'], ['accelerations', 'float64[]'], ['effort', 'float64[]'], ['time_from_start', duration]],
    'trajectory_msgs/JointTrajectory': [['header', 'std_msgs/Header'], ['joint_names', 'string[]'], ['points', 'trajectory_msgs/JointTrajectoryPoint[]']],
    'diagnostic_msgs/KeyValue': [['key', 'string'], ['value', 'string']],
    'diagnostic_msgs/DiagnosticStatus': [['level', 'byte'], ['name', 'string'], ['message', 'string'], ['hardware_id', 'string'], ['values', 'diagnostic_msgs/KeyValue[]']],
    'diagnostic_msgs/DiagnosticArray': [['header', 'std_msgs/Header'], ['status', 'diagnostic_msgs/DiagnosticStatus[]']],
  };
}

/** Service types: request and response fields. */
const SERVICES: Record<string, { request: readonly Field[]; response: readonly Field[] }> = {
  'std_srvs/Trigger': { request: [], response: [['success', 'bool'], ['message', 'string']] },
  'rosapi/Topics': { request: [], response: [['topics', 'string[]'], ['types', 'string[]']] },
  'rosapi/TopicType': { request: [['topic', 'string']], response: [['type', 'string']] },
};

/** 'sensor_msgs/msg/Image' (ROS 2) and 'sensor_msgs/Image' (ROS 1) name the same type. */
export function canonicalType(type: string): string {
  return type.replace(/^([^/]+)\/(?:msg|srv)\/([^/]+)$/, '$1/$2');
}

/** The type name as this distro's graph spells it. */
export function graphTypeName(type: string, distro: Distro, kind: 'msg' | 'srv' = 'msg'): string {
  const c = canonicalType(type);
  return distro === 'ros2' ? c.replace('/', `/${kind}/`) : c;
}

export class FieldError extends Error {}

export class MessageTypes {
  private readonly defs: Record<string, readonly Field[]>;
  constructor(readonly distro: Distro) {
    this.defs = definitions(distro);
  }

  knows(type: string): boolean {
    return canonicalType(type) in this.defs;
  }

  knowsService(type: string): boolean {
    return canonicalType(type) in SERVICES;
  }

  private fields(type: string): readonly Field[] {
    const f = this.defs[canonicalType(type)];
    if (!f) throw new FieldError(`unknown message type ${type}`);
    return f;
  }

  /** The message as the graph would carry it: checked against `type`, defaults filled in. Throws FieldError. */
  fromJson(type: string, value: unknown, path = ''): Record<string, unknown> {
    return this.struct(this.fields(type), value, path || type);
  }

  serviceResponse(type: string, value: unknown): Record<string, unknown> {
    const s = SERVICES[canonicalType(type)];
    if (!s) throw new FieldError(`unknown service type ${type}`);
    return this.struct(s.response, value ?? {}, `${type} response`);
  }

  private struct(fields: readonly Field[], value: unknown, path: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FieldError(`${path}: expected an object, got ${JSON.stringify(value)}`);
    const known = new Set(fields.map(([n]) => n));
    for (const key of Object.keys(value)) if (!known.has(key)) throw new FieldError(`${path}: no field '${key}'`);
    const out: Record<string, unknown> = {};
    for (const [name, type] of fields) {
      const v = (value as Record<string, unknown>)[name];
      out[name] = v === undefined ? this.defaultOf(type) : this.field(type, v, `${path}.${name}`);
    }
    return out;
  }

  private field(type: string, v: unknown, path: string): unknown {
    if (type.endsWith('[]')) {
      const element = type.slice(0, -2);
      if ((element === 'uint8' || element === 'char') && typeof v === 'string') return Uint8Array.from(Buffer.from(v, 'base64'));
      if ((element === 'uint8' || element === 'char') && v instanceof Uint8Array) return v;
      if (!Array.isArray(v)) throw new FieldError(`${path}: expected ${type}, got ${typeof v}`);
      const items = v.map((x, i) => this.field(element, x, `${path}[${i}]`));
      return element === 'uint8' || element === 'char' ? Uint8Array.from(items as number[]) : items;
    }
    if (!PRIMITIVES.has(type)) return this.struct(this.fields(type), v, path);
    if (type === 'string') {
      if (typeof v !== 'string') throw new FieldError(`${path}: expected string, got ${JSON.stringify(v)}`);
      return v;
    }
    if (type === 'bool') {
      if (typeof v !== 'boolean') throw new FieldError(`${path}: expected bool, got ${JSON.stringify(v)}`);
      return v;
    }
    if (typeof v !== 'number') throw new FieldError(`${path}: expected ${type}, got ${JSON.stringify(v)}`);
    const range = INTEGER_RANGES[type];
    if (range && (!Number.isInteger(v) || v < range[0] || v > range[1])) throw new FieldError(`${path}: ${v} is not a ${type}`);
    return v;
  }

  private defaultOf(type: string): unknown {
    if (type.endsWith('[]')) return type === 'uint8[]' || type === 'char[]' ? new Uint8Array(0) : [];
    if (type === 'string') return '';
    if (type === 'bool') return false;
    if (PRIMITIVES.has(type)) return 0;
    return Object.fromEntries(this.fields(type).map(([n, t]) => [n, this.defaultOf(t)]));
  }

  /** Outgoing JSON: uint8[] as base64 (§4.6). */
  toJson(type: string, msg: Record<string, unknown>): Record<string, unknown> {
    return this.walk(this.fields(type), msg, (element, value) => (element === 'uint8' || element === 'char' ? Buffer.from(value as Uint8Array).toString('base64') : value));
  }

  /**
   * Outgoing CBOR: byte strings and typed-array tags (§3.1.3). Returns undefined where the real
   * servers' CBOR conversion fails — any message with a string[] field is silently not sent
   * (seen against rosbridge_suite with JointState and JointTrajectory).
   */
  toCbor(type: string, msg: Record<string, unknown>): Record<string, unknown> | undefined {
    if (this.hasStringArray(type)) return undefined;
    return this.walk(this.fields(type), msg, (element, value) => {
      if (element === 'uint8' || element === 'char') return value;
      const tagged = TYPED_ARRAY_TAGS[element];
      if (!tagged) return value;
      const [tag, Ctor] = tagged;
      const array = value as number[];
      const typed = new Ctor(array.length) as unknown as { [i: number]: number; buffer: ArrayBufferLike; byteLength: number };
      array.forEach((x, i) => (typed[i] = x));
      // The tag's content is the little-endian bytes (this machine is little-endian, as the spec asks).
      return new Tag(tag, new Uint8Array(typed.buffer, 0, typed.byteLength));
    });
  }

  private hasStringArray(type: string, seen = new Set<string>()): boolean {
    if (seen.has(type)) return false;
    seen.add(type);
    return this.fields(type).some(([, t]) => t === 'string[]' || (!PRIMITIVES.has(t.replace(/\[\]$/, '')) && this.hasStringArray(t.replace(/\[\]$/, ''), seen)));
  }

  private walk(fields: readonly Field[], msg: Record<string, unknown>, array: (element: string, value: unknown) => unknown): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, type] of fields) {
      const v = msg[name];
      if (type.endsWith('[]')) {
        const element = type.slice(0, -2);
        out[name] = PRIMITIVES.has(element) ? array(element, v) : (v as Record<string, unknown>[]).map((x) => this.walk(this.fields(element), x, array));
      } else if (PRIMITIVES.has(type)) {
        out[name] = v;
      } else {
        out[name] = this.walk(this.fields(type), v as Record<string, unknown>, array);
      }
    }
    return out;
  }
}
