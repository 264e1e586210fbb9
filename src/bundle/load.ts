// Loads a policy bundle: reads and validates policy.json (schema, then the cross-field rules of
// the bundle contract), opens each ONNX graph and checks it against the manifest. Every error
// names the bundle and the file, field or tensor at fault.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { z } from 'zod';
import { BundleError } from '../core/errors.js';
import { OnnxGraph, type Device, type InferenceMode, type Provider } from '../onnx/graph.js';
import { ManifestSchema, type GraphRole, type GraphSpec, type Manifest, type TensorSpec } from './manifest.js';

export interface BundleGraphs {
  readonly encoder: OnnxGraph;
  readonly memory?: OnnxGraph;
  readonly head: OnnxGraph;
}

export interface LoadOptions {
  /** Where the graphs run. Default 'cpu'. */
  readonly device?: Device;
  /** CPU threads per graph. Default 1 (see OnnxGraphOptions.threads). */
  readonly threads?: number;
  /** Graph calls on the calling thread or in the inference worker. Default 'inline' (see OnnxGraphOptions.inference). */
  readonly inference?: InferenceMode;
  readonly warn?: (message: string) => void;
}

/** Reads and validates a bundle's manifest without opening its graphs. */
export function readManifest(dir: string): { manifest: Manifest; hash: string; name: string } {
  const root = resolve(dir);
  const name = basename(root);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new BundleError(name, `bundle folder not found: ${root}`);
  const file = join(root, 'policy.json');
  if (!existsSync(file)) throw new BundleError(name, `missing manifest: ${file}`);
  const text = readFileSync(file, 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new BundleError(name, `${file}: not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) throw new BundleError(name, `${file}: ${formatIssues(parsed.error.issues, raw)}`);
  const manifest = parsed.data;
  const problems = contractProblems(manifest);
  if (problems.length > 0) throw new BundleError(name, `${file}: ${problems.join('; ')}`);
  for (const role of roles(manifest)) {
    const spec = manifest.graphs[role];
    if (spec && !existsSync(join(root, spec.file))) throw new BundleError(name, `graph '${role}': file not found: ${join(root, spec.file)}`);
  }
  return { manifest, hash: bundleHash(root, manifest), name: manifest.name };
}

/** Opens every graph of the bundle and checks it against the manifest. */
export async function loadGraphs(dir: string, manifest: Manifest, options: LoadOptions = {}): Promise<BundleGraphs> {
  const root = resolve(dir);
  const opened: OnnxGraph[] = [];
  const open = async (role: GraphRole, spec: GraphSpec): Promise<OnnxGraph> => {
    const file = join(root, spec.file);
    let graph: OnnxGraph;
    try {
      graph = await OnnxGraph.create({ file, ...options });
    } catch (err) {
      throw new BundleError(manifest.name, `graph '${role}' (${file}): ${(err as Error).message}`, { cause: err });
    }
    opened.push(graph);
    const problems = graph.mismatches(spec);
    if (problems.length > 0) throw new BundleError(manifest.name, `graph '${role}' (${spec.file}): ${problems.join('; ')}`);
    return graph;
  };
  try {
    const encoder = await open('encoder', manifest.graphs.encoder);
    const memory = manifest.graphs.memory ? await open('memory', manifest.graphs.memory) : undefined;
    const head = await open('head', manifest.graphs.head);
    return memory ? { encoder, memory, head } : { encoder, head };
  } catch (err) {
    await Promise.all(opened.map((g) => g.release()));
    throw err;
  }
}

export function providerOf(graphs: BundleGraphs): Provider {
  return graphs.encoder.provider;
}

function roles(manifest: Manifest): GraphRole[] {
  return manifest.graphs.memory ? ['encoder', 'memory', 'head'] : ['encoder', 'head'];
}

function bundleHash(root: string, manifest: Manifest): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(join(root, 'policy.json')));
  for (const role of roles(manifest)) {
    const spec = manifest.graphs[role];
    if (spec) hash.update(readFileSync(join(root, spec.file)));
  }
  return hash.digest('hex').slice(0, 16);
}

function formatIssues(issues: readonly z.core.$ZodIssue[], raw: unknown): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join('.') || '(root)';
      const value = valueAt(raw, issue.path);
      const got = value === undefined ? 'missing' : `got ${JSON.stringify(value)?.slice(0, 80)}`;
      if (issue.code === 'invalid_union' && issue.path.at(-1) === 'kind') return `field '${path}': unknown kind ${JSON.stringify(value)}`;
      if (issue.code === 'invalid_union' && issue.path.length > 0 && typeof value === 'object' && value !== null && 'kind' in value) {
        return `field '${path}.kind': unknown kind ${JSON.stringify((value as { kind: unknown }).kind)}`;
      }
      return `field '${path}': ${issue.message} (${got})`;
    })
    .join('; ');
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** The rules the schema alone cannot state: lengths that must agree, required tensors per memory kind. */
export function contractProblems(m: Manifest): string[] {
  const problems: string[] = [];
  const sameLength = (field: string, actual: number, expected: number, what: string): void => {
    if (actual !== expected) problems.push(`field '${field}': expected ${expected} values (${what}), got ${actual}`);
  };
  m.observation.cameras.forEach((cam, i) => {
    sameLength(`observation.cameras.${i}.mean`, cam.mean.length, cam.channels, 'one per channel');
    sameLength(`observation.cameras.${i}.std`, cam.std.length, cam.channels, 'one per channel');
  });
  const p = m.observation.proprio;
  sameLength('observation.proprio.mean', p.mean.length, p.names.length, 'one per proprio name');
  sameLength('observation.proprio.std', p.std.length, p.names.length, 'one per proprio name');
  const a = m.action;
  for (const key of ['low', 'high', 'mean', 'std'] as const) sameLength(`action.${key}`, a[key].length, a.names.length, 'one per action name');
  if (a.execute > a.chunk) problems.push(`field 'action.execute': ${a.execute} is more than action.chunk ${a.chunk}`);
  a.low.forEach((lo, i) => {
    const hi = a.high[i] ?? lo;
    if (lo > hi) problems.push(`field 'action.low.${i}': ${lo} is above action.high.${i} ${hi}`);
  });

  const { encoder, memory, head } = m.graphs;
  const provided = new Set(['proprio', 'task', ...m.observation.cameras.map((c) => c.name)]);
  for (const input of encoder.inputs) {
    if (!provided.has(input.name)) problems.push(`graphs.encoder input '${input.name}': not a camera name, 'proprio' or 'task'`);
  }
  const need = (role: string, list: readonly TensorSpec[], name: string, shape: ReadonlyArray<number | string>, dtype = 'float32'): void => {
    const t = list.find((x) => x.name === name);
    if (!t) {
      problems.push(`graphs.${role}: tensor '${name}' [${shape.join(', ')}] is required for memory kind '${m.memory.kind}'`);
      return;
    }
    if (t.dtype !== dtype) problems.push(`graphs.${role} tensor '${name}': dtype expected ${dtype}, got ${t.dtype}`);
    const fixed = shape.map((d, i) => (typeof d === 'number' ? [i, d] : null)).filter((x): x is [number, number] => x !== null);
    if (t.shape.length !== shape.length || fixed.some(([i, d]) => t.shape[i] !== d)) {
      problems.push(`graphs.${role} tensor '${name}': shape expected [${shape.join(', ')}], got [${t.shape.join(', ')}]`);
    }
  };
  const mem = m.memory;
  switch (mem.kind) {
    case 'none':
      if (memory) problems.push(`graphs.memory: present, but memory.kind is 'none'`);
      break;
    case 'hamlet':
      if (!memory) {
        problems.push(`graphs.memory: required for memory kind 'hamlet'`);
        break;
      }
      need('encoder outputs', encoder.outputs, 'moments', ['batch', mem.tokens, mem.dim]);
      need('memory inputs', memory.inputs, 'window', ['batch', mem.window, mem.tokens, mem.dim]);
      break;
    case 'memoryvla':
      if (!memory) {
        problems.push(`graphs.memory: required for memory kind 'memoryvla'`);
        break;
      }
      need('memory inputs', memory.inputs, 'step', ['batch']);
      for (const s of mem.streams) {
        need('encoder outputs', encoder.outputs, s.name, ['batch', s.tokens, s.dim]);
        need('memory inputs', memory.inputs, s.name, ['batch', s.tokens, s.dim]);
        need('memory inputs', memory.inputs, `${s.name}_bank`, ['batch', mem.capacity, s.tokens, s.dim]);
        need('memory inputs', memory.inputs, `${s.name}_times`, ['batch', mem.capacity]);
        need('memory inputs', memory.inputs, `${s.name}_mask`, ['batch', mem.capacity]);
        need('memory outputs', memory.outputs, `${s.name}_fused`, ['batch', s.tokens, s.dim]);
      }
      break;
    default: {
      const never: never = mem;
      problems.push(`memory.kind: unknown ${JSON.stringify(never)}`);
    }
  }
  const available = new Set([...encoder.outputs.map((t) => t.name), ...(memory?.outputs.map((t) => t.name) ?? [])]);
  if (memory) {
    const memoryProvided = new Set([...available, 'window', 'step', ...(mem.kind === 'memoryvla' ? mem.streams.flatMap((s) => [`${s.name}_bank`, `${s.name}_times`, `${s.name}_mask`]) : [])]);
    for (const input of memory.inputs) {
      if (!memoryProvided.has(input.name)) problems.push(`graphs.memory input '${input.name}': no encoder output or memory state of that name`);
    }
  }
  if (m.head.kind === 'ddim') {
    const h = m.head;
    if (h.steps > h.train_steps) problems.push(`field 'head.steps': ${h.steps} is more than head.train_steps ${h.train_steps}`);
    if (h.beta_end >= 1) problems.push(`field 'head.beta_end': ${h.beta_end} must be below 1`);
    if (h.beta_start > h.beta_end) problems.push(`field 'head.beta_start': ${h.beta_start} is above head.beta_end ${h.beta_end}`);
  }
  const iterative = m.head.kind !== 'direct';
  if (iterative) {
    available.add('noisy_actions');
    available.add('time');
    need('head inputs', head.inputs, 'noisy_actions', ['batch', a.chunk, a.names.length]);
    need('head inputs', head.inputs, 'time', ['batch']);
  }
  for (const input of head.inputs) {
    if (!available.has(input.name)) problems.push(`graphs.head input '${input.name}': no encoder or memory output of that name`);
  }
  need('head outputs', head.outputs, 'actions', ['batch', a.chunk, a.names.length]);
  return problems;
}
