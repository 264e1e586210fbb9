// SimClient: the simulator's address and connection options in one place. Each session() is a
// new WebSocket (the simulator runs one episode per connection); close() closes them all.
import { SimSession } from './sim-session.js';
import type { SimSessionOptions } from './sim-session.js';
import type { SimTaskInfo } from './sim-codec.js';

export class SimClient implements AsyncDisposable {
  private readonly open = new Set<SimSession>();

  /**
   * @param url the simulator, e.g. 'ws://127.0.0.1:8765'
   * @param options reconnect and timeout settings shared by every session (see SimSessionOptions)
   */
  constructor(
    readonly url: string,
    private readonly options: SimSessionOptions = {},
  ) {
    if (!/^wss?:\/\//.test(url)) throw new TypeError(`simulator url must start with ws:// or wss://, got '${url}'`);
  }

  /** Opens a new session; it is closed with the client unless closed before. */
  async session(): Promise<SimSession> {
    const session = await SimSession.connect(this.url, this.options);
    this.open.add(session);
    const forget = (): boolean => this.open.delete(session);
    session.transition$.subscribe({ complete: forget, error: forget });
    return session;
  }

  /** The simulator's tasks (over a short-lived session). */
  async tasks(): Promise<SimTaskInfo[]> {
    await using session = await SimSession.connect(this.url, this.options);
    return await session.tasks(); // awaited here, before the session is disposed
  }

  async close(): Promise<void> {
    await Promise.all([...this.open].map((session) => session.close()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
