import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { runBurst } from './run-burst.ts';

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    for (const ws of server.clients) ws.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/**
 * A ws server on 127.0.0.1 playing the agent side: echoes every media frame, answers `stop` with a
 * 1000 close; `behave(n)` may script connection n (0-based) instead.
 */
async function agentServer(behave: (n: number, ws: WebSocket) => 'echo' | 'silent' = () => 'echo'): Promise<string> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(server);
  let n = 0;
  server.on('connection', (ws: WebSocket) => {
    const mode = behave(n++, ws);
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.startsWith('{"event":"stop"')) return ws.close(1000);
      if (mode === 'echo' && text.startsWith('{"event":"media"')) ws.send(text);
    });
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/agent`;
}

describe('runBurst', () => {
  it('opens the calls evenly over the burst, round-robin over the URLs, and passes when every call is echoed', async () => {
    const urls = [await agentServer(), await agentServer()];
    const r = await runBurst({ urls, calls: 10, overMs: 200, callMs: 300, closeTimeoutMs: 1000 });
    expect(r.calls).toMatchObject({ requested: 10, opened: 10, answered: 10, echoed: 10, failed: 0, failuresByCode: {} });
    expect(r.pass).toBe(true);
    expect(r.settings.ratePerSecond).toBe(50);
    expect(r.records.map((c) => c.target)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    expect(r.records.map((c) => c.scheduledMs)).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180]);
    expect(r.records.every((c) => c.openToFirstEchoMs !== null && c.echoedFrames > 0 && c.closeCode === 1000)).toBe(true);
    expect(r.openedOverMs).toBeGreaterThanOrEqual(150);
    expect(r.openToFirstEchoMs.count).toBe(10);
    expect(r.closeCodes).toEqual({ '1000': 10 });
    expect(r.frames.echoed).toBeGreaterThan(0);
    expect(r.origins).toEqual(urls.map((u) => new URL(u).origin));
  });

  it('records each failed call with the close code it ended with', async () => {
    const url = await agentServer((n, ws) => {
      if (n % 3 === 1) setTimeout(() => ws.close(1011, 'server error'), 20);
      if (n % 3 === 2) setTimeout(() => ws.close(1013, 'overloaded'), 20);
      return n % 3 === 0 ? 'echo' : 'silent';
    });
    const r = await runBurst({ urls: [url], calls: 6, overMs: 60, callMs: 300, closeTimeoutMs: 1000 });
    expect(r.calls).toMatchObject({ echoed: 2, failed: 4, failures: { closed_before_echo: 4 }, failuresByCode: { '1011': 2, '1013': 2 } });
    expect(r.closeCodes).toEqual({ '1000': 2, '1011': 2, '1013': 2 });
    expect(r.pass).toBe(false);
    expect(r.verdict.join(' ')).toContain('4 of 6 calls failed');
  });

  it('never waits on a silent agent past the echo deadline, and reports a refused upgrade and an unreachable URL', async () => {
    const silent = await agentServer(() => 'silent');
    const t0 = performance.now();
    const r = await runBurst({ urls: [silent], calls: 3, overMs: 0, callMs: 200, echoTimeoutMs: 400, closeTimeoutMs: 300 });
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(r.calls).toMatchObject({ opened: 3, answered: 0, failed: 3, failuresByCode: { echo_timeout: 3 } });
    expect(r.closeCodes).toEqual({ '1006': 3 });
    expect(r.settings.ratePerSecond).toBeNull();

    const refusing = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: (_info, cb) => cb(false, 503) });
    servers.push(refusing);
    await new Promise<void>((resolve) => refusing.once('listening', () => resolve()));
    const refusedUrl = `ws://127.0.0.1:${(refusing.address() as AddressInfo).port}/agent`;
    const r2 = await runBurst({ urls: [refusedUrl, 'ws://127.0.0.1:1/agent'], calls: 2, overMs: 10, callMs: 200, connectTimeoutMs: 1000 });
    expect(r2.calls.failuresByCode).toEqual({ http_503: 1, connect_failed: 1 });
    expect(r2.records.map((c) => c.failure)).toEqual(['upgrade_refused', 'connect_failed']);
  });

  it('fails a call whose upgrade is not answered before the connect deadline as connect_timeout', async () => {
    const accepted: Socket[] = [];
    const mute = createServer((socket) => void accepted.push(socket)); // accepts TCP, never answers the upgrade
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', () => resolve()));
    try {
      const url = `ws://127.0.0.1:${(mute.address() as AddressInfo).port}/agent`;
      const t0 = performance.now();
      const r = await runBurst({ urls: [url], calls: 2, overMs: 0, callMs: 200, connectTimeoutMs: 300 });
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(r.calls).toMatchObject({ opened: 0, failed: 2, failuresByCode: { connect_timeout: 2 } });
    } finally {
      for (const socket of accepted) socket.destroy();
      await new Promise<void>((resolve) => mute.close(() => resolve()));
    }
  });
});
