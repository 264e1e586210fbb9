// Parsing of the CLI options shared by several commands; errors name the option and value.
// The device choice lives beside the graphs it selects, so that the benchmarks share it too.
export { parseDevice } from '../onnx/device.js';

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
