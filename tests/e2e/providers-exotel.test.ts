import { describe, expect, it } from 'vitest';
import type { ExotelMediaClient } from '@vr3/providers/testing';
import { providerSuite } from '../harness/provider-suite.ts';
import { echoTone, finalRun, startProviderCall } from '../harness/providers.ts';

/** Exotel's chunk rule: at least 3200 B, a multiple of 320 B, at most 100 KB. */
function exotelChunk(f: any, info: { streamId: string }): void {
  expect(f).toMatchObject({ event: 'media', stream_sid: info.streamId });
  const bytes = Buffer.from(f.media.payload, 'base64').length;
  expect(bytes).toBeGreaterThanOrEqual(3200);
  expect(bytes % 320).toBe(0);
  expect(bytes).toBeLessThanOrEqual(100_000);
}

const ctx = providerSuite({
  provider: 'exotel',
  query: { 'sample-rate': '8000' },
  formats: [
    { name: 'PCM16 LE 8 kHz', call: {}, frame: exotelChunk },
    { name: 'PCM16 LE 16 kHz', call: { format: { encoding: 'pcm16le', sampleRate: 16000 } }, frame: exotelChunk },
    { name: 'PCM16 LE 24 kHz', call: { format: { encoding: 'pcm16le', sampleRate: 24000 } }, frame: exotelChunk },
  ],
  end: 'stop',
  hangupRequest: null,
});

describe('exotel specifics', () => {
  it('stop with reason "stopped" ends the run caller_hangup and records the reason', async () => {
    const c = await startProviderCall(ctx.product, ctx.setup, { query: { 'sample-rate': '8000' } });
    (c.client as ExotelMediaClient).sendStop('stopped');
    expect((await c.client.waitForClose(5000)).code).toBe(1000);
    const run = await finalRun(ctx.product, c.runId);
    expect(run).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    expect(run.logs.stream_events).toEqual([{ event: 'stop', reason: 'stopped', at: expect.any(String) }]);
  });

  it('the sample-rate query parameter sets the rate when start has none', async () => {
    const c = await startProviderCall(ctx.product, ctx.setup, { query: { 'sample-rate': '16000' }, call: { format: { encoding: 'pcm16le', sampleRate: 16000 } } });
    const echo = await echoTone(c, 600);
    expect(Math.abs(echo.frequency - 440)).toBeLessThan(10);
    const first = (c.client.received as any[]).find((f) => f.event === 'media');
    expect(Buffer.from(first.media.payload, 'base64').length).toBe(3200); // 100 ms at 16 kHz
    await c.client.hangup();
  });

  it('validates with Basic api_key:api_token and requires the call in progress', async () => {
    const c = await startProviderCall(ctx.product, ctx.setup);
    const validation = ctx.api.requests.find((r) => r.path === `/v1/Accounts/${ctx.api.accountId}/Calls/${c.info.callId}.json`);
    const { api_key, api_token } = ctx.api.credentials;
    expect(validation?.headers.authorization).toBe(`Basic ${Buffer.from(`${api_key}:${api_token}`).toString('base64')}`);
    await c.client.hangup();
  });
});
