/**
 * Outbound calls end to end on the embedded product with the provider stand-in dialling back: the
 * product asks the provider to place the call, the stand-in "answers" (Twilio: the TwiML's
 * `<Stream url>`; Vobiz and Plivo: the `<Stream>` of the run-bound answer URL), streams a tone on the
 * run-bound stream URL, hears the echo agent, hangs up and posts the provider's status callbacks.
 * Busy and unanswered calls end their run `failed` and give the quota slot back; a stream token
 * works once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dominantFrequency } from '@vr3/codec/testing';
import { connectMediaClient, type FakeProviderApi } from '@vr3/providers/testing';
import { BUSY_NUMBER, CALLER_ID, dialOf, NO_ANSWER_NUMBER, placeCall, scriptedDialBack, startOutboundRig, type OutboundRig } from '../harness/outbound.ts';
import { eventually, type ProductProcess } from '../harness/product.ts';
import { finalRun, type ProviderSetup } from '../harness/providers.ts';

let rig: OutboundRig<'twilio' | 'vobiz' | 'plivo'>;
let product: ProductProcess;
let twilio: FakeProviderApi;
let vobiz: FakeProviderApi;
let plivo: FakeProviderApi;
let twilioSetup: ProviderSetup;
let vobizSetup: ProviderSetup;
let plivoSetup: ProviderSetup;
let userId: string;

beforeAll(async () => {
  rig = await startOutboundRig(['twilio', 'vobiz', 'plivo'], { standIn: { dialBack: scriptedDialBack({ holdMs: 800 }) } });
  ({ product } = rig);
  ({ twilio: twilioSetup, vobiz: vobizSetup, plivo: plivoSetup } = rig.setups);
  [twilio, vobiz, plivo] = [twilioSetup.api, vobizSetup.api, plivoSetup.api];
  userId = (await product.api('GET', '/me')).body.user_id;
});
afterAll(async () => {
  await rig?.close();
});

const activeCalls = async (): Promise<number> => (await product.api('GET', `/users/${userId}/quota`)).body.usage.active_calls;

describe('outbound calls on the embedded product', () => {
  it('twilio: placed with TwiML, answered on the run-bound stream, echoed, completed, callbacks on the run', async () => {
    const to = '+15550001001';
    const placed = await placeCall(product, twilioSetup, to, { initial_context: { campaign: 'e2e' } });
    expect(placed).toMatchObject({ call_type: 'outbound', state: 'initialized', dial_status: 'queued', mode: 'twilio', telephony_configuration_id: twilioSetup.configId });
    expect(placed.initial_context).toEqual({ campaign: 'e2e', caller_number: CALLER_ID, called_number: to });

    const dial = await dialOf(twilio, to, 1);
    expect(dial.error).toBeUndefined();
    expect(dial.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${product.port}/api/v1/agent-stream/twilio/${twilioSetup.agentUuid}/[A-Za-z0-9_-]{43}$`));
    expect(dial.close?.code).toBe(1000);
    expect(Math.abs(dominantFrequency(dial.heardPcm!.subarray(800), dial.heardRate!) - 440)).toBeLessThan(10);
    expect(dial.callbacks.map((c) => [c.status, c.httpStatus])).toEqual([['ringing', 204], ['in-progress', 204], ['completed', 204]]);

    const run = await finalRun(product, placed.id);
    expect(run).toMatchObject({ state: 'completed', end_reason: 'caller_hangup', call_type: 'outbound', dial_status: 'completed', provider_call_id: dial.callId });
    expect(run.started_at).not.toBeNull();
    expect(run.gathered_context.call_sid).toBe(dial.callId);
    expect((run.logs.provider_callbacks as any[]).map((c) => c.status)).toEqual(['ringing', 'in-progress', 'completed']);
    expect(run.logs.provider_actions).toEqual([expect.objectContaining({ action: 'place', outcome: 'succeeded' })]);
    const request = twilio.requests.find((r) => r.method === 'POST' && r.path.endsWith('/Calls.json'));
    expect(new URLSearchParams(request!.body).get('StatusCallback')).toMatch(new RegExp(`/api/v1/callbacks/twilio/${placed.id}\\?s=`));
  });

  it('a stream token works once: the same stream URL again closes 4400 and touches no run', async () => {
    const dial = twilio.dials[0]!;
    const runsBefore = (await product.api('GET', `/runs?agent_uuid=${twilioSetup.agentUuid}&limit=100`)).body.data.length;
    const again = await connectMediaClient('twilio', dial.streamUrl!);
    again.begin({ accountId: twilio.accountId, callId: dial.callId });
    expect(await again.waitForClose(5000)).toEqual({ code: 4400, reason: 'invalid stream token' });
    expect((await product.api('GET', `/runs?agent_uuid=${twilioSetup.agentUuid}&limit=100`)).body.data.length).toBe(runsBefore);
  });

  it.each(['vobiz', 'plivo'] as const)('%s: placed with a run-bound answer URL whose <Stream> carries the call, completed with its hangup callback', async (provider) => {
    const [api, setup, to] = provider === 'vobiz' ? [vobiz, vobizSetup, '+15550001002'] : [plivo, plivoSetup, '+15550001004'];
    const placed = await placeCall(product, setup, to);
    const dial = await dialOf(api, to, 1);
    expect(dial.error).toBeUndefined();
    expect(dial.placement.answerUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${product.port}/api/v1/calls/${placed.id}/answer\\?stream_token=`));
    expect(dial.streamUrl).toMatch(new RegExp(`/api/v1/agent-stream/${provider}/${setup.agentUuid}/[A-Za-z0-9_-]{43}$`));
    expect(dial.close?.code).toBe(1000);
    expect(Math.abs(dominantFrequency(dial.heardPcm!.subarray(800), dial.heardRate!) - 440)).toBeLessThan(10);
    expect(dial.callbacks).toEqual([{ status: 'completed', httpStatus: 204 }]);

    const run = await finalRun(product, placed.id);
    expect(run).toMatchObject({ state: 'completed', call_type: 'outbound', dial_status: 'completed', provider_call_id: dial.callId });
    expect(run.logs.provider_callbacks).toEqual([expect.objectContaining({ status: 'completed', call_id: dial.callId, disconnected_by: 'NORMAL_CLEARING' })]);
    // The answer URL served its one call: once the token is used it answers the provider's hang-up document.
    const reused = await fetch(dial.placement.answerUrl!, { method: 'POST' });
    expect(reused.status).toBe(404);
  });

  it.each([
    ['twilio', BUSY_NUMBER, 'busy'],
    ['twilio', NO_ANSWER_NUMBER, 'no_answer'],
    ['vobiz', BUSY_NUMBER, 'busy'],
    ['vobiz', NO_ANSWER_NUMBER, 'no_answer'],
  ] as const)('%s: a call to %s ends the run failed/%s and gives the quota slot back', async (provider, to, reason) => {
    const [api, setup] = provider === 'twilio' ? [twilio, twilioSetup] : [vobiz, vobizSetup];
    const before = api.dials.filter((d) => d.placement.to === to).length;
    const placed = await placeCall(product, setup, to);
    const dial = await dialOf(api, to, before + 1);
    expect(dial.streamUrl).toBeUndefined();
    const run = await finalRun(product, placed.id);
    expect(run).toMatchObject({ state: 'failed', end_reason: reason, call_type: 'outbound', started_at: null });
    expect(await eventually(async () => (await activeCalls()) === 0, 5000)).toBe(true);
  });

  it('refuses bad numbers and unknown configurations precisely', async () => {
    const bad = await product.api('POST', `/agents/${twilioSetup.agentUuid}/calls`, { telephony_configuration_id: twilioSetup.configId, to: '555 0100', from: CALLER_ID });
    expect(bad).toMatchObject({ status: 422, body: { error: { code: 'invalid_phone_number' } } });
    expect(bad.body.error.message).toMatch(/^to: /);
    const missing = await product.api('POST', `/agents/${twilioSetup.agentUuid}/calls`, { telephony_configuration_id: 'nope', to: '+15550001003', from: CALLER_ID });
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'telephony_configuration_not_found' } } });
  });
});
