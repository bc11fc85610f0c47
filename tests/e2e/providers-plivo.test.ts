import { describe, expect, it } from 'vitest';
import { providerSuite } from '../harness/provider-suite.ts';
import { startProviderCall } from '../harness/providers.ts';

const ctx = providerSuite({
  provider: 'plivo',
  query: {},
  formats: [
    {
      name: 'μ-law 8 kHz',
      call: {},
      frame: (f, info) => expect(f).toMatchObject({ event: 'playAudio', streamId: info.streamId, media: { contentType: 'audio/x-mulaw', sampleRate: 8000 } }),
    },
    {
      name: 'L16 16 kHz',
      call: { format: { encoding: 'pcm16be', sampleRate: 16000 } },
      frame: (f, info) => expect(f).toMatchObject({ event: 'playAudio', streamId: info.streamId, media: { contentType: 'audio/x-l16', sampleRate: 16000 } }),
    },
  ],
  end: 'close',
  hangupRequest: (api, callId) => ({ method: 'DELETE', path: `/v1/Account/${api.accountId}/Call/${callId}/` }),
});

describe('plivo specifics', () => {
  it('extra_headers arrive as custom parameters on the run', async () => {
    const c = await startProviderCall(ctx.product, ctx.setup, { call: { customParameters: { userId: '12345', sessionId: 'abc' } } });
    const run = (await ctx.product.api('GET', `/runs/${c.runId}`)).body;
    expect(run.logs.inbound_webhook.start).toMatchObject({ extra_headers: 'userId=12345;sessionId=abc' });
    await c.client.hangup();
  });

  it('validates with Basic auth on the live-call resource', async () => {
    const c = await startProviderCall(ctx.product, ctx.setup);
    const validation = ctx.api.requests.find((r) => r.method === 'GET' && r.path.includes(c.info.callId));
    expect(validation?.path).toBe(`/v1/Account/${ctx.api.accountId}/Call/${c.info.callId}/?status=live`);
    expect(validation?.headers.authorization).toBe(`Basic ${Buffer.from(`${ctx.api.accountId}:${ctx.api.credentials.auth_token}`).toString('base64')}`);
    await c.client.hangup();
  });
});
