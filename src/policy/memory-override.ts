// Runtime variants of a bundle's memory that need no retraining (the papers' ablations): another
// bank capacity and another eviction rule for MemoryVLA banks. A smaller capacity masks: the
// graph keeps the slots it was exported with, those past the capacity are fed empty (mask 0) and
// consolidation starts at the new capacity. A larger one pads: it needs a memory graph whose bank
// axis is symbolic (exported with `slots`), which is then fed as many slots as the capacity.
import type { Manifest } from '../bundle/manifest.js';
import { BundleError } from '../core/errors.js';
import type { MemoryStateSpec } from '../memory/create-memory-state.js';
import { EVICTIONS, type Eviction } from '../memory/memory-bank.js';
import { MANIFEST_LIMITS } from '../bundle/manifest.js';

export interface MemoryOverride {
  /** Bank capacity L' per stream, instead of the manifest's L. */
  readonly capacity?: number;
  /** Eviction rule instead of the manifest's `memory.eviction` (default 'merge'). */
  readonly eviction?: Eviction;
}

/**
 * The fixed number of bank slots of a memoryvla bundle's memory graph, or undefined when its bank
 * axis is symbolic (any number of slots).
 */
export function graphBankSlots(manifest: Manifest): number | undefined {
  const mem = manifest.memory;
  if (mem.kind !== 'memoryvla') return undefined;
  const banks = (manifest.graphs.memory?.inputs ?? []).filter((t) => mem.streams.some((s) => t.name === `${s.name}_bank`));
  const fixed = banks.map((t) => t.shape[1]).find((d): d is number => typeof d === 'number');
  return fixed;
}

/** The largest capacity the bundle's memory graph can run: its fixed slots, or the manifest limit when symbolic. */
export function maxCapacity(manifest: Manifest): number {
  return graphBankSlots(manifest) ?? MANIFEST_LIMITS.capacity;
}

/**
 * The memory spec an episode of `manifest` runs with under `override`; throws a BundleError naming
 * the bundle and the value when the override does not apply (not a memoryvla bundle, capacity not
 * a positive integer or beyond what the graph takes, unknown eviction).
 */
export function effectiveMemorySpec(manifest: Manifest, override: MemoryOverride | undefined): MemoryStateSpec {
  const mem = manifest.memory;
  if (mem.kind !== 'memoryvla') {
    if (override?.capacity !== undefined || override?.eviction !== undefined) {
      throw new BundleError(manifest.name, `memory override ${JSON.stringify(override)}: capacity and eviction apply to memoryvla banks, this bundle's memory kind is '${mem.kind}'`);
    }
    return mem;
  }
  const fixedSlots = graphBankSlots(manifest);
  const capacity = override?.capacity ?? mem.capacity;
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > MANIFEST_LIMITS.capacity) {
    throw new BundleError(manifest.name, `memory override capacity: expected an integer in [1, ${MANIFEST_LIMITS.capacity}], got ${String(capacity)}`);
  }
  if (fixedSlots !== undefined && capacity > fixedSlots) {
    throw new BundleError(
      manifest.name,
      `memory override capacity ${capacity}: the memory graph's bank axis is fixed at ${fixedSlots} slots (capacities 1..${fixedSlots} run by masking; a larger one needs the graph exported with a symbolic bank axis, see policies/momento_models/export.py)`,
    );
  }
  const eviction = override?.eviction ?? mem.eviction ?? 'merge';
  if (!EVICTIONS.includes(eviction)) {
    throw new BundleError(manifest.name, `memory override eviction: expected 'merge' or 'fifo', got ${JSON.stringify(eviction)}`);
  }
  return { kind: 'memoryvla', capacity, write: mem.write, streams: mem.streams, eviction, slots: fixedSlots ?? capacity };
}
