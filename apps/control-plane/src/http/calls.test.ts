/**
 * Outbound calls on a real database with the provider stand-in: the route's validation and quota,
 * the placement job, the run-bound stream token (claimed once; used, expired and unknown tokens
 * refused before any run is touched; a run no longer waiting refused 4409) and the status
 * callbacks' authorization (anything but the run's secret is 403 and changes nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioSignature } from '@vr3/providers';
import { startFakeProviderApi, type FakeProviderApi, type StandInDial } from '@vr3/providers/testing';
import { admitRun } from '../db/admission.ts';
import { poolOf } from '../db/prisma.ts';
import { bindOutboundRun, claimStreamToken, generateRunToken, hashRunToken } from '../db/stream-tokens.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

const FROM = '+15550000100';
/** The called number of runs minted without placing a call. */
const RINGING = '+15550000999';

let server: TestPostgres;
let cp: TestControlPlane;
let twilio: FakeProviderApi;
let agentUuid: string;
let twilioConfig: string;
let cloudonixConfig: string;
let exotelConfig: string;

beforeAll(async () => {
  server = await startTestPostgres();
  twilio = await startFakeProviderApi('twilio', { dialBack: { outcome: (to) => (to === '+15550000486' ? 'busy' : 'no-answer'), ringMs: 50 } });
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
  // The stand-in posts its callbacks to the public URL: here, where the control-plane listens.
  cp.controlPlane.setPublicUrl(cp.baseUrl);
  agentUuid = (await cp.api('POST', '/agents', { name: 'outbound', engine: { type: 'echo' } })).body.uuid;
  twilioConfig = (
    await cp.api('POST', '/telephony-configurations', { provider: 'twilio', name: 'tw', account_sid: twilio.accountId, ...twilio.credentials, api_base_url: twilio.url })
  ).body.id;
  cloudonixConfig = (await cp.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'cx', domain_id: 'outbound', bearer_token: 'k' })).body.id;
  exotelConfig = (await cp.api('POST', '/telephony-configurations', { provider: 'exotel', name: 'ex', account_sid: 'exotel-no-credentials' })).body.id;
});
afterAll(async () => {
  await cp?.close();
  await twilio?.close();
  await server?.stop();
});

const place = (body: Record<string, unknown>, key?: string) => cp.api('POST', `/agents/${agentUuid}/calls`, body, key);
const runOf = (id: string) => cp.prisma.workflowRun.findUniqueOrThrow({ where: { id } });

/** An outbound run waiting for its stream (minted as the route does, without placing a call), with a token the test knows. */
async function waitingRun(): Promise<{ id: string; token: string }> {
  const agent = await cp.prisma.agent.findUniqueOrThrow({ where: { uuid: agentUuid }, include: { versions: true } });
  const admitted = await admitRun(cp.prisma, {
    organizationId: agent.organizationId,
    userId: agent.userId,
    agentId: agent.id,
    agentUuid,
    agentVersionId: agent.versions[0]!.id,
    provider: 'twilio',
    telephonyConfigurationId: twilioConfig,
    edgeId: null,
    callType: 'outbound',
    initialContext: { caller_number: FROM, called_number: RINGING },
    gatheredContext: {},
    logs: { outbound: { max_duration_s: 30 } },
  });
  if (!admitted.ok) throw new Error('quota refused the test run');
  const token = generateRunToken();
  await bindOutboundRun(poolOf(cp.prisma), admitted.run.id, {
    streamTokenHash: hashRunToken(token),
    streamTokenExpiresAt: new Date(Date.now() + 60_000),
    callbackSecretHash: hashRunToken(generateRunToken()),
    dialStatus: 'dialing',
  });
  return { id: admitted.run.id, token };
}

