import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { resolveMediaEdgeConfig } from '../config.ts';
import { admitted, startHarness, waitUntil, type Harness, type HarnessOptions } from '../test-support/harness.ts';

let h: Harness | undefined;
const raw: WebSocket[] = [];
afterEach(async () => {
  for (const ws of raw.splice(0)) ws.terminate();
  await h?.close();
  h = undefined;
});

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(options);
  return h;
}

const TRY_AGAIN = { code: 1013, reason: 'try again later' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A metric's value in the harness registry (a labelled series by its labels). */
async function metric(hn: Harness, name: string, labels: Record<string, string> = {}): Promise<number> {
  const values = (await hn.metrics.getSingleMetric(name)?.get())?.values ?? [];
  const match = values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return match?.value ?? 0;
}

/** A silent socket opened from `localAddress` (a loopback address: 127.0.0.1, 127.0.0.2 …). */
async function openFrom(
  hn: Harness,
  localAddress: string,
  headers: Record<string, string> = {},
): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(hn.url(), { localAddress, headers });
  raw.push(ws);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, closed };
}

describe('pending handshakes per source address', () => {
  it('the socket beyond the bound closes 1013 at once: no admission request, counted', async () => {
    const hn = await harness({ config: { maxPendingHandshakesPerAddress: 3 } });
    const pending = [];
    for (let i = 0; i < 3; i++) {
      const c = await hn.connect();
      c.sendConnected();
      pending.push(c);
    }
    await waitUntil(() => hn.cp.admits.length === 3);
    const started = Date.now();
    const refused = await hn.connect();
    expect(await refused.waitForClose(1000)).toEqual(TRY_AGAIN);
    expect(Date.now() - started).toBeLessThan(500);
    await sleep(50);
    expect(hn.cp.admits).toHaveLength(3);
    expect(pending.every((c) => c.isOpen)).toBe(true);
    expect(await metric(hn, 'vr3_media_edge_streams_refused_total', { code: 'too_many_pending_handshakes' })).toBe(1);
    expect(await metric(hn, 'vr3_media_edge_pending_handshakes')).toBe(3);
    expect(await metric(hn, 'vr3_media_edge_close_codes_total', { code: '1013', initiator: 'edge' })).toBe(1);
  });

  it('once a socket has sent start it no longer counts: the next socket is admitted', async () => {
    const hn = await harness({ config: { maxPendingHandshakesPerAddress: 2 } });
    const a = await hn.connect();
    const b = await hn.connect();
    await waitUntil(() => hn.cp.admits.length === 2);
    expect(await (await hn.connect()).waitForClose(1000)).toEqual(TRY_AGAIN);

    a.sendConnected();
    a.sendStart();
    await waitUntil(() => hn.cp.starts.length === 1);
    const c = await hn.connect();
    await waitUntil(() => hn.cp.admits.length === 3);
    await sleep(50);
    expect(c.isOpen).toBe(true);
    expect(a.isOpen).toBe(true);
    // b and c are pending now: the bound holds again.
    expect(await (await hn.connect()).waitForClose(1000)).toEqual(TRY_AGAIN);
    expect(b.isOpen).toBe(true);
    expect(hn.cp.admits).toHaveLength(3);
  });

  it('each source address has its own bound', async () => {
    const hn = await harness({ config: { maxPendingHandshakesPerAddress: 1 } });
    const one = await openFrom(hn, '127.0.0.1');
    const two = await openFrom(hn, '127.0.0.2');
    await waitUntil(() => hn.cp.admits.length === 2);
    expect(await (await openFrom(hn, '127.0.0.1')).closed).toEqual(TRY_AGAIN);
    expect(await (await openFrom(hn, '127.0.0.2')).closed).toEqual(TRY_AGAIN);
    const three = await openFrom(hn, '127.0.0.3');
    await waitUntil(() => hn.cp.admits.length === 3);
    await sleep(50);
    expect([one, two, three].every((s) => s.ws.readyState === WebSocket.OPEN)).toBe(true);
    expect(hn.cp.admits).toHaveLength(3);
    expect(await metric(hn, 'vr3_media_edge_streams_refused_total', { code: 'too_many_pending_handshakes' })).toBe(2);
  });

  it('behind a trusted proxy each forwarded source has its own bound; an untrusted peer\'s header is ignored', async () => {
    const hn = await harness({ config: { maxPendingHandshakesPerAddress: 1, trustedProxies: ['127.0.0.1'] } });
    const a = await openFrom(hn, '127.0.0.1', { 'x-forwarded-for': '198.51.100.1' });
    const b = await openFrom(hn, '127.0.0.1', { 'x-forwarded-for': '198.51.100.2' });
    await waitUntil(() => hn.cp.admits.length === 2);
    expect(await (await openFrom(hn, '127.0.0.1', { 'x-forwarded-for': '198.51.100.1' })).closed).toEqual(TRY_AGAIN);
    // 127.0.0.2 is not trusted: its header names nobody, it counts as itself.
    const c = await openFrom(hn, '127.0.0.2', { 'x-forwarded-for': '198.51.100.3' });
    await waitUntil(() => hn.cp.admits.length === 3);
    expect(await (await openFrom(hn, '127.0.0.2', { 'x-forwarded-for': '198.51.100.4' })).closed).toEqual(TRY_AGAIN);
    expect([a, b, c].every((s) => s.ws.readyState === WebSocket.OPEN)).toBe(true);
  });

  it('a socket closed or timed out during its handshake frees its slot', async () => {
    const hn = await harness({ config: { maxPendingHandshakesPerAddress: 1, handshakeTimeoutMs: 300 } });
    const closedByPeer = await hn.connect();
    await waitUntil(() => hn.cp.admits.length === 1);
    await closedByPeer.close();
    const timedOut = await hn.connect();
    await waitUntil(() => hn.cp.admits.length === 2);
    expect(await timedOut.waitForClose(1000)).toEqual({ code: 4408, reason: 'handshake timeout' });
    const next = await hn.connect();
    await waitUntil(() => hn.cp.admits.length === 3);
    next.sendConnected();
    next.sendStart();
    await waitUntil(() => hn.cp.starts.length === 1);
    expect(await metric(hn, 'vr3_media_edge_streams_refused_total', { code: 'too_many_pending_handshakes' })).toBe(0);
  });

  it('nothing stays counted once every socket is gone', async () => {
    const hn = await harness({ config: { maxPendingHandshakesPerAddress: 4 } });
    const clients = [];
    for (let i = 0; i < 6; i++) clients.push(await hn.connect());
    clients[0]!.sendConnected();
    clients[0]!.sendStart();
    await waitUntil(() => hn.cp.admits.length === 4 && hn.cp.starts.length === 1);
    const silent = [await openFrom(hn, '127.0.0.2'), await openFrom(hn, '127.0.0.3')];
    await waitUntil(() => hn.cp.admits.length === 6);
    expect(await metric(hn, 'vr3_media_edge_pending_handshakes')).toBe(5);
    await Promise.all(clients.map((c) => c.close()));
    for (const s of silent) s.ws.close();
    await Promise.all(silent.map((s) => s.closed));
    await waitUntil(() => hn.edge.activeCalls === 0);
    expect(await metric(hn, 'vr3_media_edge_pending_handshakes')).toBe(0);
    expect(await metric(hn, 'vr3_media_edge_pending_admissions')).toBe(0);
    // The bound is whole again for the address that had used it up.
    for (let i = 0; i < 4; i++) await hn.connect();
    await waitUntil(() => hn.cp.admits.length === 10);
  });
});

