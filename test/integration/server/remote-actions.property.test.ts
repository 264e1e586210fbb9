// The safety invariants on the server path, as a property (fast-check): whatever a policy server
// answers — chunks of any values (NaN, ±Infinity, huge), chunks of the wrong shape, replies of
// the wrong kind, frames that are not protobuf — every action momento emits through a
// PolicyClient (runSource, as `momento run --policy ws://…` does) is finite and within the
// bundle's limits, and a reply that cannot be played ends the run with a typed 'bad-reply'.
// The server here is a scripted fake over a real WebSocket on 127.0.0.1.
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { readManifest } from '../../../src/bundle/load.js';
import type { Action } from '../../../src/core/types.js';
import { pb, type momento } from '../../../src/core/wire.js';
import { runSource } from '../../../src/runtime/run.js';
import { syntheticObservations } from '../../../src/runtime/synthetic.js';
import { PROTOCOL_VERSION } from '../../../src/server/connection.js';
import { PolicyClient, PolicyServerError } from '../../../src/server/policy-client.js';
import { fromObservations } from '../../../src/streams/from-observations.js';
import { BUNDLES } from '../../helpers/reference.js';

const { manifest } = readManifest(join(BUNDLES, 'hamlet-tiny'));
const { chunk: H, names, low, high } = manifest.action;
const D = names.length;

/** What the fake answers to the n-th step: a chunk of these values, another shape, another body, or garbage. */
type Reply = { kind: 'chunk'; values: number[] } | { kind: 'shape'; horizon: number; dims: number; values: number[] } | { kind: 'ok' } | { kind: 'garbage'; bytes: Uint8Array };

const anyValue = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, 3.4e38, -3.4e38, 1e-45, 0));
const arbReply: fc.Arbitrary<Reply> = fc.oneof(
  { weight: 8, arbitrary: fc.array(anyValue, { minLength: H * D, maxLength: H * D }).map((values): Reply => ({ kind: 'chunk', values })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shape' as const), horizon: fc.integer({ min: 0, max: 12 }), dims: fc.integer({ min: 0, max: 5 }), values: fc.array(anyValue, { maxLength: 40 }) }) },
  { weight: 1, arbitrary: fc.constant<Reply>({ kind: 'ok' }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 32 }).map((bytes): Reply => ({ kind: 'garbage', bytes: Uint8Array.of(0xff, ...bytes) })) },
);

describe('actions served through a policy server', () => {
  let wss: WebSocketServer;
  let script: Reply[] = [];
  let url = '';
  beforeAll(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}/hamlet-tiny`;
    wss.on('connection', (ws) => {
      let steps = 0;
      ws.on('message', (data: Buffer) => {
        const r = pb.ServerRequest.decode(data);
        const reply = (body: momento.v1.IServerResponse): void => ws.send(pb.ServerResponse.encode({ id: r.id, ...body }).finish());
        if (r.hello) return reply({ welcome: { protocolVersion: PROTOCOL_VERSION, manifestJson: JSON.stringify(manifest), contract: { bundle: manifest.name } } });
        if (r.open) return reply({ opened: { sessionId: 'a'.repeat(32), resumeToken: 't', step: 0 } });
        if (r.close) return reply({ ok: {} });
        if (!r.step) return reply({ error: { code: 'bad-field', field: 'body', message: 'not scripted' } });
        const s = script[steps++ % script.length]!;
        const stampNs = Number(r.step.observation?.stampNs ?? 0);
        const periodS = 1 / manifest.action.rate_hz;
        if (s.kind === 'garbage') return ws.send(s.bytes);
        if (s.kind === 'ok') return reply({ ok: {} });
        const chunk = s.kind === 'chunk' ? { horizon: H, dims: D, values: s.values, stampNs, periodS } : { horizon: s.horizon, dims: s.dims, values: s.values, stampNs, periodS };
        reply({ step: { result: { chunk, step: steps } } });
      });
    });
  });
  afterAll(async () => {
    for (const ws of wss.clients) ws.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });

  it('emits only finite actions within the limits, for any reply', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbReply, { minLength: 1, maxLength: 6 }), async (replies) => {
        script = replies;
        const actions: Action[] = [];
        await using client = await PolicyClient.connect(url, { reconnectForMs: 1000 });
        try {
          await runSource({ policy: client, source: fromObservations(syntheticObservations(manifest, 16, 1)), seed: 1, onAction: (a) => actions.push(a) });
        } catch (err) {
          // Only a reply that cannot be played ends the run, and it says so.
          expect(err).toBeInstanceOf(PolicyServerError);
          expect((err as PolicyServerError).code).toBe('bad-reply');
          expect(replies.some((r) => r.kind !== 'chunk')).toBe(true);
        }
        for (const a of actions) {
          expect(a.values.length).toBe(D);
          a.values.forEach((v, i) => {
            expect(Number.isFinite(v)).toBe(true);
            expect(v).toBeGreaterThanOrEqual(low[i]!);
            expect(v).toBeLessThanOrEqual(high[i]!);
          });
        }
        // Chunks of the right shape only: the run went to its end, `execute` actions per observation (holds where values were not finite).
        if (replies.every((r) => r.kind === 'chunk')) expect(actions.length).toBe(16 * manifest.action.execute);
      }),
      { numRuns: 60, seed: 14 },
    );
  }, 120_000);
});
