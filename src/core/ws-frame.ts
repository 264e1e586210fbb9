// The bytes of a received WebSocket message, whichever shape the ws library delivered it in
// (one Buffer, an ArrayBuffer, or fragments), for the simulator, its client and the server.
import type { RawData } from 'ws';

export function frameBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
