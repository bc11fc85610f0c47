/**
 * Call control per provider: `placeCall` against the provider stand-in (what goes on the wire, what
 * the provider's answer yields, how refusals surface), `attachStream`/`stopStream` on live calls,
 * and `parseCallback` over the providers' documented callback forms.
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
async function standIn(provider: 'twilio' | 'vobiz' | 'plivo' | 'exotel' | 'cloudonix'): Promise<FakeProviderApi> {
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

  it('exotel: Connect Voice AI form (from = the number dialled, callerid, streamurl with the sample rate, statuscallback and its events); the call sid comes back', async () => {
    const api = await standIn('exotel');
    const placeCall = getProvider('exotel')!.placeCall!;
    expect([placeCall.requiresFrom, placeCall.usesAnswerUrl]).toEqual([true, false]);
    const placed = await placeCall(client(api), { ...request, sampleRate: 16000 });
    expect(placed.callId).toMatch(/^[0-9a-f]{32}$/);
    const sent = api.requests.find((r) => r.path === `/v1/accounts/${api.accountId}/calls/connect`)!;
    const form = new URLSearchParams(sent.body);
    expect([...form]).toEqual([
      ['from', request.to],
      ['callerid', request.from],
      ['streamurl', `${request.streamUrl}?sample-rate=16000`],
      ['streamtype', 'bidirectional'],
      ['statuscallback', request.statusCallbackUrl],
      ['statuscallbackevents[]', 'ringing'],
      ['statuscallbackevents[]', 'answered'],
      ['statuscallbackevents[]', 'terminal'],
    ]);
    expect(api.dials[0]).toMatchObject({ callId: placed.callId, placement: { to: request.to, from: request.from, streamUrl: `${request.streamUrl}?sample-rate=16000` } });
    await expect(placeCall(client(api), { ...request, streamUrl: `wss://h/${'x'.repeat(600)}` })).rejects.toMatchObject({ code: 'invalid_option' });
  });

  it('cloudonix: POST /calls/{domain}/application with destination, caller-id, the <Connect><Stream> CXML and the callback; the session token comes back', async () => {
    const api = await standIn('cloudonix');
    const placed = await getProvider('cloudonix')!.placeCall!(client(api), request);
    expect(placed.callId).toMatch(/^[0-9a-f]{32}$/);
    const sent = api.requests.find((r) => r.path === '/calls/acme.cloudonix.net/application')!;
    expect(sent.headers.authorization).toBe(`Bearer ${api.credentials['bearer_token']}`);
    expect(JSON.parse(sent.body)).toEqual({
      destination: request.to,
      'caller-id': request.from,
      cxml: `<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="${request.streamUrl}"/></Connect><Hangup/></Response>`,
      callback: request.statusCallbackUrl,
    });
    expect(api.dials[0]).toMatchObject({ callId: placed.callId, placement: { streamUrl: request.streamUrl, statusCallbackUrl: request.statusCallbackUrl } });
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

describe('attachStream / stopStream', () => {
  const attach = { callId: 'call-1', serviceUrl: 'ws://127.0.0.1:9/api/v1/agent-stream/vobiz/u/tok', bidirectional: true, audioTrack: 'inbound', statusCallbackUrl: 'http://127.0.0.1:9/cb?s=x' };

  it.each([
    ['vobiz', '/api/v1', 24000],
    ['plivo', '/v1', 16000],
  ] as const)('%s: POST …/Call/{uuid}/Stream/ with the service URL, track and the agent\'s content type; the stream id comes back and DELETE stops it', async (provider, prefix, maxRate) => {
    const api = await standIn(provider);
    api.addCall('call-1');
    const descriptor = getProvider(provider)!;
    expect(descriptor.attachStream!.contentTypes).toContain(`audio/x-l16;rate=${maxRate}`);
    const attached = await descriptor.attachStream!(client(api), { ...attach, sampleRate: 16000 });
    const sent = api.requests.find((r) => r.method === 'POST' && r.path === `${prefix}/Account/${api.accountId}/Call/call-1/Stream/`)!;
    expect(JSON.parse(sent.body)).toEqual({
      service_url: attach.serviceUrl,
      bidirectional: true,
      audio_track: 'inbound',
      content_type: 'audio/x-l16;rate=16000',
      status_callback_url: attach.statusCallbackUrl,
      status_callback_method: 'POST',
    });
    expect(api.streams[0]).toMatchObject({ callId: 'call-1', streamId: attached.streamId, request: { serviceUrl: attach.serviceUrl, bidirectional: true } });
    await descriptor.stopStream!(client(api), { callId: 'call-1', streamId: attached.streamId });
    expect(api.requests.some((r) => r.method === 'DELETE' && r.path === `${prefix}/Account/${api.accountId}/Call/call-1/Stream/${attached.streamId}/`)).toBe(true);
    expect(api.streams[0]!.stopped).toBe(true);
    // Stopping it again: the provider no longer knows it (404), which counts as stopped.
    await descriptor.stopStream!(client(api), { callId: 'call-1', streamId: attached.streamId });
  });

  it('a call that is not live is a 404 ProviderApiError; a content type the provider does not stream never reaches it', async () => {
    const api = await standIn('plivo');
    const attachStream = getProvider('plivo')!.attachStream!;
    await expect(attachStream(client(api), attach)).rejects.toMatchObject({ code: 'provider_rejected', operation: 'attach', status: 404 });
    const before = api.requests.length;
    await expect(attachStream(client(api), { ...attach, contentType: 'audio/x-l16;rate=24000' })).rejects.toBeInstanceOf(ProviderConfigError);
    expect(api.requests.length).toBe(before);
    expect(getProvider('twilio')!.attachStream).toBeUndefined();
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

  it('exotel: the status callback form and the Passthru applet\'s query string', () => {
    const parse = getProvider('exotel')!.parseCallback!;
    expect(parse(form({ CallSid: 'c1', Status: 'no-answer', EventType: 'terminal', ConversationDuration: '0', RecordingUrl: 'https://r/1' }))).toMatchObject({
      callId: 'c1',
      status: 'no-answer',
      durationS: 0,
      recordingUrl: 'https://r/1',
    });
    expect(parse(form({ CallSid: 'c1', Status: 'in-progress', EventType: 'answered' })).status).toBe('in-progress');
    const passthru = { method: 'GET', url: '/api/v1/callbacks/exotel/r?s=secret&callsid=c2&streamsid=s2&status=completed&duration=42&recordingurl=https%3A%2F%2Fr%2F2&disconnectedby=bot', headers: {}, body: '' };
    expect(parse(passthru)).toEqual({
      callId: 'c2',
      status: 'completed',
      durationS: 42,
      disconnectedBy: 'bot',
      recordingUrl: 'https://r/2',
      fields: { callsid: 'c2', streamsid: 's2', status: 'completed', duration: '42', recordingurl: 'https://r/2', disconnectedby: 'bot' },
    });
  });

  it('cloudonix: session updates and call detail records (JSON) in Twilio\'s status words', () => {
    const parse = getProvider('cloudonix')!.parseCallback!;
    const json = (body: object) => ({ method: 'POST', url: '/api/v1/callbacks/cloudonix/r?s=x', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(parse(json({ token: 't1', status: 'connected' }))).toMatchObject({ callId: 't1', status: 'in-progress' });
    expect(parse(json({ token: 't1', status: 'noanswer', duration: 0 }))).toMatchObject({ callId: 't1', status: 'no-answer', durationS: 0 });
    expect(parse(json({ disposition: 'BUSY', billsec: 0, session: { token: 't2' } }))).toMatchObject({ status: 'busy', durationS: 0 });
  });

  it('a JSON body that is not an object is refused invalid_option', () => {
    expect(() => getProvider('vobiz')!.parseCallback!({ ...form({}), headers: { 'content-type': 'application/json' }, body: '[1]' })).toThrow(ProviderConfigError);
  });
});
