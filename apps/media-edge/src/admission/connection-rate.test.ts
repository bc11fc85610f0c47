import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { resolveMediaEdgeConfig } from '../config.ts';
import { startHarness, waitUntil, type Harness, type HarnessOptions } from '../test-support/harness.ts';
import { ConnectionRateLimiter } from './connection-rate.ts';
import { TokenBucket } from './token-bucket.ts';

describe('TokenBucket', () => {
  it('allows the burst at once, then the rate, refilled from the clock', () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(50)).toBe(false); // half a token
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(100)).toBe(false);
    // Idle for long: never more than the burst.
    expect(bucket.isFull(10_000)).toBe(true);
    expect([bucket.take(10_000), bucket.take(10_000), bucket.take(10_000), bucket.take(10_000)]).toEqual([true, true, true, false]);
  });
});

describe('ConnectionRateLimiter', () => {
  it('keeps one bucket per address and forgets addresses whose bucket refilled', () => {
    let now = 0;
    const limiter = new ConnectionRateLimiter(2, 2, () => now);
    expect([limiter.admit('a'), limiter.admit('a'), limiter.admit('a')]).toEqual([true, true, false]);
    expect(limiter.admit('b')).toBe(true);
    expect(limiter.tracked).toBe(2);
    now = 500;
    expect(limiter.admit('a')).toBe(true);
    expect(limiter.admit('a')).toBe(false);
    // A refill period (1 s) later, idle addresses are swept on the next connection.
    now = 2_000;
    expect(limiter.admit('c')).toBe(true);
    expect(limiter.tracked).toBe(1);
  });
});

let h: Harness | undefined;
const raw: WebSocket[] = [];
afterEach(async () => {
  for (const ws of raw.splice(0)) ws.terminate();
  await h?.close();
  h = undefined;
});

async function harness(options: HarnessOptions): Promise<Harness> {
  h = await startHarness(options);
  return h;
}

async function metric(hn: Harness, name: string, labels: Record<string, string> = {}): Promise<number> {
  const values = (await hn.metrics.getSingleMetric(name)?.get())?.values ?? [];
  return values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
}

/** Opens a socket from `localAddress` and resolves with how it was closed. */
function openFrom(hn: Harness, localAddress: string): Promise<{ code: number; reason: string }> {
  const ws = new WebSocket(hn.url(), { localAddress });
  raw.push(ws);
  ws.on('error', () => undefined);
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

/** The `stream refused` lines the edge logged. */
function refusalLines(hn: Harness): Array<Record<string, unknown>> {
  return hn.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'stream refused');
}

describe('new connections per source address', () => {
  it('N + k quick connections from one address: k closed 1013 at once, counted, logged once in aggregate; another address is unaffected', async () => {
    const BURST = 5;
    const EXTRA = 4;
    // An admission that never answers: the admitted sockets stay open (pending) until the test ends.
    const hn = await harness({
      captureLogs: true,
      config: { connectionBurstPerAddress: BURST, connectionsPerSecondPerAddress: 1, refusalLogIntervalMs: 300 },
      script: { admit: () => new Promise(() => undefined) },
    });
    const closes = Array.from({ length: BURST + EXTRA }, () => openFrom(hn, '127.0.0.2'));
    const refused = await Promise.all(closes.slice(BURST));
    expect(refused).toEqual(Array.from({ length: EXTRA }, () => ({ code: 1013, reason: 'try again later' })));
    await waitUntil(() => hn.cp.admits.length === BURST);
    expect(await metric(hn, 'vr3_media_edge_streams_refused_total', { code: 'too_many_connections' })).toBe(EXTRA);
    await expect.poll(() => metric(hn, 'vr3_media_edge_close_codes_total', { code: '1013', initiator: 'edge' })).toBe(EXTRA);

    // Another source address has its own bucket.
    void openFrom(hn, '127.0.0.3');
    await waitUntil(() => hn.cp.admits.length === BURST + 1);

    // Nothing logged per refused stream: one line for the address once the interval ends, with the count.
    expect(refusalLines(hn)).toHaveLength(0);
    await waitUntil(() => refusalLines(hn).length > 0, 2_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(refusalLines(hn)).toEqual([
      expect.objectContaining({ level: 40, code: 'too_many_connections', source_address: '127.0.0.2', count: EXTRA, interval_ms: 300 }),
    ]);
  });

  it('the bucket refills at the sustained rate', async () => {
    const hn = await harness({ config: { connectionBurstPerAddress: 2, connectionsPerSecondPerAddress: 10 }, script: { admit: () => new Promise(() => undefined) } });
    const first = [openFrom(hn, '127.0.0.4'), openFrom(hn, '127.0.0.4'), openFrom(hn, '127.0.0.4')];
    expect((await first[2]!).code).toBe(1013);
    await new Promise((r) => setTimeout(r, 150)); // > one token at 10/s
    void openFrom(hn, '127.0.0.4');
    await waitUntil(() => hn.cp.admits.length === 3);
    expect(await metric(hn, 'vr3_media_edge_streams_refused_total', { code: 'too_many_connections' })).toBe(1);
  });

  it('streams the control-plane refuses are logged in aggregate too, not one line each', async () => {
    const hn = await harness({
      captureLogs: true,
      config: { refusalLogIntervalMs: 200 },
      script: { admit: () => ({ ok: false, error: { code: 'agent_not_found', message: 'agent not found' } }) },
    });
    const closes = await Promise.all(Array.from({ length: 6 }, () => openFrom(hn, '127.0.0.5')));
    expect(closes.every((c) => c.code === 1008)).toBe(true);
    await waitUntil(() => refusalLines(hn).length > 0, 2_000);
    await waitUntil(() => hn.edge.activeCalls === 0);
    expect(refusalLines(hn)).toEqual([expect.objectContaining({ code: 'agent_not_found', source_address: '127.0.0.5', count: 6 })]);
    // No info line per refused stream.
    const perStream = hn.logs.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level >= 30 && l.msg !== 'stream refused');
    expect(perStream).toEqual([]);
  });

  it('config: the rate and burst are positive integers', () => {
    expect(resolveMediaEdgeConfig()).toMatchObject({ connectionsPerSecondPerAddress: 50, connectionBurstPerAddress: 200 });
    expect(() => resolveMediaEdgeConfig({ connectionsPerSecondPerAddress: 0 })).toThrow('connectionsPerSecondPerAddress');
    expect(() => resolveMediaEdgeConfig({ connectionBurstPerAddress: 1.5 })).toThrow('connectionBurstPerAddress');
  });
});
