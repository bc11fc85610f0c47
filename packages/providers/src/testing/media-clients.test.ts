import type { AddressInfo } from 'node:net';
import type { CallEvent, StartEvent } from '@vr3/protocol';
import { dominantFrequency, sine } from '@vr3/codec/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { StreamAdapter } from '../adapter.ts';
import { getProvider } from '../registry.ts';
import { connectMediaClient, MEDIA_CLIENT_PROVIDERS } from './connect-media-client.ts';
import type { MediaClientProvider } from './connect-media-client.ts';
import type { AckMode, ProviderMediaClient } from './media-client.ts';
import { encodeWire } from './wire-audio.ts';

let wss: WebSocketServer;
let url: string;
let server: Promise<WebSocket>;
let frames: string[];
const clients: ProviderMediaClient[] = [];

beforeEach(async () => {
  frames = [];
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
  server = new Promise((resolve) =>
    wss.on('connection', (ws) => {
      ws.on('message', (d) => frames.push(String(d)));
      resolve(ws);
    }),
  );
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close(1000, '', 500)));
  for (const ws of wss.clients) ws.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
});

const until = async (cond: () => boolean, timeoutMs = 2000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
};

async function connect(provider: MediaClientProvider, ackMode: AckMode = 'immediate'): Promise<{ client: ProviderMediaClient; adapter: StreamAdapter; ws: WebSocket; events: () => Array<CallEvent | null> }> {
  const client = await connectMediaClient(provider, url, { ackMode });
  clients.push(client);
  const adapter = getProvider(provider)!.createStreamAdapter();
  return { client, adapter, ws: await server, events: () => frames.map((f) => adapter.parse(f, false)) };
}

describe.each(MEDIA_CLIENT_PROVIDERS)('%s media client', (provider) => {
  it('speaks what the adapter parses, and understands what it builds', async () => {
    const { client, adapter, ws, events } = await connect(provider);
    const info = client.begin({ callId: 'call-9', accountId: 'ACCT-9', from: '+15550001', to: '+15550002', customParameters: { lang: 'en' } });
    const tone = sine(440, client.format.sampleRate, 200, 8000);
    client.sendPcm(tone);
    client.sendDtmf('5');
    const opening = getProvider(provider)!.handshake === 'connected-then-start' ? ['connected', 'start'] : ['start'];
    await until(() => frames.length === opening.length + 2);
    expect(events().map((e) => e?.type)).toEqual([...opening, 'media', 'dtmf']);
    const start = events()[opening.length - 1] as StartEvent;
    expect(start).toMatchObject({ streamId: info.streamId, callId: 'call-9', accountId: 'ACCT-9', from: '+15550001', to: '+15550002' });
    expect(start.customParameters).toMatchObject({ lang: 'en' });
    adapter.bind(start);
    expect(adapter.inboundFormat()).toEqual(client.format);

    ws.send(adapter.media(Buffer.from(encodeWire(adapter.outboundFormat(), tone))));
    ws.send(adapter.mark('m1'));
    await until(() => client.marks.length === 1 && frames.length === opening.length + 3);
    expect(Math.abs(dominantFrequency(client.receivedPcm(), adapter.outboundFormat().sampleRate) - 440)).toBeLessThan(10);
    expect(adapter.parse(frames.at(-1)!, false)).toEqual({ type: 'mark', name: 'm1' });

    ws.send(adapter.clear());
    await until(() => client.clears === 1);
    if (adapter.clearAck === 'cleared-event') {
      await until(() => frames.length === opening.length + 4);
      expect(adapter.parse(frames.at(-1)!, false)).toEqual({ type: 'cleared' });
    }

    const closed = client.hangup();
    if (getProvider(provider)!.streamEnd === 'stop-event') {
      await until(() => adapter.parse(frames.at(-1)!, false)?.type === 'stop');
      ws.close(1000);
    }
    expect((await closed).code).toBe(1000);
  });

  it('acknowledges markers after playout, flushes or drops them on clear, or never', async () => {
    const { client, adapter, ws, events } = await connect(provider, 'playout');
    client.begin();
    await until(() => frames.length > 0 && events().some((e) => e?.type === 'start'));
    adapter.bind(events().find((e) => e?.type === 'start') as StartEvent);
    const silence = Buffer.from(encodeWire(adapter.outboundFormat(), new Int16Array(adapter.outboundFormat().sampleRate / 5)));
    const sentAt = performance.now();
    ws.send(adapter.media(silence)); // 200 ms
    ws.send(adapter.mark('played'));
    const ack = (name: string) => (f: string) => adapter.parse(f, false)?.type === 'mark' && (adapter.parse(f, false) as { name: string }).name === name;
    await until(() => frames.some(ack('played')));
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(150);

    ws.send(adapter.media(silence));
    ws.send(adapter.mark('pending'));
    ws.send(adapter.clear());
    await until(() => client.clears === 1);
    await new Promise((r) => setTimeout(r, 50));
    // Twilio-style peers flush pending marks back on clear; Plivo-style ones drop them (and ack the clear).
    expect(frames.some(ack('pending'))).toBe(adapter.clearAck === 'marks-echoed');
  });
});

it('ackMode never leaves markers unanswered', async () => {
  const { client, adapter, ws, events } = await connect('vobiz', 'never');
  client.begin();
  await until(() => frames.length === 1);
  adapter.bind(events()[0] as StartEvent);
  ws.send(adapter.mark('x'));
  ws.send(adapter.clear());
  await until(() => client.clears === 1);
  await new Promise((r) => setTimeout(r, 50));
  expect(frames).toHaveLength(1);
  expect(client.marks).toEqual(['x']);
});
