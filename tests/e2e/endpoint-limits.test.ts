/**
 * The public endpoint of the embedded product defends itself: new connections per source address
 * per second, inbound frames per call, HTTP header timeout and connection cap, and `/metrics` behind
 * a bearer token (health endpoints open).
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { runCall, tone } from '@vr3/simulator';
import { finalRun, setupCloudonix, startCall, DOMAIN, type CloudonixSetup } from '../harness/cloudonix.ts';
import { eventually, METRICS_AUTH, METRICS_TOKEN, ProductProcess } from '../harness/product.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A sample of the product's `/metrics` (`name{labels}` as printed), 0 when absent. */
async function metric(product: ProductProcess, sample: string): Promise<number> {
  const text = await (await fetch(`${product.baseUrl}/metrics`, METRICS_AUTH)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}

/** The product's JSON log lines (info and up) whose `msg` is one of `msgs`. */
function logLines(product: ProductProcess, ...msgs: string[]): Array<Record<string, unknown>> {
  return product.output.flatMap((line) => {
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      return msgs.includes(parsed['msg'] as string) ? [parsed] : [];
    } catch {
      return [];
    }
  });
}

describe('streams: connections per address, frames per call, /metrics', () => {
  const TOKEN = `cx-token-${randomUUID()}`;
  const BURST = 10;
  let product: ProductProcess;
  let api: FakeCloudonixApi;
  let setup: CloudonixSetup;

  beforeAll(async () => {
    api = await startFakeCloudonixApi({ bearerToken: TOKEN });
    product = await ProductProcess.start({
      env: {
        VR3_CONNECTION_BURST_PER_ADDRESS: String(BURST),
        VR3_CONNECTIONS_PER_SECOND_PER_ADDRESS: '1',
        VR3_MAX_INBOUND_FRAMES_PER_SECOND: '100',
        VR3_INBOUND_FRAME_BURST: '100',
      },
    });
    setup = await setupCloudonix(product, api, TOKEN);
  });

  afterAll(async () => {
    await product?.stop();
    await api?.close();
  });

  it('N + k connections at once from one address (random agent UUIDs): k refused 1013, counted; nothing logged per stream', async () => {
    const EXTRA = 4;
    const refusedBefore = logLines(product, 'stream refused', 'stream not admitted', 'call ended').length;
    const closes = await Promise.all(
      Array.from({ length: BURST + EXTRA }, () => {
        const ws = new WebSocket(product.streamUrl(randomUUID(), { provider: 'cloudonix', Domain: 'acme' }), { localAddress: '127.0.0.2' });
        ws.on('error', () => undefined);
        return new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
      }),
    );
    const count = (code: number, reason: string) => closes.filter((c) => c.code === code && c.reason === reason).length;
    expect(count(1013, 'try again later')).toBe(EXTRA);
    expect(count(1008, 'agent not found')).toBe(BURST);
    expect(await metric(product, 'vr3_media_edge_streams_refused_total{code="too_many_connections"}')).toBe(EXTRA);
    expect(await metric(product, 'vr3_media_edge_admissions_refused_total{code="agent_not_found"}')).toBe(BURST);
    // No run was minted for an unknown agent, and no line per refused stream (the edge writes one
    // `stream refused` line per code and address per 10 s, with the count).
    await sleep(200);
    expect(logLines(product, 'stream refused', 'stream not admitted', 'call ended').length).toBe(refusedBefore);
  });

  it('a call flooding frames is cut off 1008; its run fails frame_rate_exceeded with a log run event saying why', async () => {
    const call = await startCall(product, api, setup);
    const frame = new Uint8Array(160).fill(0xff);
    for (let i = 0; i < 2_000; i++) call.client.sendMedia(frame);
    expect(await call.client.waitForClose(5000)).toEqual({ code: 1008, reason: 'frame rate exceeded' });
    const run = await finalRun(product, call.runId);
    expect(run).toMatchObject({ state: 'failed', end_reason: 'frame_rate_exceeded', error: 'frame_rate_exceeded' });
    const events = (await product.api('GET', `/runs/${call.runId}/events`)).body.data as Array<{ type: string; data: Record<string, unknown> }>;
    expect(events).toContainEqual(expect.objectContaining({ type: 'log', data: expect.objectContaining({ reason: 'frame_rate_exceeded', limit_per_s: 100, burst: 100 }) }));
    expect(run.media_stats.frames_in).toBeLessThan(400);
  });

  it('a real-time call under the same cap is unaffected: echoed and ended by the caller', async () => {
    const session = `sess-${randomUUID()}`;
    api.addSession(DOMAIN, session);
    const report = await runCall({
      url: product.streamUrl(setup.agentUuid, { provider: 'cloudonix', Domain: 'acme', callId: 'real-time-call' }),
      provider: 'cloudonix',
      audio: tone(440, 2_000, 8000),
      call: { session },
      tailMs: 300,
    });
    expect(report.close?.code).toBe(1000);
    expect(report.framesReceived).toBeGreaterThan(50);
    const runs = (await product.api('GET', `/runs?agent_uuid=${setup.agentUuid}&limit=100`)).body.data as Array<{ id: string; gathered_context: { call_id?: string } }>;
    const run = runs.find((r) => r.gathered_context?.call_id === 'real-time-call')!;
    expect(await finalRun(product, run.id)).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
  });

  it('/metrics needs the bearer token; /healthz and /readyz stay open', async () => {
    const none = await fetch(`${product.baseUrl}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await none.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    expect((await fetch(`${product.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } })).status).toBe(401);
    expect((await fetch(`${product.baseUrl}/metrics`, { headers: { authorization: `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}` } })).status).toBe(401);
    const ok = await fetch(`${product.baseUrl}/metrics`, METRICS_AUTH);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('vr3_media_edge_active_calls');
    expect((await fetch(`${product.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${product.baseUrl}/readyz`)).status).toBe(200);
  });
});

