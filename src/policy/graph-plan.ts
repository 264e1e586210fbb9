// Which outputs of each graph a step fetches, and which of them stay on the device. On WebGPU
// every output read back costs ~0.6 ms and every run ~0.85 ms (issue 12), so a step fetches only
// what the next graph or the runtime consumes: the retrieval attention (statistics) only when
// asked for, and the tensors only a later graph reads are left where they were computed.
import type { GraphRole, Manifest } from '../bundle/manifest.js';

export interface GraphPlan {
  /** Per graph: the outputs to fetch (the others are not computed or not read back). */
  readonly fetch: Readonly<Record<GraphRole, readonly string[]>>;
  /** Per graph: the fetched outputs that only another graph reads (never the runtime). */
  readonly deviceOutputs: Readonly<Record<GraphRole, readonly string[]>>;
  /**
   * Per graph: the fetched outputs the runtime reads, to be read back as one where there are two
   * or more (a fused memoryvla step: actions and each stream's tokens to write; packed-outputs.ts).
   */
  readonly packOutputs: Readonly<Record<GraphRole, readonly string[]>>;
  /** Whether a step runs the fused step graph instead of encoder, memory and head. */
  readonly fused: boolean;
}

/** The tensors the memory state reads from a step's outputs (memory-state.ts: fillInputs, prepareCommit). */
export function runtimeReads(m: Manifest, attention: boolean): Set<string> {
  const mem = m.memory;
  switch (mem.kind) {
    case 'none':
      return new Set();
    case 'hamlet':
      return new Set(['moments']);
    case 'memoryvla':
      return new Set(mem.streams.flatMap((s) => [mem.write === 'fused' ? `${s.name}_fused` : s.name, ...(attention ? [`${s.name}_attention`] : [])]));
  }
}

/**
 * The plan of a bundle's step. `attention`: fetch the memory graph's retrieval attention (for
 * recording and inspection); `fused`: use the step graph when the bundle has one (direct heads).
 */
export function graphPlan(m: Manifest, options: { attention: boolean; fused: boolean }): GraphPlan {
  const reads = runtimeReads(m, options.attention);
  const { encoder, memory, head, step } = m.graphs;
  const memoryInputs = new Set(memory?.inputs.map((t) => t.name) ?? []);
  const headInputs = new Set(head.inputs.map((t) => t.name));
  const consumed = (name: string, ...by: ReadonlySet<string>[]): boolean => reads.has(name) || by.some((s) => s.has(name));
  const encoderFetch = encoder.outputs.map((t) => t.name).filter((n) => consumed(n, memoryInputs, headInputs));
  const memoryFetch = (memory?.outputs ?? []).map((t) => t.name).filter((n) => consumed(n, headInputs));
  const stepFetch = (step?.outputs ?? []).map((t) => t.name).filter((n) => n === 'actions' || reads.has(n));
  const onDevice = (names: readonly string[]): string[] => names.filter((n) => !reads.has(n));
  const readBack = (names: readonly string[]): string[] => {
    const read = names.filter((n) => n === 'actions' || reads.has(n));
    return read.length >= 2 ? read : [];
  };
  // A session with per-output locations computes every output (graph.ts, fetchAll): those not
  // fetched stay on the device too, so nothing is read back for them.
  const unfetched = (declared: readonly { name: string }[] | undefined, fetched: readonly string[]): string[] =>
    (declared ?? []).map((t) => t.name).filter((n) => !fetched.includes(n));
  return {
    fetch: { encoder: encoderFetch, memory: memoryFetch, head: ['actions'], step: stepFetch },
    deviceOutputs: {
      encoder: [...onDevice(encoderFetch), ...unfetched(encoder.outputs, encoderFetch)],
      memory: [...onDevice(memoryFetch), ...unfetched(memory?.outputs, memoryFetch)],
      head: [],
      step: [],
    },
    packOutputs: { encoder: readBack(encoderFetch), memory: readBack(memoryFetch), head: [], step: readBack(stepFetch) },
    fused: options.fused && step !== undefined && m.head.kind === 'direct',
  };
}
