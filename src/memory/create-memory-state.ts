// The one place that maps a manifest's memory kind to its state class.
import { BankState, type BankStateSpec } from './bank-state.js';
import { HamletState, type HamletStateSpec } from './hamlet-state.js';
import { NoMemoryState } from './memory-state.js';

/** The memory part of a bundle manifest (structurally the manifest's `memory`). */
export type MemoryStateSpec = { readonly kind: 'none' } | HamletStateSpec | BankStateSpec;

/** Any of the memory states; `kind` narrows it (e.g. to reach a `BankState`'s banks). */
export type AnyMemoryState = NoMemoryState | HamletState | BankState;

/** A fresh, empty memory state for the manifest's memory spec. */
export function createMemoryState(spec: MemoryStateSpec): AnyMemoryState {
  switch (spec.kind) {
    case 'none':
      return new NoMemoryState();
    case 'hamlet':
      return new HamletState(spec);
    case 'memoryvla':
      return new BankState(spec);
  }
}