describe('HTTP: header timeout and connection cap', () => {
  const HEADERS_TIMEOUT_MS = 1_500;
  const MAX_CONNECTIONS = 50;
  let product: ProductProcess;
  const sockets: net.Socket[] = [];

  beforeAll(async () => {
    product = await ProductProcess.start({
      env: { VR3_HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), VR3_HTTP_REQUEST_TIMEOUT_MS: '3000', VR3_MAX_CONNECTIONS: String(MAX_CONNECTIONS) },
    });
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await product?.stop();
  });

  /** A raw TCP connection (no HTTP client pool: every socket counts against the cap). */
  async function connect(send?: string): Promise<{ socket: net.Socket; closed: Promise<{ afterMs: number; received: string }> }> {
    const socket = net.connect(product.port, '127.0.0.1');
    sockets.push(socket);
    let received = '';
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const at = performance.now();
    const closed = new Promise<{ afterMs: number; received: string }>((resolve) => socket.once('close', () => resolve({ afterMs: performance.now() - at, received })));
    if (send !== undefined) socket.write(send);
    return { socket, closed };
  }

  const halfUpgrade = () => `GET /api/v1/agent-stream/${randomUUID()}?provider=cloudonix&Domain=acme HTTP/1.1\r\nHost: product\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`;
  const healthz = async (): Promise<string> => (await (await connect('GET /healthz HTTP/1.1\r\nHost: product\r\nConnection: close\r\n\r\n')).closed).received;

  it('half-sent upgrade requests are answered 408 and dropped at the headers timeout; the product keeps serving', async () => {
    const half = await Promise.all(Array.from({ length: 40 }, () => connect(halfUpgrade())));
    expect(await healthz()).toMatch(/^HTTP\/1\.1 200/);
    const outcomes = await Promise.all(half.map((h) => h.closed));
    for (const o of outcomes) {
      expect(o.afterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
      expect(o.afterMs).toBeLessThan(HEADERS_TIMEOUT_MS + 2_000);
      expect(o.received).toMatch(/^HTTP\/1\.1 408/);
    }
  });

  it('beyond VR3_MAX_CONNECTIONS a connection is closed at once; once the held ones are gone it serves again', async () => {
    const held = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => connect(halfUpgrade())));
    await sleep(100);
    const beyond = await connect('GET /healthz HTTP/1.1\r\nHost: product\r\nConnection: close\r\n\r\n');
    const refused = await beyond.closed;
    expect(refused.received).toBe('');
    expect(refused.afterMs).toBeLessThan(HEADERS_TIMEOUT_MS - 500);
    await Promise.all(held.map((h) => h.closed));
    await eventually(async () => /^HTTP\/1\.1 200/.test(await healthz()), 3000);
  });
});
