// The rules of the bundle contract that the schema alone cannot state: lengths that must agree,
// the symbolic batch axis, the tensors each memory kind requires (and those it may leave out),
// the runtime-provided inputs against the observation spec, and the size of what the runtime
// will allocate. Each problem names the field or tensor at fault.
import { MANIFEST_LIMITS, type GraphSpec, type Manifest, type TensorSpec } from './manifest.js';

type Shape = ReadonlyArray<number | string>;

export function contractProblems(m: Manifest): string[] {
  const problems: string[] = [];
  const sameLength = (field: string, actual: number, expected: number, what: string): void => {
    if (actual !== expected) problems.push(`field '${field}': expected ${expected} values (${what}), got ${actual}`);
  };
  const rowValues = (field: string, shape: readonly number[]): void => {
    const values = shape.reduce((n, d) => n * d, 1);
    if (values > MANIFEST_LIMITS.rowValues) problems.push(`field '${field}': [${shape.join(', ')}] is ${values} values per batch row, more than the limit of ${MANIFEST_LIMITS.rowValues}`);
  };
  const unique = (field: string, names: readonly string[]): void => {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) problems.push(`field '${field}': name '${n}' appears twice`);
      seen.add(n);
    }
  };

  const { cameras, proprio: p, instruction } = m.observation;
  cameras.forEach((cam, i) => {
    sameLength(`observation.cameras.${i}.mean`, cam.mean.length, cam.channels, 'one per channel');
    sameLength(`observation.cameras.${i}.std`, cam.std.length, cam.channels, 'one per channel');
    if (RESERVED.has(cam.name)) problems.push(`field 'observation.cameras.${i}.name': '${cam.name}' is reserved for a runtime-provided tensor`);
    rowValues(`observation.cameras.${i}`, [cam.channels, cam.height, cam.width]);
  });
  unique('observation.cameras', cameras.map((c) => c.name));
  sameLength('observation.proprio.mean', p.mean.length, p.names.length, 'one per proprio name');
  sameLength('observation.proprio.std', p.std.length, p.names.length, 'one per proprio name');
  if (instruction) unique('observation.instruction.tasks', instruction.tasks);
  const a = m.action;
  for (const key of ['low', 'high', 'mean', 'std'] as const) sameLength(`action.${key}`, a[key].length, a.names.length, 'one per action name');
  if (a.execute > a.chunk) problems.push(`field 'action.execute': ${a.execute} is more than action.chunk ${a.chunk}`);
  a.low.forEach((lo, i) => {
    const hi = a.high[i] ?? lo;
    if (lo > hi) problems.push(`field 'action.low.${i}': ${lo} is above action.high.${i} ${hi}`);
  });

  const { encoder, memory, head } = m.graphs;
  // The batch axis: every tensor's first dimension is the symbolic "batch" (sessions are batched into one call).
  for (const [role, spec] of Object.entries(m.graphs) as [string, GraphSpec | undefined][]) {
    if (!spec) continue;
    for (const side of ['inputs', 'outputs'] as const) {
      spec[side].forEach((t, i) => {
        if (t.shape[0] !== 'batch') problems.push(`graphs.${role}.${side}.${i} '${t.name}': dimension 0 must be the symbolic "batch", got ${JSON.stringify(t.shape[0] ?? null)} (shape [${t.shape.join(', ')}])`);
      });
    }
  }

  const need = (role: string, list: readonly TensorSpec[], name: string, shape: Shape, dtype = 'float32', optional = false): void => {
    const t = list.find((x) => x.name === name);
    if (!t) {
      if (!optional) problems.push(`graphs.${role}: tensor '${name}' [${shape.join(', ')}] is required for memory kind '${m.memory.kind}'`);
      return;
    }
    if (t.dtype !== dtype) problems.push(`graphs.${role} tensor '${name}': dtype expected ${dtype}, got ${t.dtype}`);
    if (!sameShape(t.shape, shape)) problems.push(`graphs.${role} tensor '${name}': shape expected [${shape.join(', ')}], got [${t.shape.join(', ')}]`);
  };

  // Runtime-provided encoder inputs, against the observation spec.
  for (const input of encoder.inputs) {
    const ci = cameras.findIndex((c) => c.name === input.name);
    const cam = cameras[ci];
    if (cam) {
      need('encoder inputs', encoder.inputs, cam.name, ['batch', cam.channels, cam.height, cam.width]);
    } else if (input.name === 'proprio') {
      need('encoder inputs', encoder.inputs, 'proprio', ['batch', p.names.length]);
    } else if (input.name === 'task') {
      if (!instruction) problems.push(`graphs.encoder input 'task': the manifest has no observation.instruction (the task list its index refers to)`);
      need('encoder inputs', encoder.inputs, 'task', ['batch'], 'int64');
    } else {
      problems.push(`graphs.encoder input '${input.name}': not a camera name, 'proprio' or 'task'`);
    }
  }

  const mem = m.memory;
  // What the memory graph may read besides encoder outputs: the step counter and the kind's state.
  const memoryState = new Set<string>(['step']);
  switch (mem.kind) {
    case 'none':
      if (memory) problems.push(`graphs.memory: present, but memory.kind is 'none'`);
      break;
    case 'hamlet':
      rowValues('memory (window x tokens x dim)', [mem.window, mem.tokens, mem.dim]);
      if (!memory) {
        problems.push(`graphs.memory: required for memory kind 'hamlet'`);
        break;
      }
      memoryState.add('window');
      need('encoder outputs', encoder.outputs, 'moments', ['batch', mem.tokens, mem.dim]);
      need('memory inputs', memory.inputs, 'window', ['batch', mem.window, mem.tokens, mem.dim]);
      break;
    case 'memoryvla': {
      unique('memory.streams', mem.streams.map((s) => s.name));
      mem.streams.forEach((s, i) => rowValues(`memory.streams.${i} (capacity x tokens x dim)`, [mem.capacity, s.tokens, s.dim]));
      if (!memory) {
        problems.push(`graphs.memory: required for memory kind 'memoryvla'`);
        break;
      }
      // The bank axis (dimension 1 of the bank, times and mask inputs) is capacity L, or one
      // symbolic name on every bank input: then the graph takes any number of slots.
      const bankAxes = new Set(memory.inputs.filter((t) => mem.streams.some((s) => [`${s.name}_bank`, `${s.name}_times`, `${s.name}_mask`].includes(t.name))).map((t) => t.shape[1]));
      const slots = bankAxes.size === 1 && typeof [...bankAxes][0] === 'string' ? ([...bankAxes][0] as string) : mem.capacity;
      if (bankAxes.size > 1) problems.push(`graphs.memory: the bank inputs' dimension 1 must be the same on all of them (capacity ${mem.capacity} or one symbolic name), got ${[...bankAxes].map((a) => JSON.stringify(a ?? null)).join(', ')}`);
      for (const s of mem.streams) {
        for (const suffix of ['_bank', '_times', '_mask']) memoryState.add(`${s.name}${suffix}`);
        need('encoder outputs', encoder.outputs, s.name, ['batch', s.tokens, s.dim]);
        need('memory inputs', memory.inputs, s.name, ['batch', s.tokens, s.dim]);
        need('memory inputs', memory.inputs, `${s.name}_bank`, ['batch', slots, s.tokens, s.dim]);
        need('memory inputs', memory.inputs, `${s.name}_times`, ['batch', slots], 'float32', true);
        need('memory inputs', memory.inputs, `${s.name}_mask`, ['batch', slots]);
        need('memory outputs', memory.outputs, `${s.name}_fused`, ['batch', s.tokens, s.dim]);
      }
      break;
    }
    default: {
      const never: never = mem;
      problems.push(`memory.kind: unknown ${JSON.stringify(never)}`);
    }
  }
  if (memory) {
    need('memory inputs', memory.inputs, 'step', ['batch'], 'float32', true);
    const encoded = new Set(encoder.outputs.map((t) => t.name));
    for (const input of memory.inputs) {
      if (!encoded.has(input.name) && !memoryState.has(input.name)) problems.push(`graphs.memory input '${input.name}': no encoder output or memory state of that name`);
    }
  }
  const outputs = [...encoder.outputs, ...(memory?.outputs ?? [])].map((t) => t.name);
  unique('graphs (output names across encoder and memory)', outputs);
  for (const name of outputs) {
    if (RESERVED.has(name) || memoryState.has(name) || cameras.some((c) => c.name === name)) problems.push(`graphs: output '${name}' has the name of a runtime-provided tensor`);
  }

  if (m.head.kind === 'ddim') {
    const h = m.head;
    if (h.steps > h.train_steps) problems.push(`field 'head.steps': ${h.steps} is more than head.train_steps ${h.train_steps}`);
    if (h.beta_end >= 1) problems.push(`field 'head.beta_end': ${h.beta_end} must be below 1`);
    if (h.beta_start > h.beta_end) problems.push(`field 'head.beta_start': ${h.beta_start} is above head.beta_end ${h.beta_end}`);
  }
  const available = new Set(outputs);
  if (m.head.kind !== 'direct') {
    available.add('noisy_actions');
    available.add('time');
    need('head inputs', head.inputs, 'noisy_actions', ['batch', a.chunk, a.names.length]);
    need('head inputs', head.inputs, 'time', ['batch']);
  }
  for (const input of head.inputs) {
    if (!available.has(input.name)) problems.push(`graphs.head input '${input.name}': no encoder or memory output of that name`);
  }
  need('head outputs', head.outputs, 'actions', ['batch', a.chunk, a.names.length]);
  if (m.graphs.step) problems.push(...stepProblems(m, need));
  return problems;
}

