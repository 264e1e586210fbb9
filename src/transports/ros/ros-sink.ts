// RosActionPublisher: actions → the configured output topic. Float64MultiArray and Twist carry one
// action per control tick; JointTrajectory carries the executed part of each chunk as points at
// the control period. At this boundary nothing non-finite or outside the manifest's limits leaves:
// values are clamped, and a non-finite one turns the message into a hold. A hold is zero velocity
// (Twist, Float64MultiArray in velocity mode) or the current joint positions (JointTrajectory,
// Float64MultiArray in position mode).
import type { Manifest } from '../../bundle/manifest.js';
import type { ActionChunk } from '../../core/types.js';
import type { RosOutputConfig } from './ros-config.js';
import type { RosConnection, RosPublisher } from './ros-connection.js';
import { float64MultiArray, jointTrajectory, twist, type Distro, type RosJointState } from './ros-messages.js';
import { clamp } from '../../core/clamp.js';

export interface RosActionPublisherOptions {
  readonly connection: RosConnection;
  readonly output: RosOutputConfig;
  readonly manifest: Manifest;
  readonly distro: Distro;
  /** The robot's newest JointState (for holds in position terms). */
  readonly jointState: () => RosJointState | undefined;
  /** Local clock, ns (header stamps of holds). */
  readonly now: () => number;
}

export class RosActionPublisher {
  private readonly publisher: RosPublisher;
  private readonly names: readonly string[];
  private readonly low: readonly number[];
  private readonly high: readonly number[];
  private last: Float64Array | undefined;
  published = 0;
  holds = 0;
  refusedNonFinite = 0;

  constructor(private readonly options: RosActionPublisherOptions) {
    this.publisher = options.connection.advertise(options.output.topic, options.output.type);
    this.names = options.manifest.action.names;
    this.low = options.manifest.action.low;
    this.high = options.manifest.action.high;
  }

  /** Whether this output is driven by chunks (JointTrajectory) rather than by ticks. */
  get perChunk(): boolean {
    return this.options.output.kind === 'joint_trajectory';
  }

  /** Joint names of a trajectory: the config's mapping, else the action names. */
  get jointNames(): string[] {
    const out = this.options.output;
    return this.names.map((n) => (out.kind === 'joint_trajectory' ? (out.joints[n] ?? n) : n));
  }

  /** Publishes one action (per-tick outputs); false when dropped (disconnected). */
  action(values: ArrayLike<number>): boolean {
    const safe = this.safe(values);
    if (!safe) return this.hold();
    const out = this.options.output;
    switch (out.kind) {
      case 'float64_multi_array':
        return this.send(float64MultiArray(safe, this.names), safe);
      case 'twist':
        return this.send(twist(safe, this.names, out.fields), safe);
      case 'joint_trajectory':
        return this.send(jointTrajectory([safe], this.jointNames, this.options.now(), 0, this.options.distro), safe);
    }
  }

  /** Publishes the first `execute` actions of a chunk as a trajectory (JointTrajectory only). */
  chunk(chunk: ActionChunk, execute: number): boolean {
    const rows: Float64Array[] = [];
    for (let i = 0; i < Math.min(execute, chunk.horizon); i++) {
      const row = this.safe(chunk.values.subarray(i * chunk.dims, (i + 1) * chunk.dims));
      if (!row) return this.hold();
      rows.push(row);
    }
    return this.send(jointTrajectory(rows, this.jointNames, chunk.stampNs, chunk.periodS, this.options.distro), rows.at(-1));
  }

  /** Publishes one hold message; see the module comment for what a hold is per output. */
  hold(): boolean {
    const out = this.options.output;
    this.holds++;
    const zeros = new Float64Array(this.names.length).map((_, d) => clamp(0, this.low[d]!, this.high[d]!));
    switch (out.kind) {
      case 'twist':
        return this.send(twist(new Float64Array(this.names.length), this.names, out.fields));
      case 'float64_multi_array':
        return this.send(float64MultiArray(out.mode === 'velocity' ? zeros : this.currentPositions(this.names), this.names));
      case 'joint_trajectory':
        return this.send(jointTrajectory([this.currentPositions(this.jointNames)], this.jointNames, this.options.now(), 0, this.options.distro));
    }
  }

  /** Publishes dropped while disconnected. */
  get dropped(): number {
    return this.publisher.dropped;
  }

  private currentPositions(joints: readonly string[]): Float64Array {
    const js = this.options.jointState();
    return Float64Array.from(joints, (name, d) => {
      const i = js ? js.name.indexOf(name) : -1;
      const v = i >= 0 ? js!.position[i] : undefined;
      // A joint the robot does not report holds at the last commanded value.
      return typeof v === 'number' && Number.isFinite(v) ? v : (this.last?.[d] ?? clamp(0, this.low[d]!, this.high[d]!));
    });
  }

  private safe(values: ArrayLike<number>): Float64Array | undefined {
    if (values.length !== this.names.length) throw new RangeError(`ros output ${this.options.output.topic}: action has ${values.length} values, the policy has ${this.names.length} (${this.names.join(', ')})`);
    const out = new Float64Array(values.length);
    for (let d = 0; d < values.length; d++) {
      const v = values[d]!;
      if (!Number.isFinite(v)) {
        this.refusedNonFinite++;
        return undefined;
      }
      out[d] = clamp(v, this.low[d]!, this.high[d]!);
    }
    return out;
  }

  private send(msg: Record<string, unknown>, values?: Float64Array): boolean {
    const ok = this.publisher.publish(msg);
    if (ok) {
      this.published++;
      if (values) this.last = values;
    }
    return ok;
  }
}