describe('admissions in flight on the edge', () => {
  /** A control-plane whose admission answers wait until `release()`. */
  function heldAdmissions() {
    const waiting: Array<() => void> = [];
    return {
      admit: (_req: unknown, n: number) => new Promise((resolve) => waiting.push(() => resolve(admitted(n)))),
      release: () => waiting.splice(0).forEach((answer) => answer()),
    };
  }

  it('beyond maxPendingAdmissions a new stream closes 1013 at once, with no admission request', async () => {
    const held = heldAdmissions();
    const hn = await harness({ config: { maxPendingAdmissions: 2 }, script: { admit: held.admit } });
    const a = await hn.connect();
    const b = await hn.connect();
    await waitUntil(() => hn.cp.admits.length === 2);
    expect(await metric(hn, 'vr3_media_edge_pending_admissions')).toBe(2);
    const started = Date.now();
    expect(await (await hn.connect()).waitForClose(1000)).toEqual(TRY_AGAIN);
    expect(Date.now() - started).toBeLessThan(500);
    await sleep(50);
    expect(hn.cp.admits).toHaveLength(2);
    expect(await metric(hn, 'vr3_media_edge_streams_refused_total', { code: 'overloaded' })).toBe(1);
    // The refused socket held no pending-handshake slot.
    expect(await metric(hn, 'vr3_media_edge_pending_handshakes')).toBe(2);

    // Answered admissions no longer count: new streams are admitted again.
    held.release();
    await expect.poll(() => metric(hn, 'vr3_media_edge_pending_admissions')).toBe(0);
    const c = await hn.connect();
    await waitUntil(() => hn.cp.admits.length === 3);
    held.release();
    for (const client of [a, b, c]) {
      client.sendConnected();
      client.sendStart();
    }
    await waitUntil(() => hn.cp.starts.length === 3);
  });

  it('an admission the edge stopped waiting for (bus timeout) no longer counts', async () => {
    const hn = await harness({ config: { maxPendingAdmissions: 1, busRequestTimeoutMs: 200 }, script: { admit: () => new Promise(() => undefined) } });
    const first = await hn.connect();
    expect(await (await hn.connect()).waitForClose(1000)).toEqual(TRY_AGAIN);
    expect((await first.waitForClose(1000)).code).toBe(1011);
    const second = await hn.connect();
    expect((await second.waitForClose(1000)).code).toBe(1011);
    expect(hn.cp.admits).toHaveLength(2);
  });

  it('the control-plane answering overloaded closes 1013, finalizes nothing, and is counted', async () => {
    const hn = await harness({ script: { admit: () => ({ ok: false, error: { code: 'overloaded', message: 'admission queue full' } }) } });
    expect(await (await hn.connect()).waitForClose(1000)).toEqual(TRY_AGAIN);
    await waitUntil(() => hn.edge.activeCalls === 0);
    expect(hn.cp.finalizes).toHaveLength(0);
    expect(await metric(hn, 'vr3_media_edge_admissions_refused_total', { code: 'overloaded' })).toBe(1);
    expect(await metric(hn, 'vr3_media_edge_streams_refused_total', { code: 'overloaded' })).toBe(0);
    expect(await metric(hn, 'vr3_media_edge_pending_handshakes')).toBe(0);
  });

  it('StreamAdmit carries timeout_ms: the bus request timeout', async () => {
    const hn = await harness({ config: { busRequestTimeoutMs: 1_500 } });
    await hn.connect();
    await waitUntil(() => hn.cp.admits.length === 1);
    expect(hn.cp.admits[0]!.timeout_ms).toBe(1_500);
  });
});

