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
