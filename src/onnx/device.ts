// The `--device` choice as every entry point (CLI, benchmarks) spells it; errors name the option.
import type { Device } from './graph.js';

export const DEVICES: readonly Device[] = ['auto', 'gpu', 'cpu'];

export function parseDevice(value: string, option = '--device'): Device {
  const device = DEVICES.find((d) => d === value);
  if (device === undefined) throw new RangeError(`${option}: expected auto, gpu or cpu, got '${value}'`);
  return device;
}
