// `--device auto` by measurement: open the policy on the GPU and on the CPU, time a few warm steps
// of each at the batch size the caller will run, keep the faster and release the other. A GPU
// call has a fixed cost of milliseconds, so which device wins depends on the model and the batch
// (BENCHMARKS.md "gpu"); only a measurement on this machine knows. Where no GPU provider opens,
// the CPU is chosen without timing and the log line says why.
import { performance } from 'node:perf_hooks';
import type { Observation } from '../core/types.js';

/** What the chooser needs of a loaded policy (Policy satisfies it). */
export interface TimedPolicy<E> {
  readonly provider: string;
  newEpisode(seed?: number): E;
  stepBatch(items: readonly { episode: E; observation: Observation }[]): Promise<unknown>;
  release(): Promise<void>;
}

export type ForcedDevice = 'gpu' | 'cpu';

export interface ChooseDeviceOptions<P> {
  /**
   * Opens the policy on one device. For 'gpu' it may throw, or return a policy whose provider is
   * 'cpu' (the graph layer fell back and has said why, once per reason): either way the CPU is
   * chosen without timing.
   */
  readonly open: (device: ForcedDevice) => Promise<P>;
  /** A valid observation to time steps with (e.g. grey frames, proprio at its mean). */
  readonly observation: Observation;
  /** Episodes per timed step: the batch size the caller will run. Default 1. */
  readonly batch?: number;
  /** Untimed steps before timing (after the load's own warm-up step). Default 2. */
  readonly warmSteps?: number;
  /** Timed steps at most. Default 8. */
  readonly timedSteps?: number;
  /** Stop timing a device after this many ms of timed steps (at least one step is timed). Default 1500. */
  readonly budgetMs?: number;
  /** Receives the one line that says what was measured and chosen. */
  readonly log: (line: string) => void;
  /** The clock (ms). Default performance.now; tests inject one. */
  readonly now?: () => number;
}

export interface DeviceMeasurement {
  readonly provider: string;
  /** Mean ms per batched step. */
  readonly msPerStep: number;
  readonly steps: number;
}

export interface DeviceChoice<P> {
  readonly policy: P;
  readonly device: ForcedDevice;
  /** Both measurements, GPU first; empty when no GPU opened (nothing was timed). */
  readonly measurements: readonly DeviceMeasurement[];
  /** Why the CPU was taken without timing, when it was. */
  readonly reason?: string;
}

/** Mean ms per step of `policy` at `batch` episodes per step, after `warm` untimed steps. */
export async function measureSteps<E>(policy: TimedPolicy<E>, options: Required<Pick<ChooseDeviceOptions<unknown>, 'observation' | 'batch' | 'warmSteps' | 'timedSteps' | 'budgetMs' | 'now'>>): Promise<DeviceMeasurement> {
  const { observation, batch, warmSteps, timedSteps, budgetMs, now } = options;
  const items = Array.from({ length: batch }, (_, s) => ({ episode: policy.newEpisode(s), observation }));
  for (let i = 0; i < warmSteps; i++) await policy.stepBatch(items);
  let steps = 0;
  let spent = 0;
  while (steps < timedSteps && (steps === 0 || spent < budgetMs)) {
    const t0 = now();
    await policy.stepBatch(items);
    spent += now() - t0;
    steps++;
  }
  return { provider: policy.provider, msPerStep: spent / steps, steps };
}

function positiveInteger(field: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`chooseDevice: '${field}' must be a positive integer, got ${value}`);
  return value;
}

/** Opens the policy on the faster of GPU and CPU at the given batch size (see the module comment). */
export async function chooseDevice<E, P extends TimedPolicy<E>>(options: ChooseDeviceOptions<P>): Promise<DeviceChoice<P>> {
  const timing = {
    observation: options.observation,
    batch: positiveInteger('batch', options.batch ?? 1),
    warmSteps: options.warmSteps ?? 2,
    timedSteps: positiveInteger('timedSteps', options.timedSteps ?? 8),
    budgetMs: options.budgetMs ?? 1500,
    now: options.now ?? (() => performance.now()),
  };
  let gpu: P;
  try {
    gpu = await options.open('gpu');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const cpu = await options.open('cpu');
    options.log(`momento: --device auto: running on CPU (no GPU provider opened: ${reason}), chosen without timing`);
    return { policy: cpu, device: 'cpu', measurements: [], reason };
  }
  if (gpu.provider === 'cpu') return { policy: gpu, device: 'cpu', measurements: [], reason: 'no GPU provider opened (the graph layer said why)' };
  let onGpu: DeviceMeasurement;
  try {
    onGpu = await measureSteps(gpu, timing);
  } catch (err) {
    await gpu.release();
    const reason = `a step on ${gpu.provider} failed: ${err instanceof Error ? err.message : String(err)}`;
    const cpu = await options.open('cpu');
    options.log(`momento: --device auto: running on CPU (${reason}), chosen without timing`);
    return { policy: cpu, device: 'cpu', measurements: [], reason };
  }
  let cpu: P | undefined;
  try {
    cpu = await options.open('cpu');
    const onCpu = await measureSteps(cpu, timing);
    const gpuWins = onGpu.msPerStep < onCpu.msPerStep;
    const [keep, drop] = gpuWins ? [gpu, cpu] : [cpu, gpu];
    await drop.release();
    const figure = (m: DeviceMeasurement): string => `${m.provider} ${m.msPerStep.toFixed(2)} ms/step`;
    options.log(`momento: --device auto: ${figure(onGpu)}, ${figure(onCpu)} at batch ${timing.batch} (${onGpu.steps}+${onCpu.steps} timed steps): ${keep.provider}`);
    return { policy: keep, device: gpuWins ? 'gpu' : 'cpu', measurements: [onGpu, onCpu] };
  } catch (err) {
    await Promise.allSettled([gpu.release(), cpu?.release()]);
    throw err;
  }
}
