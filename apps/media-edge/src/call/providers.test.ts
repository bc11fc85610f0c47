import { dominantFrequency, sine } from '@vr3/codec/testing';
import { connectMediaClient, type MediaClientProvider, type PlivoStyleClientOptions, type ProviderMediaClient } from '@vr3/providers/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_QUERY, startHarness, waitUntil, type Harness, type HarnessOptions } from '../test-support/harness.ts';
import { pcmBytes, ProbeEngine } from '../test-support/probe-engine.ts';

type Frame = { event?: string; media?: { payload?: string; contentType?: string; sampleRate?: number }; streamId?: string; stream_sid?: string };

let h: Harness | undefined;
const clients: ProviderMediaClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close(1000, '', 500)));
  await h?.close();
  h = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function call(provider: MediaClientProvider, options: HarnessOptions & { client?: PlivoStyleClientOptions; query?: Record<string, string>; path?: string } = {}) {
  const probe = new ProbeEngine({ echo: true });
  h = await startHarness({ engines: [probe], ...options });
  const url = h.url(options.query ?? { ...DEFAULT_QUERY, provider }, options.path);
  const client = await connectMediaClient(provider, url, options.client);
  clients.push(client);
  return { hn: h, probe, client };
}

const media = (c: ProviderMediaClient, event: string): Frame[] => (c.received as Frame[]).filter((f) => f.event === event);

describe('start-first providers (Vobiz)', () => {
  it('binds with the RunStart settings: L16 16 kHz in little-endian by setting, playAudio in the negotiated format', async () => {
    const { hn, probe, client } = await call('vobiz', {
      script: { start: () => ({ ok: true, settings: { l16_inbound_byte_order: 'little' } }) },
      client: { l16InboundByteOrder: 'little' },
    });
    const info = client.begin({ format: { encoding: 'pcm16be', sampleRate: 16000 } });
    await waitUntil(() => hn.cp.starts.length === 1);
    await sleep(20);
    expect(hn.cp.admits[0]).toMatchObject({ provider: 'vobiz' });
    const tone = sine(440, 16000, 400, 8000);
    for (let off = 0; off < tone.length; off += 320) client.sendPcm(tone.subarray(off, off + 320));
    await waitUntil(() => client.receivedPcm().length >= 5000, 3000);
    const plays = media(client, 'playAudio');
    expect(plays[0]).toMatchObject({ streamId: info.streamId, media: { contentType: 'audio/x-l16', sampleRate: 16000 } });
    expect(Buffer.from(plays[0]!.media!.payload!, 'base64')).toHaveLength(640);
    expect((client as unknown as { formatMismatches: number }).formatMismatches).toBe(0);
    expect(Math.abs(dominantFrequency(client.receivedPcm().subarray(1000), 16000) - 440)).toBeLessThan(15);

    probe.last.io.mark('said-hello');
    await waitUntil(() => probe.last.played.includes('said-hello'));
    expect(client.marks).toEqual(['said-hello']);

    await client.hangup(); // Vobiz: the socket just closes
    await waitUntil(() => hn.cp.finalizes.length === 1);
    expect(hn.cp.finalizes[0]).toMatchObject({ state: 'completed', end_reason: 'stream_closed' });
    expect(hn.cp.finalizes[0]!.stop_reason).toBeUndefined();
  });

  it('a clear nobody confirms still reports the markers sent before it', async () => {
    const { hn, probe, client } = await call('plivo', { client: { ackMode: 'never' } });
    client.begin();
    await waitUntil(() => hn.cp.starts.length === 1);
    await sleep(20);
    probe.last.io.sendAudio(pcmBytes(new Int16Array(1600)));
    probe.last.io.mark('m1');
    await waitUntil(() => client.marks.length === 1);
    const clearedAt = performance.now();
    probe.last.io.clear();
    await waitUntil(() => probe.last.played.includes('m1'), 3000);
    expect(performance.now() - clearedAt).toBeGreaterThanOrEqual(900);
    expect(client.clears).toBe(1);
  });

  it('DTMF reaches the engine', async () => {
    const { hn, probe, client } = await call('plivo');
    client.begin();
    await waitUntil(() => hn.cp.starts.length === 1);
    await sleep(20);
    client.sendDtmf('7');
    await waitUntil(() => probe.last.dtmf.length === 1);
    expect(probe.last.dtmf).toEqual(['7']);
  });
});

describe('Exotel', () => {
  it('sends media in chunks of 3200 B (a multiple of 320 B), pads the last, and passes the stop reason', async () => {
    const { hn, probe, client } = await call('exotel', { query: { provider: 'exotel', 'sample-rate': '8000' } });
    client.begin();
    await waitUntil(() => hn.cp.starts.length === 1);
    await sleep(20);
    probe.last.io.sendAudio(pcmBytes(new Int16Array(8000 + 800))); // 1.1 s at 8 kHz
    probe.last.io.mark('end');
    await waitUntil(() => probe.last.played.includes('end'), 3000);
    const sizes = media(client, 'media').map((f) => Buffer.from(f.media!.payload!, 'base64').length);
    expect(sizes).toEqual([3200, 3200, 3200, 3200, 3200, 3200]);
    expect(media(client, 'media')[0]).toHaveProperty('stream_sid');
    client.sendDtmf('3');
    await waitUntil(() => probe.last.dtmf.length === 1);
    (client as unknown as { sendStop(reason: string): void }).sendStop('stopped');
    await client.waitForClose();
    await waitUntil(() => hn.cp.finalizes.length === 1);
    expect(hn.cp.finalizes[0]).toMatchObject({ state: 'completed', end_reason: 'caller_hangup', stop_reason: 'stopped' });
  });
});

describe('Twilio path form', () => {
  it('takes the provider from the path and needs no query string', async () => {
    const { hn, client } = await call('twilio', { query: {}, path: '/api/v1/agent-stream/twilio/6f1c1b9e-1d2a-4c57-9b0e-4a7e0c2f9d11' });
    client.begin();
    await waitUntil(() => hn.cp.starts.length === 1);
    expect(hn.cp.admits[0]).toMatchObject({ provider: 'twilio', query: {} });
    expect(hn.cp.starts[0]!.start).toMatchObject({ account_id: expect.stringMatching(/^AC/), from: '+15551230001' });
    expect((await client.hangup()).code).toBe(1000);
  });
});