describe('POST /agents/{uuid}/calls', () => {
  it('refuses numbers that are not E.164, naming the field', async () => {
    for (const [body, field] of [
      [{ to: '5550100', from: FROM }, 'to'],
      [{ to: '+0555', from: FROM }, 'to'],
      [{ to: '+1 555 0100', from: FROM }, 'to'],
      [{ to: '+15550100', from: '+1234567890123456' }, 'from'],
    ] as const) {
      const res = await place({ telephony_configuration_id: twilioConfig, ...body });
      expect(res).toMatchObject({ status: 422, body: { error: { code: 'invalid_phone_number' } } });
      expect(res.body.error.message).toMatch(new RegExp(`^${field}: `));
    }
  });

  it('refuses a missing field, an unknown configuration, a configuration without credentials and a missing caller id', async () => {
    expect(await place({ to: '+15550100' })).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    expect(await place({ telephony_configuration_id: 'nope', to: '+15550100', from: FROM })).toMatchObject({ status: 404, body: { error: { code: 'telephony_configuration_not_found' } } });
    // Every provider places calls now; Cloudonix and Exotel need a caller id (`caller-id`, the ExoPhone).
    expect(await place({ telephony_configuration_id: cloudonixConfig, to: '+15550100' })).toMatchObject({ status: 422, body: { error: { code: 'from_required' } } });
    expect(await place({ telephony_configuration_id: exotelConfig, to: '+15550100', from: FROM })).toMatchObject({ status: 422, body: { error: { code: 'credentials_required' } } });
    expect(await place({ telephony_configuration_id: twilioConfig, to: '+15550100' })).toMatchObject({ status: 422, body: { error: { code: 'from_required' } } });
    expect(await place({ telephony_configuration_id: twilioConfig, to: '+15550100', from: FROM, max_duration_s: 0 })).toMatchObject({ status: 400 });
  });

  it('is admin only', async () => {
    const member = await cp.api('POST', '/api-keys', { name: 'member', role: 'member' });
    expect(await place({ telephony_configuration_id: twilioConfig, to: '+15550100', from: FROM }, member.body.key)).toMatchObject({ status: 403 });
  });

  it('charges the quota at admission: at the limit it is 429 and leaves no run', async () => {
    const runsBefore = await cp.prisma.workflowRun.count();
    expect((await cp.api('PUT', `/users/${cp.userId}/quota`, { max_concurrent_calls: 0, monthly_call_seconds: null })).status).toBe(200);
    try {
      const res = await place({ telephony_configuration_id: twilioConfig, to: '+15550100', from: FROM });
      expect(res).toMatchObject({ status: 429, body: { error: { code: 'quota_exceeded' } } });
      expect(await cp.prisma.workflowRun.count()).toBe(runsBefore);
    } finally {
      await cp.api('PUT', `/users/${cp.userId}/quota`, { max_concurrent_calls: null, monthly_call_seconds: null });
    }
  });

  it('mints the run outbound and waiting, places the call, and a busy callback ends it failed/busy', async () => {
    const res = await place({ telephony_configuration_id: twilioConfig, to: '+15550000486', from: FROM, max_duration_s: 60 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ call_type: 'outbound', state: 'initialized', dial_status: 'queued', telephony_configuration_id: twilioConfig });
    const stored = await runOf(res.body.id);
    expect(stored.quotaHeld).toBe(true);
    expect(stored.streamTokenHash).toMatch(/^[0-9a-f]{64}$/);
    const dial = await until(() => twilio.dials.find((d) => d.placement.to === '+15550000486'));
    await dial.done;
    expect(new URL(dial.placement.statusCallbackUrl!).origin).toBe(cp.baseUrl);
    const run = await until(async () => ((await runOf(res.body.id)).state === 'failed' ? runOf(res.body.id) : undefined));
    expect(run).toMatchObject({ endReason: 'busy', dialStatus: 'busy', quotaHeld: true, providerCallId: dial.callId });
    expect(((run.logs as any).provider_callbacks as any[]).map((c) => c.status)).toEqual(['ringing', 'busy']);
  });
});

