// ServerFault: a request the server refuses, with a code a client can branch on and the field and
// value at fault. It becomes a ServerError frame (or an openpi error string); never a stack trace.
export type FaultCode =
  | 'bad-frame'
  | 'frame-too-large'
  | 'bad-field'
  | 'bad-tensor'
  | 'non-finite'
  | 'incompatible'
  | 'no-session'
  | 'session-closed'
  | 'session-lost'
  | 'superseded'
  | 'busy'
  | 'internal';

export class ServerFault extends Error {
  override readonly name = 'ServerFault';

  constructor(
    readonly code: FaultCode,
    readonly field: string,
    readonly value: string,
    message: string,
  ) {
    super(message);
  }
}

/** A value for an error frame: short enough that nothing a client sent is echoed back unbounded. */
export function shown(value: unknown, max = 64): string {
  const text = typeof value === 'string' ? value : Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

/** Any error as a fault: faults pass through; anything else is 'internal' with its message only. */
export function asFault(err: unknown): ServerFault {
  if (err instanceof ServerFault) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ServerFault('internal', '', '', message.split('\n')[0]!.slice(0, 500));
}
