// A rosbridge v2 server for the tests, written from ROSBRIDGE_PROTOCOL.md (rosbridge_suite): no
// rosbridge server installs from npm or Debian. It holds a small ROS graph (topics with one type
// each, services) that WebSocket clients reach through the protocol's ops and that the test
// reaches as a local ROS node (publish, subscribe, call a client's service). As on the real
// servers, errors are silent on the wire unless `statusOps` is set (then `status` ops as §3.2.2
// of the older spec describes); CBOR replies use typed-array tags; large JSON messages can be
// fragmented (§3.1.1) the way rosbridge_suite does it (id 0 for topic messages, total not an integer).
import { encode as encodeCbor } from 'cbor2';
import { WebSocketServer, type WebSocket } from 'ws';
import { FieldError, MessageTypes, canonicalType, graphTypeName, type Distro } from './message-types.js';

export interface RosbridgePeerOptions {
  /** Default 0 (any free port); a restarted peer passes its predecessor's port. */
  readonly port?: number;
  readonly host?: string;
  /** Type names as a ROS 1 (`sensor_msgs/Image`) or ROS 2 (`sensor_msgs/msg/Image`) graph spells them. Default 'ros1'. */
  readonly distro?: Distro;
  /** Send `status` ops for errors (the real servers send none by default). Default false. */
  readonly statusOps?: boolean;
}

interface Subscription {
  readonly compression: string;
  readonly throttleMs: number;
  readonly fragmentSize: number;
}

interface Client {
  readonly socket: WebSocket;
  /** topic → subscription id → options. */
  readonly subscriptions: Map<string, Map<string, Subscription>>;
  readonly lastSent: Map<string, number>;
  readonly advertised: Set<string>;
  statusLevel: 'none' | 'error' | 'warning' | 'info';
}

type LocalService = (args: Record<string, unknown>) => Promise<Record<string, unknown>> | Record<string, unknown>;
type Op = Record<string, unknown> & { op: string };

export class RosbridgePeer implements AsyncDisposable {
  readonly types: MessageTypes;
  private readonly clients = new Set<Client>();
  /** topic → type (canonical). A topic exists once someone advertised or subscribed with a type. */
  private readonly topics = new Map<string, string>();
  private readonly localSubscribers = new Map<string, Set<(msg: Record<string, unknown>) => void>>();
  private readonly localServices = new Map<string, { type: string; handler: LocalService }>();
  private readonly clientServices = new Map<string, { type: string; client: Client }>();
  private readonly pendingCalls = new Map<string, { resolve: (r: { result: boolean; values: unknown }) => void }>();
  private nextCall = 0;
  private closed = false;
  /** Every op received from clients, in order (for tests that check what reached the server). */
  readonly received: Op[] = [];

  private constructor(
    private readonly server: WebSocketServer,
    readonly port: number,
    private readonly options: RosbridgePeerOptions,
  ) {
    this.types = new MessageTypes(options.distro ?? 'ros1');
    server.on('connection', (socket) => this.accept(socket));
    const distro = this.types.distro;
    this.localServices.set('/rosapi/topics', {
      type: 'rosapi/Topics',
      handler: () => ({ topics: [...this.topics.keys()], types: [...this.topics.values()].map((t) => graphTypeName(t, distro)) }),
    });
    this.localServices.set('/rosapi/topic_type', {
      type: 'rosapi/TopicType',
      handler: (args) => {
        const t = this.topics.get(String(args['topic']));
        return { type: t ? graphTypeName(t, distro) : '' };
      },
    });
  }

