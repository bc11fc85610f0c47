import { describe, expect, it } from 'vitest';
import { TwilioMediaClient } from '@vr3/providers/testing';
import { providerSuite } from '../harness/provider-suite.ts';
import { finalRun, newestRun, providerStreamUrl, startProviderCall } from '../harness/providers.ts';

const ctx = providerSuite({
  provider: 'twilio',
  query: null, // Twilio forbids query strings in <Stream url>: the path form
  formats: [
    {
      name: 'μ-law 8 kHz',
      call: {},
      frame: (f, info) => {
        expect(f).toMatchObject({ event: 'media', streamSid: info.streamId });
        expect(Buffer.from(f.media.payload, 'base64').length).toBe(160);
      },
    },
  ],
  end: 'stop',
  hangupRequest: (api, callId) => ({ method: 'POST', path: `/2010-04-01/Accounts/${api.accountId}/Calls/${callId}.json` }),
});

describe('twilio specifics', () => {
  it('start before connected closes 4400 and fails the run', async () => {
    const client = await TwilioMediaClient.connect(providerStreamUrl(ctx.product, ctx.setup, null));
    client.sendStartFrame({ accountId: ctx.api.accountId });
    expect(await client.waitForClose(5000)).toEqual({ code: 4400, reason: 'malformed handshake' });
    expect(await finalRun(ctx.product, (await newestRun(ctx.product, ctx.setup.agentUuid)).id)).toMatchObject({ state: 'failed', end_reason: 'malformed_handshake' });
  });

  it('the API hangup posts Status=completed with Basic account_sid:auth_token', async () => {
    const c = await startProviderCall(ctx.product, ctx.setup, { query: null });
    expect((await ctx.product.api('POST', `/runs/${c.runId}/hangup`)).status).toBe(202);
    const path = `/2010-04-01/Accounts/${ctx.api.accountId}/Calls/${c.info.callId}.json`;
    await expect.poll(() => ctx.api.requests.find((r) => r.method === 'POST' && r.path === path), { timeout: 5000 }).toBeDefined();
    const hangup = ctx.api.requests.find((r) => r.method === 'POST' && r.path === path)!;
    expect(hangup.body).toBe('Status=completed');
    expect(hangup.headers.authorization).toBe(`Basic ${Buffer.from(`${ctx.api.accountId}:${ctx.api.credentials.auth_token}`).toString('base64')}`);
    expect(ctx.api.callStatus(c.info.callId)).toBe('completed');
  });
});
