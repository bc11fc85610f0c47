import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { tone } from '../audio/source.ts';
import { runCall } from './run-call.ts';

let server: WebSocketServer | undefined;
afterEach(async () => {
  if (!server) return;
  for (const ws of server.clients) ws.terminate();
  await new Promise<void>((resolve) => server!.close(() => resolve()));
  server = undefined;
});

/** A scripted agent side: echoes media Twilio-style, answers a DTMF with a mark, closes 1000 on `stop`. */
async function scriptedAgent(seen: string[]): Promise<string> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (ws: WebSocket) => {
    let sid = '';
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as { event: string; streamSid?: string; media?: { payload: string }; dtmf?: { digit: string } };
      seen.push(f.event);
      if (f.event === 'start') sid = f.streamSid ?? '';
      if (f.event === 'media') ws.send(JSON.stringify({ event: 'media', streamSid: sid, media: { payload: f.media!.payload } }));
      if (f.event === 'dtmf') ws.send(JSON.stringify({ event: 'mark', streamSid: sid, mark: { name: `got-${f.dtmf!.digit}` } }));
      if (f.event === 'stop') ws.close(1000, 'call ended');
    });
  });
  await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/agent-stream/x?provider=cloudonix`;
}

describe('runCall', () => {
  it('streams in real time, presses DTMF, records the agent audio, hangs up and keeps a timeline', async () => {
    const seen: string[] = [];
    const url = await scriptedAgent(seen);
    const started = performance.now();
    const report = await runCall({ url, provider: 'cloudonix', audio: tone(440, 300, 8000), dtmf: [{ digit: '4', atMs: 100 }], tailMs: 100 });
    // 300 ms of audio + 100 ms of silence at 20 ms a frame, paced: no faster than real time.
    expect(report.framesSent).toBe(20);
    expect(performance.now() - started).toBeGreaterThanOrEqual(380);
    expect(seen.slice(0, 2)).toEqual(['connected', 'start']);
    expect(seen).toContain('dtmf');
    expect(seen.at(-1)).toBe('stop');
    expect(report.framesReceived).toBe(20);
    expect(report.received.length).toBe(20 * 160);
    expect(report.marks).toBe(1);
    expect(report.close).toEqual({ code: 1000, reason: 'call ended' });
    const events = report.timeline.map((e) => e.event);
    for (const e of ['open', 'handshake sent', 'first audio', 'dtmf', 'mark', 'audio sent', 'hanging up', 'closed']) expect(events).toContain(e);
    expect(report.timeline.find((e) => e.event === 'mark')?.detail).toEqual({ event: 'mark', name: 'got-4' });
  });

  it('rejects with connect_failed when nothing listens', async () => {
    await expect(runCall({ url: 'ws://127.0.0.1:1/x', provider: 'cloudonix', audio: new Int16Array(160) })).rejects.toMatchObject({ code: 'connect_failed' });
  });
});
