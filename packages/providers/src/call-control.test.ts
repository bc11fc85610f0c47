/**
 * Call control per provider: `placeCall` against the provider stand-in (what goes on the wire, what
 * the provider's answer yields, how refusals surface) and `parseCallback` over the providers'
 * documented callback forms.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderApiError, ProviderConfigError } from './errors.ts';
import { getProvider } from './registry.ts';
import { startFakeProviderApi, type FakeProviderApi } from './testing/index.ts';

const apis: FakeProviderApi[] = [];
afterEach(async () => {
  await Promise.all(apis.splice(0).map((a) => a.close()));
});

/** A stand-in whose called party is busy (its callbacks go to an unreachable URL here). */
async function standIn(provider: 'twilio' | 'vobiz' | 'plivo'): Promise<FakeProviderApi> {
  const api = await startFakeProviderApi(provider, { dialBack: { outcome: () => 'busy', ringMs: 1 } });
  apis.push(api);
  return api;
}

const client = (api: FakeProviderApi, credentials = api.credentials) => ({ baseUrl: api.url, accountId: api.accountId, credentials, addressPolicy: 'any' as const });
const request = { to: '+15550001111', from: '+15550002222', streamUrl: 'wss://voice.example.com/api/v1/agent-stream/twilio/u/tok', answerUrl: 'https://voice.example.com/api/v1/calls/r/answer?stream_token=tok', statusCallbackUrl: 'http://127.0.0.1:9/cb?s=x' };

describe('placeCall', () => {
  it('twilio: POST Calls.json with To, From, the <Connect><Stream> TwiML and the status callback; the call sid comes back', async () => {
    const api = await standIn('twilio');
    const placeCall = getProvider('twilio')!.placeCall!;
    expect(placeCall.requiresFrom).toBe(true);
    const placed = await placeCall(client(api), request);
    expect(placed.callId).toMatch(/^CA[0-9a-f]{32}$/);
    const sent = api.requests.find((r) => r.path === `/2010-04-01/Accounts/${api.accountId}/Calls.json`)!;
    const form = new URLSearchParams(sent.body);
    expect(Object.fromEntries(form)).toEqual({
      To: request.to,
      From: request.from,
      Twiml: `<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="${request.streamUrl}"/></Connect></Response>`,
      StatusCallback: request.statusCallbackUrl,
      StatusCallbackMethod: 'POST',
      StatusCallbackEvent: 'initiated ringing answered completed',
    });
    expect(api.dials[0]).toMatchObject({ callId: placed.callId, placement: { streamUrl: request.streamUrl } });
  });

  it.each(['vobiz', 'plivo'] as const)('%s: make-call with the answer URL and the hangup URL; the request uuid comes back', async (provider) => {
    const api = await standIn(provider);
    const placed = await getProvider(provider)!.placeCall!(client(api), request);
    const sent = api.requests.find((r) => r.method === 'POST' && /\/Account\/[^/]+\/Call\/$/.test(r.path))!;
    expect(JSON.parse(sent.body)).toEqual({ from: request.from, to: request.to, answer_url: request.answerUrl, answer_method: 'POST', hangup_url: request.statusCallbackUrl, hangup_method: 'POST' });
    expect(api.dials[0]).toMatchObject({ callId: placed.callId, placement: { answerUrl: request.answerUrl } });
  });

  it('a refusal is a non-retryable ProviderApiError; a missing caller id never reaches the provider', async () => {
    const api = await standIn('twilio');
    const refused = getProvider('twilio')!.placeCall!(client(api, { auth_token: 'wrong' }), request);
    await expect(refused).rejects.toBeInstanceOf(ProviderApiError);
    await expect(refused).rejects.toMatchObject({ code: 'provider_rejected', retryable: false, operation: 'place', status: 401 });
    const before = api.requests.length;
    await expect(getProvider('vobiz')!.placeCall!(client(api), { ...request, from: undefined })).rejects.toBeInstanceOf(ProviderConfigError);
    expect(api.requests.length).toBe(before);
  });
});

const form = (fields: Record<string, string>) => ({ method: 'POST', url: '/api/v1/callbacks/x/r?s=secret', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

describe('parseCallback', () => {
  it('twilio: CallSid, CallStatus (lower-cased), CallDuration, RecordingUrl; the secret is not a field', () => {
    const parsed = getProvider('twilio')!.parseCallback!(form({ CallSid: 'CA1', CallStatus: 'No-Answer', CallDuration: '0', RecordingUrl: 'https://r/1' }));
    expect(parsed).toEqual({ callId: 'CA1', status: 'no-answer', durationS: 0, recordingUrl: 'https://r/1', fields: { CallSid: 'CA1', CallStatus: 'No-Answer', CallDuration: '0', RecordingUrl: 'https://r/1' } });
  });

  it.each(['vobiz', 'plivo'] as const)('%s: the hangup form in Twilio\'s status words, and stream status events', (provider) => {
    const parse = getProvider(provider)!.parseCallback!;
    expect(parse(form({ CallUUID: 'u1', CallStatus: 'busy', HangupCause: 'USER_BUSY', Duration: '0' }))).toMatchObject({ callId: 'u1', status: 'busy', durationS: 0, disconnectedBy: 'USER_BUSY' });
    expect(parse(form({ CallUUID: 'u1', CallStatus: 'timeout' })).status).toBe('no-answer');
    expect(parse(form({ CallUUID: 'u1', CallStatus: 'cancel' })).status).toBe('canceled');
    expect(parse({ ...form({}), headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Event: 'StartStream', CallUUID: 'u2', Duration: 'x' }) })).toMatchObject({ callId: 'u2', status: 'startstream', durationS: undefined });
  });

  it('a JSON body that is not an object is refused invalid_option', () => {
    expect(() => getProvider('vobiz')!.parseCallback!({ ...form({}), headers: { 'content-type': 'application/json' }, body: '[1]' })).toThrow(ProviderConfigError);
  });
});