describe('the handshake deadline while admission is in flight', () => {
  it('closes 4408 at the deadline and frees the slot; the run minted later is finalized handshake_timeout', async () => {
    let answer!: () => void;
    const late = (n: number) => new Promise((resolve) => (answer = () => resolve(admitted(n))));
    const hn = await harness({ config: { handshakeTimeoutMs: 200, maxPendingHandshakesPerAddress: 1 }, script: { admit: (_req, n) => late(n) } });
    const started = Date.now();
    const client = await hn.connect();
    client.sendConnected();
    expect(await client.waitForClose(1000)).toEqual({ code: 4408, reason: 'handshake timeout' });
    expect(Date.now() - started).toBeLessThan(450);
    // The socket is gone and its pending handshake released; the admission is still awaited.
    expect(await metric(hn, 'vr3_media_edge_pending_handshakes')).toBe(0);
    expect(await metric(hn, 'vr3_media_edge_pending_admissions')).toBe(1);
    expect(hn.cp.finalizes).toHaveLength(0);

    answer();
    await waitUntil(() => hn.cp.finalizes.length === 1 && hn.edge.activeCalls === 0);
    expect(hn.cp.finalizes[0]).toMatchObject({ run_id: 'run-1', state: 'failed', end_reason: 'handshake_timeout' });
    expect(await metric(hn, 'vr3_media_edge_pending_admissions')).toBe(0);
  });

  it('an admission never answered: 4408 at the deadline, the call is gone after the bus timeout, nothing to finalize', async () => {
    const hn = await harness({ config: { handshakeTimeoutMs: 200, busRequestTimeoutMs: 600 }, script: { admit: () => new Promise(() => undefined) } });
    const started = Date.now();
    const client = await hn.connect();
    expect(await client.waitForClose(1000)).toEqual({ code: 4408, reason: 'handshake timeout' });
    expect(Date.now() - started).toBeLessThan(450);
    expect(await metric(hn, 'vr3_media_edge_pending_handshakes')).toBe(0);
    await waitUntil(() => hn.edge.activeCalls === 0);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await metric(hn, 'vr3_media_edge_pending_admissions')).toBe(0);
    expect(hn.cp.finalizes).toHaveLength(0);
  });
});

describe('config', () => {
  it.each(['maxPendingHandshakesPerAddress', 'maxPendingAdmissions'] as const)('%s must be a positive integer', (field) => {
    expect(resolveMediaEdgeConfig()[field]).toBeGreaterThan(0);
    expect(() => resolveMediaEdgeConfig({ [field]: 0 })).toThrow(field);
  });
});
