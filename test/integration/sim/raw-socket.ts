// Test helper: a bare WebSocket to the simulator that sends arbitrary frames and decodes replies,
// for what SimSession never sends (garbage, text frames, requests without a body).
import WebSocket from 'ws';
import { pb } from '../../../src/core/wire.js';
import type { momento } from '../../../src/core/wire.js';

export class RawSimSocket implements AsyncDisposable {
  private readonly replies: momento.v1.SimResponse[] = [];
  private waiting: (() => void) | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      this.replies.push(pb.SimResponse.decode(data));
      this.waiting?.();
    });
  }

  static async open(url: string): Promise<RawSimSocket> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return new RawSimSocket(socket);
  }

  send(frame: Uint8Array | string): void {
    this.socket.send(frame, { binary: typeof frame !== 'string' });
  }

  request(message: momento.v1.SimRequest.$Properties): void {
    this.send(pb.SimRequest.encode(message).finish());
  }

  async next(timeoutMs = 2000): Promise<momento.v1.SimResponse> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0) {
      if (Date.now() > deadline) throw new Error(`no reply within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.replies.shift() as momento.v1.SimResponse;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise((resolve) => {
      this.socket.once('close', resolve);
      this.socket.close();
    });
  }
}
