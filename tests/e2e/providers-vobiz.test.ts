import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VobizMediaClient, startFakeProviderApi } from '@vr3/providers/testing';
import { providerSuite } from '../harness/provider-suite.ts';
import { echoTone, finalRun, providerStreamUrl, setupProvider, startProviderCall } from '../harness/providers.ts';

const ctx = providerSuite({
  provider: 'vobiz',
  query: {},
  formats: [
    {
      name: 'L16 16 kHz (big-endian in, little-endian out)',
      call: { format: { encoding: 'pcm16be', sampleRate: 16000 } },
      frame: (f, info) => expect(f).toMatchObject({ event: 'playAudio', streamId: info.streamId, media: { contentType: 'audio/x-l16', sampleRate: 16000 } }),
    },
    {
      name: 'μ-law 8 kHz, flat start',
      call: { format: { encoding: 'mulaw', sampleRate: 8000 } },
      client: { flatStart: true },
      frame: (f, info) => expect(f).toMatchObject({ event: 'playAudio', streamId: info.streamId, media: { contentType: 'audio/x-mulaw', sampleRate: 8000 } }),
    },
  ],
  end: 'close',
  hangupRequest: (api, callId) => ({ method: 'DELETE', path: `/api/v1/Account/${api.accountId}/Call/${callId}/` }),
});

describe('vobiz specifics', () => {
  it('per-configuration byte order: a little-endian account echoes cleanly with l16_inbound_byte_order=little', async () => {
    const api = await startFakeProviderApi('vobiz', { accountId: 'MA_LITTLEENDIAN' });
    try {
      const setup = await setupProvider(ctx.product, api, { settings: { l16_inbound_byte_order: 'little' } });
      const c = await startProviderCall(ctx.product, setup, { call: { format: { encoding: 'pcm16be', sampleRate: 8000 } }, client: { l16InboundByteOrder: 'little' } });
      const echo = await echoTone(c);
      expect(Math.abs(echo.frequency - 440)).toBeLessThan(10);
      expect(Math.abs(echo.levelDb)).toBeLessThan(1.5);
      await c.client.hangup();
    } finally {
      await api.close();
    }
  });

  it('the AuthId query parameter names the account when start has none', async () => {
    const callId = `call-${randomUUID()}`;
    ctx.api.addCall(callId);
    const url = providerStreamUrl(ctx.product, ctx.setup, { AuthId: ctx.api.accountId });
    const client = await VobizMediaClient.connect(url);
    client.sendRaw(JSON.stringify({ event: 'start', sequenceNumber: 1, start: { callId, streamId: 'S-no-account', mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 } } }));
    await expect.poll(() => ctx.api.requests.some((r) => r.method === 'GET' && r.path.includes(callId)), { timeout: 5000 }).toBe(true);
    const runs = await ctx.product.api('GET', `/runs?agent_uuid=${ctx.setup.agentUuid}&limit=5`);
    const run = (runs.body.data as any[]).find((r) => r.gathered_context?.call_sid === callId);
    expect(run).toMatchObject({ telephony_configuration_id: ctx.setup.configId, logs: { inbound_webhook: { AuthId: ctx.api.accountId } } });
    await client.close();
    expect(await finalRun(ctx.product, run.id)).toMatchObject({ state: 'completed', end_reason: 'stream_closed' });
  });
});
