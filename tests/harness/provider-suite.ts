/**
 * The end-to-end checks every provider passes through the embedded product: echo of a test tone
 * (frequency and level), the run record, close codes, end of stream, API and agent hangup. Each
 * `tests/e2e/providers-<name>.test.ts` calls {@link providerSuite} and adds its provider's specifics.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMediaClient, startFakeProviderApi, type FakeApiProvider, type FakeProviderApi, type MediaCallOptions, type PlivoStyleClientOptions } from '@vr3/providers/testing';
import { ProductProcess } from './product.ts';
import { echoTone, finalRun, newestRun, providerStreamUrl, setupProvider, startProviderCall, type ProviderSetup } from './providers.ts';

/** What differs between providers in the shared checks. */
export interface ProviderSuiteSpec {
  provider: FakeApiProvider;
  /** Query parameters of the stream URL besides `provider`; `null` = path form. */
  query: Record<string, string> | null;
  /** Audio formats to echo, each a call option set plus a check of one outbound audio frame. */
  formats: Array<{ name: string; call: MediaCallOptions; client?: PlivoStyleClientOptions; frame(frame: any, info: { streamId: string }): void }>;
  /** `stop`: the provider sends `stop` (run `caller_hangup`); `close`: it just closes the socket (`stream_closed`). */
  end: 'stop' | 'close';
  /** The provider API request a hangup makes, or null when closing the stream is the hangup (Exotel). */
  hangupRequest: ((api: FakeProviderApi, callId: string) => { method: string; path: string }) | null;
}

/** The product, the fake API and the configuration a suite shares; set in `beforeAll`. */
export interface SuiteContext {
  product: ProductProcess;
  api: FakeProviderApi;
  setup: ProviderSetup;
}

