// The one error the simulator's callers branch on: a request it refuses. The server answers it
// as a SimError with the same code on that session and keeps serving.

export type SimErrorCode = 'bad-action' | 'bad-reset' | 'unknown-task' | 'no-episode' | 'episode-done' | 'bad-frame' | 'bad-request' | 'internal';

export class SimRequestError extends Error {
  override readonly name = 'SimRequestError';
  constructor(
    readonly code: SimErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Longest piece of client-supplied text quoted back in an error. */
export const MAX_QUOTED_CHARS = 64;

/** `text` for an error message, cut to MAX_QUOTED_CHARS so that a client cannot make replies grow. */
export function quoted(text: string): string {
  if (text.length <= MAX_QUOTED_CHARS) return `'${text}'`;
  return `'${text.slice(0, MAX_QUOTED_CHARS)}…' (${text.length} characters)`;
}
