// `--policy <bundle>` or `--policy ws://host:port/<bundle>`: a local bundle loaded in process, or
// a session client of a momento policy server (MOMENTO_POLICY_TOKEN is sent as its bearer token).
import type { Device } from '../onnx/graph.js';
import type { PolicyBackend } from '../policy/backend.js';
import type { MemoryOverride } from '../policy/memory-override.js';
import { Policy } from '../policy/policy.js';
import { PolicyClient } from '../server/policy-client.js';

export function isRemotePolicy(spec: string): boolean {
  return /^wss?:\/\//.test(spec);
}

/** `attention`: fetch the retrieval attention into each step's memory stats (for recording; local bundles only). `autoBatch`: the batch --device auto times at. */
export async function openPolicy(spec: string, options: { device: Device; noMemory: boolean; memoryOverride?: MemoryOverride; attention?: boolean; autoBatch?: number }): Promise<PolicyBackend & AsyncDisposable> {
  if (!isRemotePolicy(spec)) return Policy.load(spec, options);
  if (options.memoryOverride) throw new RangeError(`--policy ${spec}: a memory override (capacity, eviction) needs a local bundle; a policy server runs its bundles as loaded`);
  const token = process.env['MOMENTO_POLICY_TOKEN'];
  return PolicyClient.connect(spec, { noMemory: options.noMemory, ...(token ? { token } : {}) });
}