type Need = (role: string, list: readonly TensorSpec[], name: string, shape: Shape, dtype?: string, optional?: boolean) => void;

/**
 * The fused step graph (encoder + memory read + head): only for direct heads (an iterative head
 * runs once per sampler step) and memory kinds 'none' and 'memoryvla' (HAMLET's window input
 * holds this step's moments, which the step graph itself computes). Inputs: runtime-provided
 * tensors only; outputs: `actions` and what the memory write reads.
 */
/**
 * The symbolic bank axis of a memoryvla bundle's step graph (one name on every bank input), or
 * undefined where the step graph fixes it (then it runs only at the manifest's capacity).
 */
export function stepSlots(m: Manifest): string | undefined {
  const step = m.graphs.step;
  if (!step || m.memory.kind !== 'memoryvla') return undefined;
  const names = new Set(m.memory.streams.flatMap((s) => [`${s.name}_bank`, `${s.name}_times`, `${s.name}_mask`]));
  const axes = new Set(step.inputs.filter((t) => names.has(t.name)).map((t) => t.shape[1]));
  const [axis] = [...axes];
  return axes.size === 1 && typeof axis === 'string' ? axis : undefined;
}

function stepProblems(m: Manifest, need: Need): string[] {
  const problems: string[] = [];
  const step = m.graphs.step!;
  if (m.head.kind !== 'direct') problems.push(`graphs.step: a fused step graph needs head.kind 'direct', got '${m.head.kind}' (an iterative head runs once per sampler step)`);
  if (m.memory.kind === 'hamlet') problems.push(`graphs.step: not supported for memory kind 'hamlet' (its window input holds this step's moments, which the step graph computes)`);
  const { cameras, proprio, instruction } = m.observation;
  const provided = new Map<string, { shape: Shape; dtype: string }>();
  for (const c of cameras) provided.set(c.name, { shape: ['batch', c.channels, c.height, c.width], dtype: 'float32' });
  provided.set('proprio', { shape: ['batch', proprio.names.length], dtype: 'float32' });
  if (instruction) provided.set('task', { shape: ['batch'], dtype: 'int64' });
  provided.set('step', { shape: ['batch'], dtype: 'float32' });
  const mem = m.memory;
  if (mem.kind === 'memoryvla') {
    // As for the memory graph: the bank axis is capacity L, or one symbolic name on every bank input.
    const slots = stepSlots(m) ?? mem.capacity;
    for (const s of mem.streams) {
      provided.set(`${s.name}_bank`, { shape: ['batch', slots, s.tokens, s.dim], dtype: 'float32' });
      provided.set(`${s.name}_times`, { shape: ['batch', slots], dtype: 'float32' });
      provided.set(`${s.name}_mask`, { shape: ['batch', slots], dtype: 'float32' });
      need('step inputs', step.inputs, `${s.name}_bank`, ['batch', slots, s.tokens, s.dim]);
      need('step inputs', step.inputs, `${s.name}_mask`, ['batch', slots]);
      need('step outputs', step.outputs, mem.write === 'fused' ? `${s.name}_fused` : s.name, ['batch', s.tokens, s.dim]);
      need('step outputs', step.outputs, `${s.name}_attention`, ['batch', slots], 'float32', true);
    }
  }
  for (const input of step.inputs) {
    const p = provided.get(input.name);
    if (!p) problems.push(`graphs.step input '${input.name}': not a runtime-provided tensor (${[...provided.keys()].map((n) => `'${n}'`).join(', ')})`);
    else need('step inputs', step.inputs, input.name, p.shape, p.dtype);
  }
  need('step outputs', step.outputs, 'actions', ['batch', m.action.chunk, m.action.names.length]);
  return problems;
}

/** Names of tensors the runtime provides to every bundle. */
const RESERVED = new Set(['proprio', 'task', 'step', 'window', 'noisy_actions', 'time', 'actions']);

// Same rank, and every dimension `expected` fixes equal (a symbolic one matches anything).
function sameShape(actual: Shape, expected: Shape): boolean {
  return actual.length === expected.length && expected.every((d, i) => typeof d !== 'number' || actual[i] === d);
}
