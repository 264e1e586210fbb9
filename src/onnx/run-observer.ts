// Evidence for where a step's time goes (`bench gpu --profile`): while an observer is set, every
// inline graph call reports its session.run time, the JS work around it (tensors wrapped before,
// outputs wrapped and split after) and each output it returned with its location and the bytes
// that came back to the CPU. Off (one undefined check per call) unless a profile asks for it.

export interface RunOutput {
  readonly name: string;
  /** 'cpu': read back (its bytes crossed from the device); otherwise left where it was computed. */
  readonly location: string;
  readonly bytes: number;
}

export interface RunRecord {
  /** The graph's file. */
  readonly file: string;
  /** Rows of the session's batch (its bucket), from the first input's dimension 0. */
  readonly rows: number;
  /** ms making the input tensors. */
  readonly inputMs: number;
  /** ms of `session.run` (its promise hop included): the graph and every read-back of its outputs. */
  readonly runMs: number;
  /** ms wrapping (and splitting, for a packed output) the outputs. */
  readonly outputMs: number;
  /** What session.run returned (the packed output as one). */
  readonly outputs: readonly RunOutput[];
  /** Whether the run fetched a packed output (packed-outputs.ts). */
  readonly packed: boolean;
}

let observer: ((record: RunRecord) => void) | undefined;

/** Reports every inline graph call to `fn` until the returned function is called. One observer at a time. */
export function observeRuns(fn: (record: RunRecord) => void): () => void {
  if (observer) throw new Error('observeRuns: an observer is already set');
  observer = fn;
  return () => {
    if (observer === fn) observer = undefined;
  };
}

/** The observer, if one is set (graph.ts times its calls only then). */
export function runObserver(): ((record: RunRecord) => void) | undefined {
  return observer;
}
