// Loads a policy bundle: reads and validates policy.json (schema, then the cross-field rules of
// the bundle contract), opens each ONNX graph and checks it against the manifest. Every error
// names the bundle and the file, field or tensor at fault.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { z } from 'zod';
import { BundleError } from '../core/errors.js';
import { OnnxGraph, type Device, type InferenceMode } from '../onnx/graph.js';
import { graphMismatches } from './graph-contract.js';
import { contractProblems } from './contract.js';
import { MANIFEST_LIMITS, ManifestSchema, type GraphRole, type GraphSpec, type Manifest } from './manifest.js';

export interface BundleGraphs {
  readonly encoder: OnnxGraph;
  readonly memory?: OnnxGraph;
  readonly head: OnnxGraph;
  /** The fused step graph, when the manifest declares one (graphs.step). */
  readonly step?: OnnxGraph;
}

export interface LoadOptions {
  /** Where the graphs run. Default 'cpu'. */
  readonly device?: Device;
  /** CPU threads per graph. Default 1 (see OnnxGraphOptions.threads). */
  readonly threads?: number;
  /** Graph calls on the calling thread or in the inference worker. Default 'inline' (see OnnxGraphOptions.inference). */
  readonly inference?: InferenceMode;
  /** Static batch buckets (see OnnxGraphOptions.buckets). Default true. */
  readonly buckets?: boolean;
  /** Per graph: outputs only passed to the next graph, left on the device (see OnnxGraphOptions.deviceOutputs). */
  readonly deviceOutputs?: Partial<Record<GraphRole, readonly string[]>>;
  /** Per graph: outputs read back as one on a GPU provider (see OnnxGraphOptions.packOutputs). */
  readonly packOutputs?: Partial<Record<GraphRole, readonly string[]>>;
  /** Where packOutputs applies (see OnnxGraphOptions.packOn). Default 'gpu'. */
  readonly packOn?: 'gpu' | 'always';
  /** onnxruntime's profile of every session, to `<prefix>-<role>-b<batch>_<date>.json` (see OnnxGraphOptions.profilePrefix). */
  readonly profilePrefix?: string;
  readonly warn?: (message: string) => void;
}

/** Reads and validates a bundle's manifest without opening its graphs. */
export function readManifest(dir: string): { manifest: Manifest; hash: string; name: string } {
  const root = resolve(dir);
  const name = basename(root);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new BundleError(name, `bundle folder not found: ${root}`);
  const file = join(root, 'policy.json');
  if (!existsSync(file)) throw new BundleError(name, `missing manifest: ${file}`);
  const stat = statSync(file);
  if (!stat.isFile()) throw new BundleError(name, `${file}: not a regular file`);
  if (stat.size > MANIFEST_LIMITS.manifestBytes) throw new BundleError(name, `${file}: ${stat.size} bytes, more than the limit of ${MANIFEST_LIMITS.manifestBytes}`);
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
  const files = roles(manifest).map((role) => graphFile(root, manifest, role));
  return { manifest, hash: bundleHash(file, files), name: manifest.name };
}

/**
 * The real path of a graph's file: it must be a relative path that, after resolving symlinks,
 * names a regular file inside the bundle folder, no larger than MANIFEST_LIMITS.graphBytes.
 * Devices, pipes, absolute paths and anything outside the folder are refused, naming the graph.
 */
export function graphFile(dir: string, manifest: Manifest, role: GraphRole): string {
  const spec = manifest.graphs[role]!;
  const fail = (why: string): never => {
    throw new BundleError(manifest.name, `graph '${role}': file '${spec.file}' ${why}`);
  };
  if (isAbsolute(spec.file)) fail('must be a path relative to the bundle folder');
  const root = realpathSync(resolve(dir));
  const path = join(root, spec.file);
  if (!existsSync(path)) throw new BundleError(manifest.name, `graph '${role}': file not found: ${path}`);
  const real = realpathSync(path);
  const inside = relative(root, real);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) fail(`is outside the bundle folder ${root} (resolves to ${real})`);
  const stat = statSync(real);
  if (!stat.isFile()) fail('is not a regular file');
  if (stat.size > MANIFEST_LIMITS.graphBytes) fail(`has ${stat.size} bytes, more than the limit of ${MANIFEST_LIMITS.graphBytes}`);
  return real;
}

/** Opens every graph of the bundle and checks it against the manifest. */
export async function loadGraphs(dir: string, manifest: Manifest, options: LoadOptions = {}): Promise<BundleGraphs> {
  const opened: OnnxGraph[] = [];
  const open = async (role: GraphRole, spec: GraphSpec): Promise<OnnxGraph> => {
    const file = graphFile(dir, manifest, role);
    let graph: OnnxGraph;
    try {
      const { deviceOutputs, packOutputs, profilePrefix, ...rest } = options;
      graph = await OnnxGraph.create({
        file,
        ...rest,
        ...(deviceOutputs?.[role] ? { deviceOutputs: deviceOutputs[role] } : {}),
        ...(packOutputs?.[role] ? { packOutputs: packOutputs[role] } : {}),
        ...(profilePrefix ? { profilePrefix: `${profilePrefix}-${role}` } : {}),
      });
    } catch (err) {
      throw new BundleError(manifest.name, `graph '${role}' (${file}): ${(err as Error).message}`, { cause: err });
    }
    opened.push(graph);
    const problems = graphMismatches(spec, graph);
    if (problems.length > 0) throw new BundleError(manifest.name, `graph '${role}' (${spec.file}): ${problems.join('; ')}`);
    return graph;
  };
  try {
    const encoder = await open('encoder', manifest.graphs.encoder);
    const memory = manifest.graphs.memory ? await open('memory', manifest.graphs.memory) : undefined;
    const head = await open('head', manifest.graphs.head);
    const step = manifest.graphs.step ? await open('step', manifest.graphs.step) : undefined;
    return { encoder, head, ...(memory ? { memory } : {}), ...(step ? { step } : {}) };
  } catch (err) {
    await Promise.all(opened.map((g) => g.release()));
    throw err;
  }
}

function roles(manifest: Manifest): GraphRole[] {
  return (['encoder', 'memory', 'head', 'step'] as const).filter((role) => manifest.graphs[role] !== undefined);
}

// Hashes policy.json and the graph files in 1 MiB reads (a graph may be large).
function bundleHash(manifestFile: string, graphFiles: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(manifestFile));
  const buffer = Buffer.alloc(1 << 20);
  for (const file of graphFiles) {
    const fd = openSync(file, 'r');
    try {
      for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
    } finally {
      closeSync(fd);
    }
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