  static async start(options: RosbridgePeerOptions = {}): Promise<RosbridgePeer> {
    const server = new WebSocketServer({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('rosbridge peer: no address');
    return new RosbridgePeer(server, address.port, options);
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  // ── the peer as a ROS node on its own graph ────────────────────────────────────────────────

  /** Declares a topic of `type` on the graph (a publisher node started). */
  declareTopic(topic: string, type: string): void {
    if (!this.types.knows(type)) throw new TypeError(`rosbridge peer: unknown type ${type}`);
    this.topics.set(topic, canonicalType(type));
  }

  /** Publishes `msg` on `topic` from a local node; returns how many clients it was sent to. */
  publish(topic: string, type: string, msg: Record<string, unknown>): number {
    this.declareTopic(topic, type);
    return this.deliver(topic, this.types.fromJson(type, msg));
  }

  /** Messages clients publish on `topic`, as the graph carries them (defaults filled in). */
  subscribe(topic: string, type: string, onMessage: (msg: Record<string, unknown>) => void): () => void {
    this.declareTopic(topic, type);
    const set = this.localSubscribers.get(topic) ?? new Set();
    set.add(onMessage);
    this.localSubscribers.set(topic, set);
    return () => set.delete(onMessage);
  }

  /** Calls a service on the graph (a client-advertised one, or a local one); no timeout of its own. */
  async callService(service: string, args: Record<string, unknown> = {}): Promise<{ result: boolean; values: unknown }> {
    const local = this.localServices.get(service);
    if (local) return { result: true, values: await local.handler(args) };
    const remote = this.clientServices.get(service);
    if (!remote) throw new Error(`rosbridge peer: service ${service} does not exist`);
    const id = `service_request:${service}:${this.nextCall++}`;
    return await new Promise((resolve) => {
      this.pendingCalls.set(id, { resolve });
      this.send(remote.client, { op: 'call_service', id, service, args });
    });
  }

  advertiseLocalService(service: string, type: string, handler: LocalService): void {
    this.localServices.set(service, { type, handler });
  }

  /** Whether a client currently advertises `service`. */
  hasService(service: string): boolean {
    return this.clientServices.has(service) || this.localServices.has(service);
  }

  /** Active subscription ids on `topic`, over all clients. */
  subscriptionCount(topic: string): number {
    let n = 0;
    for (const c of this.clients) n += c.subscriptions.get(topic)?.size ?? 0;
    return n;
  }

  /**
   * Fragments JSON messages on `topic` above `bytes` for every current subscription, as if they
   * had asked with `fragment_size` (roslib's Topic cannot ask for it).
   */
  setFragmentSize(topic: string, bytes: number): void {
    for (const c of this.clients) {
      const subs = c.subscriptions.get(topic);
      if (!subs) continue;
      for (const [id, s] of subs) subs.set(id, { ...s, fragmentSize: bytes });
    }
  }

  /** Clients advertising `topic`. */
  advertiserCount(topic: string): number {
    return [...this.clients].filter((c) => c.advertised.has(topic)).length;
  }

  /** Drops every client connection at once (a network failure); the server keeps listening. */
  dropClients(): number {
    const n = this.clients.size;
    for (const c of [...this.clients]) {
      c.socket.terminate();
      this.forget(c);
    }
    return n;
  }

  /** Stops the server and drops every connection at once, as a crashed rosbridge would. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.clients) c.socket.terminate();
    this.clients.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ── the protocol ───────────────────────────────────────────────────────────────────────────

  private accept(socket: WebSocket): void {
    const client: Client = { socket, subscriptions: new Map(), lastSent: new Map(), advertised: new Set(), statusLevel: 'error' };
    this.clients.add(client);
    socket.on('message', (data, isBinary) => {
      let op: unknown;
      try {
        op = JSON.parse(isBinary ? '' : (data as Buffer).toString('utf8'));
      } catch {
        return this.status(client, undefined, 'error', 'invalid JSON');
      }
      if (typeof op !== 'object' || op === null || typeof (op as Op).op !== 'string') return this.status(client, undefined, 'error', 'message without op');
      this.received.push(op as Op);
      this.handle(client, op as Op);
    });
    socket.on('close', () => this.forget(client));
    socket.on('error', () => this.forget(client));
  }

  private forget(client: Client): void {
    if (!this.clients.delete(client)) return;
    for (const [name, s] of this.clientServices) if (s.client === client) this.clientServices.delete(name);
  }

  private handle(client: Client, m: Op): void {
    const id = typeof m['id'] === 'string' || typeof m['id'] === 'number' ? m['id'] : undefined;
    const fail = (msg: string): void => this.status(client, id, 'error', msg);
    const topic = typeof m['topic'] === 'string' ? m['topic'] : undefined;
    switch (m.op) {
      case 'advertise': {
        const type = String(m['type'] ?? '');
        if (!topic) return fail('advertise without topic');
        if (!this.types.knows(type)) return fail(`advertise ${topic}: cannot resolve type ${type}`);
        const existing = this.topics.get(topic);
        if (existing && existing !== canonicalType(type)) return fail(`advertise ${topic}: topic already has type ${existing}`);
        this.topics.set(topic, canonicalType(type));
        client.advertised.add(topic);
        return;
      }
      case 'unadvertise':
        if (!topic || !client.advertised.delete(topic)) return this.status(client, id, 'warning', `unadvertise ${topic}: not advertised`);
        return;
      case 'publish': {
        if (!topic) return fail('publish without topic');
        const type = this.topics.get(topic);
        if (!type) return fail(`publish ${topic}: topic does not exist`);
        let msg: Record<string, unknown>;
        try {
          msg = this.types.fromJson(type, m['msg']);
        } catch (err) {
          if (err instanceof FieldError) return fail(`publish ${topic}: ${err.message}`);
          throw err;
        }
        this.deliver(topic, msg);
        return;
      }
      case 'subscribe': {
        if (!topic) return fail('subscribe without topic');
        const type = typeof m['type'] === 'string' && m['type'] ? canonicalType(m['type']) : this.topics.get(topic);
        if (!type || !this.types.knows(type)) return fail(`subscribe ${topic}: cannot infer type`);
        const existing = this.topics.get(topic);
        if (existing && existing !== type) return fail(`subscribe ${topic}: topic has type ${existing}, not ${type}`);
        this.topics.set(topic, type);
        const subs = client.subscriptions.get(topic) ?? new Map<string, Subscription>();
        subs.set(String(id ?? ''), {
          compression: typeof m['compression'] === 'string' ? m['compression'] : 'none',
          throttleMs: typeof m['throttle_rate'] === 'number' ? m['throttle_rate'] : 0,
          fragmentSize: typeof m['fragment_size'] === 'number' ? m['fragment_size'] : Number.POSITIVE_INFINITY,
        });
        client.subscriptions.set(topic, subs);
        return;
      }
      case 'unsubscribe': {
        if (!topic) return fail('unsubscribe without topic');
        const subs = client.subscriptions.get(topic);
        if (!subs) return this.status(client, id, 'warning', `unsubscribe ${topic}: not subscribed`);
        if (id === undefined) subs.clear();
        else subs.delete(String(id));
        if (subs.size === 0) client.subscriptions.delete(topic);
        return;
      }
      case 'advertise_service': {
        const service = String(m['service'] ?? '');
        const type = String(m['type'] ?? '');
        if (!service || !this.types.knowsService(type)) return fail(`advertise_service ${service}: cannot resolve type ${type}`);
        this.clientServices.set(service, { type, client });
        return;
      }
      case 'unadvertise_service': {
        const service = String(m['service'] ?? '');
        if (this.clientServices.get(service)?.client === client) this.clientServices.delete(service);
        return;
      }
      case 'call_service':
        void this.serveCall(client, m, id);
        return;
      case 'service_response': {
        const pending = this.pendingCalls.get(String(id));
        if (!pending) return fail(`service_response for unknown call ${String(id)}`);
        this.pendingCalls.delete(String(id));
        const service = this.clientServices.get(String(m['service']));
        let values: unknown = m['values'];
        if (m['result'] === true && service) {
          try {
            values = this.types.serviceResponse(service.type, m['values']);
          } catch (err) {
            if (!(err instanceof FieldError)) throw err;
            return pending.resolve({ result: false, values: err.message });
          }
        }
        pending.resolve({ result: m['result'] === true, values });
        return;
      }
      case 'set_level': {
        const level = m['level'];
        if (level === 'none' || level === 'error' || level === 'warning' || level === 'info') client.statusLevel = level;
        return;
      }
      default:
        return fail(`unknown op ${m.op}`);
    }
  }

  private async serveCall(client: Client, m: Op, id: string | number | undefined): Promise<void> {
    const service = String(m['service'] ?? '');
    const args = Array.isArray(m['args']) ? {} : ((m['args'] ?? {}) as Record<string, unknown>);
    const reply = (result: boolean, values: unknown): void => this.send(client, { op: 'service_response', service, result, values, ...(id !== undefined ? { id } : {}) });
    if (!this.hasService(service)) return reply(false, `Service ${service} does not exist`);
    try {
      const r = await this.callService(service, args);
      reply(r.result, r.values);
    } catch (err) {
      reply(false, err instanceof Error ? err.message : String(err));
    }
  }

  private deliver(topic: string, msg: Record<string, unknown>): number {
    const type = this.topics.get(topic)!;
    for (const local of this.localSubscribers.get(topic) ?? []) local(msg);
    let sent = 0;
    const now = performance.now();
    for (const client of this.clients) {
      const subs = client.subscriptions.get(topic);
      if (!subs || subs.size === 0) continue;
      // Several subscriptions of one client: one copy, at the lowest throttle and fragment size (§3.2.4).
      const all = [...subs.values()];
      const throttleMs = Math.min(...all.map((s) => s.throttleMs));
      const fragmentSize = Math.min(...all.map((s) => s.fragmentSize));
      const compression = all.some((s) => s.compression === 'cbor') ? 'cbor' : 'none';
      const last = client.lastSent.get(topic);
      if (last !== undefined && throttleMs > 0 && now - last < throttleMs) continue;
      if (compression === 'cbor') {
        const body = this.types.toCbor(type, msg);
        if (!body) continue;
        client.socket.send(encodeCbor({ op: 'publish', topic, msg: body }), { binary: true });
      } else {
        const text = JSON.stringify({ op: 'publish', topic, msg: this.types.toJson(type, msg) });
        if (text.length > fragmentSize) this.sendFragments(client, text, fragmentSize);
        else client.socket.send(text);
      }
      client.lastSent.set(topic, now);
      sent++;
    }
    return sent;
  }

  private sendFragments(client: Client, text: string, size: number): void {
    const total = (text.length - 1) / size + 1;
    for (let num = 0, at = 0; at < text.length; num++, at += size) {
      client.socket.send(JSON.stringify({ op: 'fragment', id: 0, data: text.slice(at, at + size), num, total }));
    }
  }

  private send(client: Client, op: Record<string, unknown>): void {
    if (client.socket.readyState === client.socket.OPEN) client.socket.send(JSON.stringify(op));
  }

  private status(client: Client, id: string | number | undefined, level: 'error' | 'warning', msg: string): void {
    if (!this.options.statusOps) return;
    const order = ['none', 'error', 'warning', 'info'];
    if (order.indexOf(level) > order.indexOf(client.statusLevel) || client.statusLevel === 'none') return;
    this.send(client, { op: 'status', level, msg, ...(id !== undefined ? { id } : {}) });
  }
}