export function providerSuite(spec: ProviderSuiteSpec): SuiteContext {
  const ctx = {} as SuiteContext;
  beforeAll(async () => {
    ctx.api = await startFakeProviderApi(spec.provider);
    ctx.product = await ProductProcess.start({ env: { VR3_PROVIDER_TIMEOUT_MS: '700' } });
    ctx.setup = await setupProvider(ctx.product, ctx.api);
  });
  afterAll(async () => {
    await ctx.product?.stop();
    await ctx.api?.close();
  });
  const call = (options: Parameters<typeof startProviderCall>[2] = {}) => startProviderCall(ctx.product, ctx.setup, { query: spec.query, ...options });
  const closeOf = async (send: (c: Awaited<ReturnType<typeof connectMediaClient>>) => void, query = spec.query) => {
    const client = await connectMediaClient(spec.provider, providerStreamUrl(ctx.product, ctx.setup, query));
    send(client);
    return client.waitForClose(5000);
  };

  describe(`${spec.provider}: echo round trip`, () => {
    for (const format of spec.formats) {
      it(`${format.name}: the caller's tone comes back at the same frequency and level, paced`, async () => {
        const c = await call({ call: format.call, ...(format.client ? { client: format.client } : {}) });
        const echo = await echoTone(c);
        expect(Math.abs(echo.frequency - 440)).toBeLessThan(10);
        expect(Math.abs(echo.levelDb)).toBeLessThan(1.5);
        expect(echo.elapsedMs).toBeGreaterThanOrEqual(950);
        const audio = (c.client.received as any[]).filter((f) => f.event === 'media' || f.event === 'playAudio');
        expect(audio.length).toBeGreaterThan(4);
        for (const frame of audio) format.frame(frame, c.info);
        const closed = await c.client.hangup();
        expect(closed.code).toBe(1000);
        const run = await finalRun(ctx.product, c.runId);
        expect(run).toMatchObject({ state: 'completed', end_reason: spec.end === 'stop' ? 'caller_hangup' : 'stream_closed' });
        expect(run.media_stats.audio_in_ms).toBeGreaterThanOrEqual(900);
      });
    }
  });

  describe(`${spec.provider}: run record`, () => {
    it('carries the contract fields from the URL and the start event', async () => {
      const c = await call({ call: { from: '+15550100', to: '+15550199' } });
      const run = (await ctx.product.api('GET', `/runs/${c.runId}`)).body;
      expect(run.name).toMatch(/^WR-AGS-[A-Z0-9]{8}$/);
      expect(run).toMatchObject({
        agent_uuid: ctx.setup.agentUuid,
        call_type: 'inbound',
        mode: spec.provider,
        state: 'running',
        telephony_configuration_id: ctx.setup.configId,
        initial_context: { caller_number: '+15550100', called_number: '+15550199' },
        gathered_context: { call_id: c.info.callId, call_sid: c.info.callId, stream_id: c.info.streamId, account_id: ctx.api.accountId },
      });
      expect(JSON.stringify(run.logs.inbound_webhook.start)).toContain(c.info.streamId);
      await c.client.hangup();
      expect((await finalRun(ctx.product, c.runId)).duration_seconds).toBeGreaterThanOrEqual(0);
    });
  });

  describe(`${spec.provider}: close codes`, () => {
    it('an account without a configuration closes 4400 and fails the run', async () => {
      const close = await closeOf((c) => c.begin({ accountId: 'NoSuchAccount1', callId: 'x' }));
      expect(close).toEqual({ code: 4400, reason: 'no matching telephony configuration' });
      expect(await finalRun(ctx.product, (await newestRun(ctx.product, ctx.setup.agentUuid)).id)).toMatchObject({ state: 'failed', end_reason: 'malformed_handshake' });
    });

    it('a call the provider does not know as live closes 4400 session validation failed', async () => {
      const close = await closeOf((c) => c.begin({ accountId: ctx.api.accountId, callId: `dead-${randomUUID()}` }));
      expect(close).toEqual({ code: 4400, reason: 'session validation failed' });
      expect(await finalRun(ctx.product, (await newestRun(ctx.product, ctx.setup.agentUuid)).id)).toMatchObject({ state: 'failed', end_reason: 'session_validation_failed' });
    });

    it('media before start closes 4400 malformed handshake', async () => {
      expect(await closeOf((c) => c.sendAudio(new Uint8Array(160)))).toEqual({ code: 4400, reason: 'malformed handshake' });
    });

    it('no start before the deadline closes 4408', async () => {
      expect(await closeOf(() => {})).toEqual({ code: 4408, reason: 'handshake timeout' });
    });
  });

  describe(`${spec.provider}: hangup`, () => {
    it('POST /runs/{id}/hangup ends the call at the provider, closes 1000 and completes the run', async () => {
      const c = await call();
      expect((await ctx.product.api('POST', `/runs/${c.runId}/hangup`)).status).toBe(202);
      expect((await c.client.waitForClose(5000)).code).toBe(1000);
      expect(await finalRun(ctx.product, c.runId)).toMatchObject({ state: 'completed', end_reason: 'api_hangup' });
      await expectHangupRequest(ctx, spec, c.info.callId);
    });

    it('the agent hangs up on a DTMF digit: provider hangup, close 1000, agent_hangup', async () => {
      const c = await call();
      c.client.sendDtmf('#');
      expect((await c.client.waitForClose(5000)).code).toBe(1000);
      expect(await finalRun(ctx.product, c.runId)).toMatchObject({ state: 'completed', end_reason: 'agent_hangup' });
      await expectHangupRequest(ctx, spec, c.info.callId);
    });
  });

  return ctx;
}

async function expectHangupRequest(ctx: SuiteContext, spec: ProviderSuiteSpec, callId: string): Promise<void> {
  if (spec.hangupRequest === null) {
    // Closing the stream is the hangup: no request beyond validation reaches the provider.
    await new Promise((r) => setTimeout(r, 200));
    expect(ctx.api.requests.filter((r) => r.path.includes(callId) && r.method !== 'GET')).toEqual([]);
    return;
  }
  const want = spec.hangupRequest(ctx.api, callId);
  await expect.poll(() => ctx.api.requests.some((r) => r.method === want.method && r.path === want.path), { timeout: 5000 }).toBe(true);
}
