import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { botCommand } from './bot-command.ts';
import { main } from './main.ts';

const stops: AbortController[] = [];
afterEach(() => {
  for (const c of stops.splice(0)) c.abort();
});

const until = async (cond: () => boolean, timeoutMs = 3000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('vr3-sim bot', () => {
  it('prints the URL and configuration, echoes a vr3 call and hangs up on #', async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    stops.push(stop);
    const done = botCommand(['--protocol', 'vr3', '--port', '0'], { signal: stop.signal, write: (l) => lines.push(l) });
    await until(() => lines.length >= 2);
    const url = /listening on (ws:\/\/\S+)/.exec(lines[0]!)?.[1];
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
    expect(JSON.parse(lines[1]!.split('configuration: ')[1]!)).toEqual({ type: 'bridge', url, protocol: 'vr3' });

    const ws = new WebSocket(url!);
    const received: Buffer[] = [];
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('message', (data, isBinary) => {
      if (isBinary) received.push(data as Buffer);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ event: 'start', version: 1, run_id: 'r', run_name: 'WR-AGS-1', agent_uuid: 'u', provider: 'twilio', stream_id: 's1', custom_parameters: {}, initial_context: {}, media_format: { encoding: 'pcm16le', sample_rate: 16000, channels: 1 } }));
    const audio = Buffer.from([1, 2, 3, 4, 5, 6]);
    ws.send(audio);
    await until(() => received.length === 1);
    expect(received[0]).toEqual(audio);
    ws.send(JSON.stringify({ event: 'dtmf', digit: '#' }));
    expect(await closed).toBe(1000);
    await until(() => lines.some((l) => l.includes('closed 1000')));
    expect(lines.join('\n')).toMatch(/call 1: .*start stream=s1 format=pcm16le\/16000 run=WR-AGS-1/);
    expect(lines.join('\n')).toMatch(/call 1: .*dtmf #/);
    stop.abort();
    expect(await done).toBe(0);
  });

  it('refuses an unknown protocol or mode as bad usage', async () => {
    expect(await main(['bot', '--protocol', 'sip'])).toBe(2);
    expect(await main(['bot'])).toBe(2);
    expect(await main(['bot', '--protocol', 'twilio', '--mode', 'refuse'])).toBe(2);
    expect(await main(['bot', '--protocol', 'twilio', '--host', '192.0.2.1', '--port', '1'])).toBe(2);
  });
});
