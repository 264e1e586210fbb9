// Parsing of the CLI options shared by several commands; errors name the option and value.
import type { Device } from '../onnx/graph.js';

export function parseDevice(value: string): Device {
  if (value === 'auto' || value === 'gpu' || value === 'cpu') return value;
  throw new RangeError(`--device: expected auto, gpu or cpu, got '${value}'`);
}

export function parseNonNegativeInt(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${option}: expected a non-negative integer, got '${value}'`);
  return n;
}

export function parsePositiveInt(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${option}: expected a positive integer, got '${value}'`);
  return n;
}
