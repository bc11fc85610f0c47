import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { CloudonixStreamAdapter } from '../cloudonix/stream-adapter.ts';
import type { StartEvent } from '@vr3/protocol';
import { CloudonixMediaClient, MediaClientConnectError } from './cloudonix-media-client.ts';

/** A small recording ws server; `onConnection` decides what the server does. */
let wss: WebSocketServer;
let url: string;
let serverFrames: string[];
let serverSocket: Promise<WebSocket>;
let onConnection: (ws: WebSocket) => void;
const clients: CloudonixMediaClient[] = [];

beforeEach(async () => {
  serverFrames = [];
  onConnection = () => {};
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api/v1/agent-stream/agent`;
  serverSocket = new Promise((resolve) => {
    wss.on('connection', (ws) => {
      ws.on('message', (data) => serverFrames.push(String(data)));
      onConnection(ws);
      resolve(ws);
    });
  });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const ws of wss.clients) ws.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
});

async function connect(opts?: Parameters<typeof CloudonixMediaClient.connect>[1]): Promise<CloudonixMediaClient> {
  const client = await CloudonixMediaClient.connect(url, opts);
  clients.push(client);
  return client;
}

const until = async (cond: () => boolean, timeoutMs = 2000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('CloudonixMediaClient', () => {
  it('sends a Cloudonix handshake, media, dtmf, mark and stop that the Cloudonix adapter accepts', async () => {
    const client = await connect();
    client.sendConnected();
    const info = client.sendStart({ session: 'sess-1', accountSid: 'acme', customParameters: { lang: 'en' } });
    client.sendMedia(new Uint8Array(160).fill(0xff));
    client.sendMedia(Buffer.alloc(160, 0x7f));
    client.sendDtmf('5');
    client.sendMark('m1');
    client.sendStop();
    await until(() => serverFrames.length === 7);

    const adapter = new CloudonixStreamAdapter();
    const events = serverFrames.map((f) => adapter.parse(f, false));
    expect(events.map((e) => e?.type)).toEqual(['connected', 'start', 'media', 'media', 'dtmf', 'mark', 'stop']);
    const start = events[1] as StartEvent;
    expect(start).toMatchObject({
      streamId: info.streamSid,
      callId: info.callSid,
      sessionId: 'sess-1',
      accountId: 'acme',
      from: '+15551230001',
      to: '+15551230002',
      customParameters: { lang: 'en' },
      mediaFormat: { encoding: 'mulaw', sampleRate: 8000 },
    });
    expect(events[2]).toStrictEqual({ type: 'media', payload: Buffer.alloc(160, 0xff), sequence: 2, timestampMs: 0 });
    expect(events[3]).toStrictEqual({ type: 'media', payload: Buffer.alloc(160, 0x7f), sequence: 3, timestampMs: 20 });
    expect(events[4]).toStrictEqual({ type: 'dtmf', digit: '5' });
    expect(events[5]).toStrictEqual({ type: 'mark', name: 'm1' });

    // Wire details: strings for counters, chunk numbering, ids on every frame.
    const media = JSON.parse(serverFrames[3] ?? '') as Record<string, unknown>;
    expect(media).toMatchObject({ event: 'media', sequenceNumber: '3', streamSid: info.streamSid, media: { track: 'inbound', chunk: '2', timestamp: '20' } });
    expect(JSON.parse(serverFrames[6] ?? '')).toMatchObject({ event: 'stop', streamSid: info.streamSid, stop: { session: 'sess-1', accountSid: 'acme' } });
  });

  it('records server frames, decodes outbound media and echoes marks', async () => {
    onConnection = (ws) => {
      ws.send(JSON.stringify({ event: 'media', streamSid: 's', media: { payload: Buffer.from([1, 2]).toString('base64') } }));
      ws.send(JSON.stringify({ event: 'media', streamSid: 's', media: { payload: Buffer.from([3]).toString('base64') } }));
      ws.send(JSON.stringify({ event: 'mark', streamSid: 's', mark: { name: 'played-1' } }));
      ws.send(Buffer.from([0]), { binary: true });
      ws.send('not json');
    };
    const client = await connect();
    await client.waitFor((f) => (f as { event?: string }).event === 'mark');
    expect(client.receivedMedia()).toEqual(Buffer.from([1, 2, 3]));
    await until(() => serverFrames.length === 1 && client.invalidFrames.length === 2);
    expect(JSON.parse(serverFrames[0] ?? '')).toMatchObject({ event: 'mark', mark: { name: 'played-1' } });
    expect(client.received).toHaveLength(3);
  });

  it('does not echo marks when autoEchoMarks is false', async () => {
    onConnection = (ws) => ws.send(JSON.stringify({ event: 'mark', streamSid: 's', mark: { name: 'x' } }));
    const client = await connect({ autoEchoMarks: false });
    await client.waitFor(() => true);
    await new Promise((r) => setTimeout(r, 50));
    expect(serverFrames).toEqual([]);
  });

  it('keeps a close that happens right after the upgrade observable', async () => {
    onConnection = (ws) => {
      ws.send(JSON.stringify({ event: 'bye' }));
      ws.close(4400, 'malformed handshake');
    };
    const client = await connect();
    await new Promise((r) => setTimeout(r, 50));
    expect(await client.waitForClose(1000)).toEqual({ code: 4400, reason: 'malformed handshake' });
    expect(client.received).toEqual([{ event: 'bye' }]);
    expect(client.isOpen).toBe(false);
    // Sends after close are dropped silently.
    expect(() => client.sendMedia(new Uint8Array(1))).not.toThrow();
  });

  it('rejects waitFor when the socket closes without a match, and on timeout', async () => {
    const client = await connect();
    await expect(client.waitFor(() => false, 50)).rejects.toThrow(/within 50 ms/);
    const pending = client.waitFor(() => false, 5000);
    (await serverSocket).close(1000);
    await expect(pending).rejects.toThrow(/closed \(1000\)/);
    await expect(client.waitFor(() => false)).rejects.toThrow(/closed/);
  });

  it('waitForClose times out while open', async () => {
    const client = await connect();
    await expect(client.waitForClose(50)).rejects.toThrow(/still open/);
  });

  it('close() is idempotent and reports the close', async () => {
    const client = await connect();
    const [a, b] = await Promise.all([client.close(1000, 'done'), client.close()]);
    expect(a).toEqual({ code: 1000, reason: 'done' });
    expect(b).toEqual(a);
    expect(await client.close()).toEqual(a);
  });

  it('rejects connect with the HTTP status of a refused upgrade', async () => {
    const refusing = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: (_info, cb) => cb(false, 403, 'Forbidden') });
    await new Promise<void>((resolve) => refusing.once('listening', resolve));
    const port = (refusing.address() as AddressInfo).port;
    try {
      const err = await CloudonixMediaClient.connect(`ws://127.0.0.1:${port}/`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MediaClientConnectError);
      expect((err as MediaClientConnectError).statusCode).toBe(403);
    } finally {
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
  });

  it('rejects connect when nothing listens', async () => {
    const port = (wss.address() as AddressInfo).port;
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    const err = await CloudonixMediaClient.connect(`ws://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaClientConnectError);
    expect((err as MediaClientConnectError).statusCode).toBeUndefined();
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
  });
});
