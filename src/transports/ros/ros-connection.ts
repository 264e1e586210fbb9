// RosConnection: one rosbridge server over roslib, kept connected. roslib never reconnects by
// itself, queues what is sent while disconnected and does not re-advertise a client's services,
// so the connection owns resumption: every (re)connection is a fresh `Ros` with fresh Topic and
// Service objects made from this object's registry (one Topic per topic per connection), and
// publishes while disconnected are dropped and counted, never queued for later.
import { Ros, Service, Topic } from './roslib.js';
import { RosbridgeSocket } from './rosbridge-socket.js';

export interface RosConnectionOptions {
  /** e.g. 'ws://127.0.0.1:9090' */
  readonly url: string;
  /** First reconnect delay; doubles per failed attempt. Default 250 ms. */
  readonly backoffInitialMs?: number;
  /** Cap of the reconnect delay (so a returning server is reached within it). Default 2000 ms. */
  readonly backoffMaxMs?: number;
  /** Timeout of callService (roslib has none). Default 2000 ms. */
  readonly serviceTimeoutMs?: number;
  readonly onEvent?: (event: RosConnectionEvent) => void;
}

export type RosConnectionEvent =
  | { readonly kind: 'connected'; readonly connection: number }
  | { readonly kind: 'disconnected'; readonly connection: number }
  | { readonly kind: 'error'; readonly error: Error };

export interface SubscribeOptions {
  /** 'cbor' for images (binary, no base64); JSON ('none') for anything with a string[] field. Default 'none'. */
  readonly compression?: 'cbor' | 'none';
  readonly throttleMs?: number;
  readonly queueLength?: number;
}

interface SubscriptionEntry {
  readonly topic: string;
  readonly type: string;
  readonly options: SubscribeOptions;
  readonly onMessage: (msg: unknown) => void;
  live?: Topic<unknown>;
}

interface PublisherEntry {
  readonly topic: string;
  readonly type: string;
  live?: Topic<unknown>;
}

interface ServiceEntry {
  readonly name: string;
  readonly type: string;
  readonly handler: (request: unknown) => Promise<unknown>;
  live?: Service<unknown, unknown>;
}

/** A client-side publisher; `publish` returns false (and counts a drop) while disconnected. */
export interface RosPublisher {
  publish(msg: unknown): boolean;
  readonly dropped: number;
}

export class ServiceTimeoutError extends Error {}

