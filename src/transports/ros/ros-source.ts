// RosObservationSource: the configured topics → decoded samples → ObservationAssembler →
// observation$ (a live source). Images are asked for with CBOR by default; everything with a
// string[] field (JointState) goes as JSON, since the servers' CBOR conversion drops such messages.
// A frame that does not decode is reported and skipped; a configured joint missing from the
// JointState is an error of the source (the config does not fit the robot).
import { Subject, type Observable } from 'rxjs';
import type { Manifest } from '../../bundle/manifest.js';
import type { ObservationSource } from '../../core/interfaces.js';
import type { Observation } from '../../core/types.js';
import { ObservationAssembler } from './observation-assembler.js';
import { type RosConfig, proprioJointNames } from './ros-config.js';
import type { RosConnection } from './ros-connection.js';
import { compressedImageToFrame, rawImageToFrame, type CameraTarget } from './ros-image.js';
import { asCompressedImage, asImage, asJointState, asString, pickJoints, stampNs, type RosJointState } from './ros-messages.js';

export interface RosSourceOptions {
  readonly connection: RosConnection;
  readonly config: RosConfig;
  readonly manifest: Manifest;
  /** Local clock, ns (arrival times, staleness). */
  readonly now: () => number;
  /** A frame that could not be used (reported, skipped). */
  readonly onFrameError?: (error: Error) => void;
}

export class RosObservationSource implements ObservationSource {
  readonly kind = 'live' as const;
  readonly assembler: ObservationAssembler;
  private readonly subject = new Subject<Observation>();
  private readonly unsubscribes: (() => void)[] = [];
  /** The newest JointState as received (for holds that keep the current positions). */
  latestJointState: RosJointState | undefined;
  frameErrors = 0;
  samples = 0;

  constructor(private readonly options: RosSourceOptions) {
    const { config, manifest, connection } = options;
    const cams = manifest.observation.cameras;
    this.assembler = new ObservationAssembler({ cameras: cams.map((c) => c.name), needsTask: manifest.observation.instruction !== undefined, toleranceNs: config.sync.tolerance_s * 1e9, stalenessNs: config.sync.staleness_s * 1e9, now: options.now });
    if (config.task) this.assembler.setTask(config.task);
    for (const cam of cams) {
      const input = config.inputs.cameras[cam.name]!;
      const target: CameraTarget = { name: cam.name, height: cam.height, width: cam.width, channels: cam.channels };
      const compressed = input.type.endsWith('CompressedImage');
      this.unsubscribes.push(
        connection.subscribe(input.topic, input.type, (m) => void this.camera(input.topic, target, compressed, m), { compression: input.compression }),
      );
    }
    const joints = config.inputs.joints;
    const names = proprioJointNames(config, manifest);
    this.unsubscribes.push(
      connection.subscribe(joints.topic, joints.type, (m) => {
        const receivedNs = options.now();
        let js: RosJointState;
        try {
          js = asJointState(m, joints.topic);
        } catch (err) {
          return this.frameError(err);
        }
        let values: Float32Array;
        try {
          values = pickJoints(js, names, joints.field, joints.topic);
        } catch (err) {
          this.subject.error(err);
          return;
        }
        // NaN and ±Infinity (CBOR carries them; doubles beyond float32's range become Infinity) never reach the policy.
        const bad = values.findIndex((v) => !Number.isFinite(v));
        if (bad >= 0) return this.frameError(new RangeError(`${joints.topic}: joint '${names[bad]}' ${joints.field} is ${values[bad]} as float32, not finite`));
        this.latestJointState = js;
        this.samples++;
        this.emit(this.assembler.addJoints({ stampNs: stampNs(js.header) ?? receivedNs, receivedNs, value: values }));
      }),
    );
    const instruction = config.inputs.instruction;
    if (instruction) {
      const tasks = manifest.observation.instruction?.tasks ?? [];
      this.unsubscribes.push(
        connection.subscribe(instruction.topic, instruction.type, (m) => {
          try {
            const text = asString(m, instruction.topic).trim();
            if (!tasks.includes(text)) throw new RangeError(`${instruction.topic}: unknown task '${text.length > 64 ? `${text.slice(0, 64)}… (${text.length} chars)` : text}' (the policy's tasks: ${tasks.join(', ')})`);
            this.assembler.setTask(text, text);
          } catch (err) {
            this.frameError(err);
          }
        }),
      );
    }
  }

  get observation$(): Observable<Observation> {
    return this.subject.asObservable();
  }

  /** Ends observation$ (an episode ends); the subscriptions stay for the next source. */
  complete(): void {
    this.subject.complete();
  }

  close(): void {
    for (const u of this.unsubscribes) u();
    this.unsubscribes.length = 0;
    this.subject.complete();
  }

  /** Camera frames being decoded now (sharp works off the event loop). */
  decoding = 0;

  private async camera(topic: string, target: CameraTarget, compressed: boolean, m: unknown): Promise<void> {
    const receivedNs = this.options.now();
    this.decoding++;
    try {
      const msg = compressed ? asCompressedImage(m, topic) : asImage(m, topic);
      const frame = compressed ? await compressedImageToFrame(msg as ReturnType<typeof asCompressedImage>, target, topic) : await rawImageToFrame(msg as ReturnType<typeof asImage>, target, topic);
      this.samples++;
      this.emit(this.assembler.addCamera(target.name, { stampNs: stampNs(msg.header) ?? receivedNs, receivedNs, value: frame }));
    } catch (err) {
      this.frameError(err);
    } finally {
      this.decoding--;
    }
  }

  private emit(obs: Observation | undefined): void {
    if (obs && !this.subject.closed) this.subject.next(obs);
  }

  private frameError(err: unknown): void {
    this.frameErrors++;
    this.options.onFrameError?.(err instanceof Error ? err : new Error(String(err)));
  }
}
