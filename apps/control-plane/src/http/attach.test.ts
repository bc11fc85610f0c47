/**
 * Attaching an agent to a live call on a real database with the provider stand-in: the route's
 * validation and errors, the attach job (the provider's stream id on the run, or the run failed
 * when the call is not live), stopping the stream through the provider (`DELETE /runs/{id}/stream`)
 * and its 404/409s, and stream status callbacks recorded without moving the dial status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProviderApi, type FakeProviderApi } from '@vr3/providers/testing';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

let server: TestPostgres;
let cp: TestControlPlane;
let vobiz: FakeProviderApi;
let agentUuid: string;
let vobizConfig: string;
let twilioConfig: string;

beforeAll(async () => {
  server = await startTestPostgres();
  vobiz = await startFakeProviderApi('vobiz', { streamBack: { maxStreamMs: 5000 } });
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
  cp.controlPlane.setPublicUrl(cp.baseUrl);
  agentUuid = (await cp.api('POST', '/agents', { name: 'attach', engine: { type: 'echo' } })).body.uuid;
  vobizConfig = (await cp.api('POST', '/telephony-configurations', { provider: 'vobiz', name: 'vb', auth_id: vobiz.accountId, ...vobiz.credentials, api_base_url: vobiz.url })).body.id;
  twilioConfig = (await cp.api('POST', '/telephony-configurations', { provider: 'twilio', name: 'tw', account_sid: `AC${'0'.repeat(32)}`, auth_token: 't' })).body.id;
});
afterAll(async () => {
  await cp?.close();
  await vobiz?.close();
  await server?.stop();
});

const attach = (body: Record<string, unknown>, key?: string) => cp.api('POST', `/agents/${agentUuid}/attach`, body, key);
const runOf = (id: string) => cp.prisma.workflowRun.findUniqueOrThrow({ where: { id } });

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('POST /agents/{uuid}/attach', () => {
  it('refuses bad input, unknown configurations and providers that cannot attach, precisely', async () => {
    expect(await attach({ telephony_configuration_id: vobizConfig })).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    const both = await attach({ telephony_configuration_id: vobizConfig, call_id: 'c', audio_track: 'both' });
    expect(both).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    expect(both.body.error.message).toMatch(/^audio_track: /);
    const rate = await attach({ telephony_configuration_id: vobizConfig, call_id: 'c', content_type: 'audio/x-l16;rate=44100' });
    expect(rate).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    expect(rate.body.error.message).toMatch(/^content_type: vobiz streams /);
    expect(await attach({ telephony_configuration_id: 'nope', call_id: 'c' })).toMatchObject({ status: 404, body: { error: { code: 'telephony_configuration_not_found' } } });
    expect(await attach({ telephony_configuration_id: twilioConfig, call_id: 'c' })).toMatchObject({ status: 422, body: { error: { code: 'attach_not_supported' } } });
    expect(await cp.api('POST', `/agents/${crypto.randomUUID()}/attach`, { telephony_configuration_id: vobizConfig, call_id: 'c' })).toMatchObject({ status: 404, body: { error: { code: 'agent_not_found' } } });
  });

  it('is admin only', async () => {
    const member = await cp.api('POST', '/api-keys', { name: 'member', role: 'member' });
    expect(await attach({ telephony_configuration_id: vobizConfig, call_id: 'c' }, member.body.key)).toMatchObject({ status: 403 });
  });

  it('mints an inbound run bound to the call, opens the stream through the provider and records its stream id; DELETE /runs/{id}/stream stops it', async () => {
    vobiz.addCall('live-1');
    const res = await attach({ telephony_configuration_id: vobizConfig, call_id: 'live-1', initial_context: { ticket: 7 } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ call_type: 'inbound', state: 'initialized', dial_status: 'attaching', provider_call_id: 'live-1', initial_context: { ticket: 7 } });
    expect((await runOf(res.body.id)).quotaHeld).toBe(true);
    const stream = await until(() => vobiz.streams.find((s) => s.callId === 'live-1'));
    expect(stream.request).toMatchObject({ bidirectional: true, audioTrack: 'inbound', contentType: 'audio/x-l16;rate=16000' });
    expect(stream.request.serviceUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/api/v1/agent-stream/vobiz/${agentUuid}/[A-Za-z0-9_-]{43}$`));
    expect(stream.request.statusCallbackUrl).toMatch(new RegExp(`/api/v1/callbacks/vobiz/${res.body.id}\\?s=`));
    const run = await until(async () => ((await runOf(res.body.id)).dialStatus === 'attached' ? runOf(res.body.id) : undefined));
    expect((run.logs as any).attach).toEqual({ call_id: 'live-1', bidirectional: true, audio_track: 'inbound', content_type: null, stream_id: stream.streamId });
    expect((run.logs as any).provider_actions).toEqual([expect.objectContaining({ action: 'attach', outcome: 'succeeded', attempts: 1 })]);

    // A stream status event lands on the run and leaves the dial status alone.
    const callback = await fetch(stream.request.statusCallbackUrl!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ Event: 'PlayedStream', CallUUID: 'live-1', StreamID: stream.streamId, Name: 'cp-1' }).toString() });
    expect(callback.status).toBe(204);
    const recorded = await runOf(res.body.id);
    expect(recorded.dialStatus).toBe('attached');
    expect((recorded.logs as any).provider_callbacks).toContainEqual(expect.objectContaining({ status: 'playedstream', call_id: 'live-1', fields: expect.objectContaining({ StreamID: stream.streamId, Name: 'cp-1' }) }));

    expect((await cp.api('DELETE', `/runs/${res.body.id}/stream`)).status).toBe(204);
    expect(stream.stopped).toBe(true);
    expect(vobiz.requests.some((r) => r.method === 'DELETE' && r.path.endsWith(`/Call/live-1/Stream/${stream.streamId}/`))).toBe(true);
    const stopped = await runOf(res.body.id);
    expect(stopped.dialStatus).toBe('stopped');
    expect((stopped.logs as any).provider_actions.map((a: any) => [a.action, a.outcome])).toEqual([['attach', 'succeeded'], ['detach', 'succeeded']]);
    // Stopped already: nothing live to stop.
    expect(await cp.api('DELETE', `/runs/${res.body.id}/stream`)).toMatchObject({ status: 409, body: { error: { code: 'no_live_stream' } } });
  });

  it('a call that is not live ends the run failed/provider_failed with the provider\'s 404 logged; DELETE on it is 409, on an unknown run 404', async () => {
    const res = await attach({ telephony_configuration_id: vobizConfig, call_id: 'gone-1', content_type: 'audio/x-mulaw;rate=8000', bidirectional: false, audio_track: 'both' });
    expect(res.status).toBe(201);
    const run = await until(async () => ((await runOf(res.body.id)).state === 'failed' ? runOf(res.body.id) : undefined));
    expect(run).toMatchObject({ endReason: 'provider_failed', dialStatus: 'failed' });
    expect((run.logs as any).attach).toMatchObject({ bidirectional: false, audio_track: 'both', content_type: 'audio/x-mulaw;rate=8000', stream_id: null });
    expect((run.logs as any).provider_actions).toEqual([expect.objectContaining({ action: 'attach', outcome: 'failed', error_code: 'provider_rejected', status: 404 })]);
    expect(await cp.api('DELETE', `/runs/${res.body.id}/stream`)).toMatchObject({ status: 409, body: { error: { code: 'no_live_stream' } } });
    expect(await cp.api('DELETE', `/runs/${crypto.randomUUID()}/stream`)).toMatchObject({ status: 404, body: { error: { code: 'run_not_found' } } });
  });
});