export class RosConnection implements AsyncDisposable {
  private ros: Ros | undefined;
  private socket: RosbridgeSocket | undefined;
  private readonly subscriptions = new Set<SubscriptionEntry>();
  private readonly publishers = new Map<string, PublisherEntry>();
  private readonly services = new Map<string, ServiceEntry>();
  private connected = false;
  private closed = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];
  /** Successful connections so far (the first one included). */
  connections = 0;
  /** Publishes dropped because the connection was down. */
  droppedPublishes = 0;

  private constructor(private readonly options: RosConnectionOptions) {
    if (!/^wss?:\/\//.test(options.url)) throw new TypeError(`rosbridge url must start with ws:// or wss://, got '${options.url}'`);
  }

  /** Starts connecting (and reconnecting) to `options.url`; see `whenConnected`. */
  static create(options: RosConnectionOptions): RosConnection {
    const c = new RosConnection(options);
    c.open();
    return c;
  }

  get url(): string {
    return this.options.url;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Reconnections after the first connection. */
  get reconnects(): number {
    return Math.max(0, this.connections - 1);
  }

  /** Resolves at the next moment the connection is up (now if it is); rejects after `timeoutMs`. */
  whenConnected(timeoutMs: number): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new Error(`rosbridge at ${this.options.url}: not connected after ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(t);
        resolve();
      };
      this.waiters.push(done);
    });
  }

  /** Subscribes for the lifetime of this object, across reconnections. Returns the unsubscribe. */
  subscribe(topic: string, type: string, onMessage: (msg: unknown) => void, options: SubscribeOptions = {}): () => void {
    const entry: SubscriptionEntry = { topic, type, options, onMessage };
    this.subscriptions.add(entry);
    if (this.ros && this.connected) this.makeSubscription(this.ros, entry);
    return () => {
      entry.live?.unsubscribe();
      this.subscriptions.delete(entry);
    };
  }

  advertise(topic: string, type: string): RosPublisher {
    if (this.publishers.has(topic)) throw new RangeError(`rosbridge: topic ${topic} is already advertised by this client`);
    const entry: PublisherEntry = { topic, type };
    this.publishers.set(topic, entry);
    if (this.ros && this.connected) this.makePublisher(this.ros, entry);
    let dropped = 0;
    return {
      publish: (msg) => {
        if (!this.connected || !entry.live) {
          dropped++;
          this.droppedPublishes++;
          return false;
        }
        entry.live.publish(msg);
        return true;
      },
      get dropped() {
        return dropped;
      },
    };
  }

  /** Advertises a service that rosbridge forwards to this client; re-advertised after every reconnection. */
  advertiseService(name: string, type: string, handler: (request: unknown) => Promise<unknown>): void {
    const entry: ServiceEntry = { name, type, handler };
    this.services.set(name, entry);
    if (this.ros && this.connected) this.makeService(this.ros, entry);
  }

  /** Calls a service; rejects with ServiceTimeoutError after the timeout, or with the server's failure message. */
  callService<T>(name: string, type: string, request: unknown, timeoutMs = this.options.serviceTimeoutMs ?? 2000): Promise<T> {
    const ros = this.ros;
    if (!ros || !this.connected) return Promise.reject(new Error(`rosbridge at ${this.options.url}: not connected (calling ${name})`));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ServiceTimeoutError(`service ${name} (${type}): no response within ${timeoutMs} ms`)), timeoutMs);
      new Service<unknown, T>({ ros, name, serviceType: type }).callService(
        request,
        (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        (e) => {
          clearTimeout(timer);
          reject(new Error(`service ${name} (${type}) failed: ${String(e)}`));
        },
        timeoutMs / 1000,
      );
    });
  }

  /** Drops the current socket at once (tests; a client-side network failure). The connection comes back by itself. */
  dropSocket(): void {
    this.socket?.terminate();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    const ros = this.ros;
    if (ros && this.connected) {
      for (const s of this.subscriptions) s.live?.unsubscribe();
      for (const p of this.publishers.values()) p.live?.unadvertise();
      await Promise.all([...this.services.values()].map((s) => s.live?.unadvertise()));
      // Let the unadvertise frames leave before the close frame.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.connected = false;
    if (ros) {
      ros.removeAllListeners();
      ros.close();
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private open(): void {
    if (this.closed) return;
    const ros = new Ros({ transportFactory: (url) => RosbridgeSocket.factory()(url).then((s) => ((this.socket = s as RosbridgeSocket), s)) });
    this.ros = ros;
    let up = false;
    ros.on('connection', () => {
      if (this.closed || this.ros !== ros) return ros.close();
      up = true;
      this.connected = true;
      this.attempt = 0;
      this.connections++;
      for (const s of this.subscriptions) this.makeSubscription(ros, s);
      for (const p of this.publishers.values()) this.makePublisher(ros, p);
      for (const s of this.services.values()) this.makeService(ros, s);
      this.options.onEvent?.({ kind: 'connected', connection: this.connections });
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    });
    ros.on('error', (e) => {
      if (up) this.options.onEvent?.({ kind: 'error', error: e instanceof Error ? e : new Error(`rosbridge at ${this.options.url}: socket error`) });
    });
    ros.on('close', () => {
      if (this.ros !== ros) return;
      ros.removeAllListeners();
      for (const s of this.subscriptions) s.live = undefined;
      for (const p of this.publishers.values()) p.live = undefined;
      for (const s of this.services.values()) s.live = undefined;
      const wasUp = up;
      this.connected = false;
      if (wasUp) this.options.onEvent?.({ kind: 'disconnected', connection: this.connections });
      this.scheduleReconnect();
    });
    ros.connect(this.options.url).catch(() => this.scheduleReconnect());
  }

  private scheduleReconnect(): void {
    if (this.closed || this.timer) return;
    const initial = this.options.backoffInitialMs ?? 250;
    const delay = Math.min(this.options.backoffMaxMs ?? 2000, initial * 2 ** this.attempt);
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.open();
    }, delay);
  }

  private makeSubscription(ros: Ros, s: SubscriptionEntry): void {
    const topic = new Topic<unknown>({
      ros,
      name: s.topic,
      messageType: s.type,
      compression: s.options.compression ?? 'none',
      throttle_rate: s.options.throttleMs ?? 0,
      queue_length: s.options.queueLength ?? 0,
      reconnect_on_close: false,
    });
    topic.subscribe(s.onMessage);
    s.live = topic;
  }

  private makePublisher(ros: Ros, p: PublisherEntry): void {
    const topic = new Topic<unknown>({ ros, name: p.topic, messageType: p.type, reconnect_on_close: false });
    topic.advertise();
    p.live = topic;
  }

  private makeService(ros: Ros, s: ServiceEntry): void {
    const service = new Service<unknown, unknown>({ ros, name: s.name, serviceType: s.type });
    void service.advertiseAsync(s.handler);
    s.live = service;
  }
}