describe('status callbacks', () => {
  it('anything but the run secret on the provider path is 403 and changes nothing', async () => {
    const res = await place({ telephony_configuration_id: twilioConfig, to: '+15550000487', from: FROM });
    const dial: StandInDial = await until(() => twilio.dials.find((d) => d.placement.to === '+15550000487'));
    await dial.done;
    const before = await runOf(res.body.id);
    const url = new URL(dial.placement.statusCallbackUrl!);
    const local = (path: string) => `${cp.baseUrl}${path}`;
    const post = (target: string, status = 'completed') =>
      fetch(target, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ CallSid: dial.callId, CallStatus: status }).toString() });
    const forged = new URL(url);
    forged.searchParams.set('s', generateRunToken());
    const noSecret = new URL(url);
    noSecret.searchParams.delete('s');
    for (const target of [
      local(forged.pathname + forged.search),
      local(noSecret.pathname),
      local(url.pathname.replace('/twilio/', '/vobiz/') + url.search),
      local(`/api/v1/callbacks/twilio/${generateRunToken()}${url.search}`),
    ]) {
      const answer = await post(target);
      expect(answer.status).toBe(403);
      expect(await answer.json()).toEqual({ error: { code: 'forbidden', message: 'callback not authorized' } });
    }
    const after = await runOf(res.body.id);
    expect(after.logs).toEqual(before.logs);
    expect(after.dialStatus).toBe(before.dialStatus);
    // The genuine one lands, on a run that already ended: recorded, never reopened.
    expect((await post(local(url.pathname + url.search))).status).toBe(204);
    const merged = await runOf(res.body.id);
    expect(merged).toMatchObject({ state: 'failed', endReason: 'no_answer', dialStatus: 'completed' });
    expect(((merged.logs as any).provider_callbacks as any[]).map((c) => c.status)).toEqual(['ringing', 'no-answer', 'completed']);
    // A progress status arriving late is logged but does not move `dial_status` of an ended run back.
    expect((await post(local(url.pathname + url.search), 'ringing')).status).toBe(204);
    expect(await runOf(res.body.id)).toMatchObject({ state: 'failed', dialStatus: 'completed' });
  });
});

describe('signed status callbacks', () => {
  it('twilio: a valid X-Twilio-Signature over the URL and form authorizes a callback without the secret; a wrong one is 403', async () => {
    const { id } = await waitingRun();
    const url = `${cp.baseUrl}/api/v1/callbacks/twilio/${id}`;
    const fields = { CallSid: 'CAsigned', CallStatus: 'ringing' };
    const post = (signature: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(fields).toString() });
    expect((await post(twilioSignature('not-the-token', url, fields))).status).toBe(403);
    expect((await runOf(id)).dialStatus).toBe('dialing');
    expect((await post(twilioSignature(twilio.credentials['auth_token']!, url, fields))).status).toBe(204);
    expect(await runOf(id)).toMatchObject({ state: 'initialized', dialStatus: 'ringing', providerCallId: 'CAsigned' });
  });
});

describe('run-bound stream tokens', () => {
  it('attach the stream to the waiting run once; a used, expired or unknown token is 4400 and a run no longer waiting 4409', async () => {
    const { id, token } = await waitingRun();
    const runsBefore = await cp.prisma.workflowRun.count();
    const admit = (t: string, provider = 'twilio') => admitStream(cp, agentUuid, { stream_token: t }, { provider, edgeId: 'edge-out' });

    expect(await admit(generateRunToken())).toEqual({ ok: false, error: { code: 'invalid_stream_token', message: 'invalid stream token' } });
    expect(await admit(token, 'vobiz')).toMatchObject({ ok: false, error: { code: 'invalid_stream_token' } });

    const { id: other, token: otherToken } = await waitingRun();
    const first = await admit(otherToken);
    expect(first).toMatchObject({ ok: true, run: { id: other, provider: 'twilio', telephony_configuration_id: twilioConfig, max_duration_ms: 30_000 } });
    expect((await runOf(other)).edgeId).toBe('edge-out');
    expect(await admit(otherToken)).toMatchObject({ ok: false, error: { code: 'invalid_stream_token' } });
    expect(await cp.prisma.workflowRun.count()).toBe(runsBefore + 1);

    // Expired: a claim after the expiry finds nothing and leaves the token unused.
    expect(await claimStreamToken(poolOf(cp.prisma), token, { agentUuid, provider: 'twilio', edgeId: 'edge-out' }, new Date(Date.now() + 120_000))).toBeUndefined();
    expect((await runOf(id)).streamTokenUsedAt).toBeNull();

    // A run that already ended: its token is claimed, and the stream refused 4409.
    await cp.prisma.workflowRun.update({ where: { id }, data: { state: 'failed', endReason: 'busy' } });
    expect(await admit(token)).toEqual({ ok: false, error: { code: 'run_not_waiting', message: 'run not waiting' } });
    expect((await runOf(id)).edgeId).toBeNull();
  });
});

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
