/**
 * Exotel call control. Placing a call is Connect Voice AI: `POST /v1/accounts/{sid}/calls/connect`
 * (Basic `api_key:api_token`, form `from` = the number to dial, `callerid` = the ExoPhone,
 * `streamurl`, `streamtype=bidirectional`, `statuscallback`, `statuscallbackevents[]=ringing
 * answered terminal`) → `{"call":{"sid","status"}}` (some accounts answer `{"Call":{"Sid"}}`); the
 * answered call streams to `streamurl`. Status callbacks are forms with `CallSid`, `Status`
 * (`ringing`, `in-progress`, `completed`, `busy`, `no-answer`, `failed`), `EventType`,
 * `ConversationDuration`, `RecordingUrl`; the Passthru applet after a Voicebot sends a GET with
 * `callsid`, `streamsid`, `status`, `duration`, `recordingurl`, `disconnectedby`, `disposition`,
 * `detailedstatus`.
 */
import { callbackFields, fieldOf, secondsOf } from '../callback-fields.ts';
import type { PlaceCall, ProviderCallback, ProviderCallbackRequest } from '../call-control.ts';
import type { ConfiguredClientOptions } from '../descriptor.ts';
import { ProviderApiError, ProviderConfigError } from '../errors.ts';
import { RestRequester, basicAuth, requireSecret } from '../rest-client.ts';
import { answerSampleRate } from '../answer-document.ts';

/** The call events Exotel reports to `statuscallback`. */
export const EXOTEL_STATUS_CALLBACK_EVENTS: readonly string[] = Object.freeze(['ringing', 'answered', 'terminal']);
/** Longest `streamurl` Exotel takes. */
export const EXOTEL_MAX_STREAM_URL_CHARS = 600;

/** Exotel status words as Twilio spells them. */
const STATUS_ALIASES: Readonly<Record<string, string>> = Object.freeze({ 'no_answer': 'no-answer', noanswer: 'no-answer', answered: 'in-progress', cancelled: 'canceled' });

/** The call sid of a calls/connect answer: `call.sid` (developer guide) or `Call.Sid` (older API). */
function callSidOf(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (body === null || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  const call = (record['call'] ?? record['Call']) as Record<string, unknown> | null | undefined;
  const sid = call !== null && typeof call === 'object' ? (call['sid'] ?? call['Sid']) : undefined;
  return typeof sid === 'string' && sid !== '' ? sid : undefined;
}

/** `streamUrl` with `sample-rate` set to the rate Exotel streams at for the agent's (when given). */
function withSampleRate(streamUrl: string, sampleRate: number | undefined): string {
  const rate = answerSampleRate(sampleRate);
  if (rate === undefined) return streamUrl;
  const url = new URL(streamUrl);
  url.searchParams.set('sample-rate', String(rate));
  return url.toString();
}

async function place(client: ConfiguredClientOptions, request: Parameters<PlaceCall>[1], signal?: AbortSignal): ReturnType<PlaceCall> {
  if (request.from === undefined || request.from === '') throw new ProviderConfigError('invalid_option', 'exotel needs a caller id (the ExoPhone, from) to place a call');
  const streamUrl = withSampleRate(request.streamUrl, request.sampleRate);
  if (streamUrl.length > EXOTEL_MAX_STREAM_URL_CHARS) throw new ProviderConfigError('invalid_option', `exotel takes stream URLs of at most ${EXOTEL_MAX_STREAM_URL_CHARS} characters`);
  const account = requireSecret('exotel', 'account_sid', client.accountId);
  const auth = basicAuth(requireSecret('exotel', 'api_key', client.credentials['api_key']), requireSecret('exotel', 'api_token', client.credentials['api_token']));
  const rest = new RestRequester('exotel', client, { authorization: auth });
  const form = new URLSearchParams({ from: request.to, callerid: request.from, streamurl: streamUrl, streamtype: 'bidirectional' });
  if (request.statusCallbackUrl !== undefined) {
    form.set('statuscallback', request.statusCallbackUrl);
    for (const event of EXOTEL_STATUS_CALLBACK_EVENTS) form.append('statuscallbackevents[]', event);
  }
  const body = { contentType: 'application/x-www-form-urlencoded' as const, text: form.toString() };
  const answer = await rest.send('place', 'POST', `/v1/accounts/${encodeURIComponent(account)}/calls/connect`, [200, 201], signal, body);
  const callId = callSidOf(answer.text);
  if (callId === undefined) throw new ProviderApiError('provider_rejected', 'exotel place answered without a call sid', { provider: 'exotel', operation: 'place', status: answer.status });
  return { callId };
}

/** Places an Exotel call (Connect Voice AI) whose answered leg streams to `request.streamUrl`. */
export const exotelPlaceCall: PlaceCall = Object.assign(place, { requiresFrom: true, usesAnswerUrl: false });

/** Reads an Exotel status callback (form or JSON) or a Passthru applet request (query string). */
export function exotelParseCallback(request: ProviderCallbackRequest): ProviderCallback {
  const fields = callbackFields(request);
  const raw = fieldOf(fields, 'Status', 'CallStatus', 'status')?.toLowerCase();
  return {
    callId: fieldOf(fields, 'CallSid', 'callsid', 'call_sid'),
    status: raw === undefined ? undefined : (STATUS_ALIASES[raw] ?? raw),
    durationS: secondsOf(fieldOf(fields, 'ConversationDuration', 'Duration', 'duration')),
    disconnectedBy: fieldOf(fields, 'disconnectedby', 'DisconnectedBy'),
    recordingUrl: fieldOf(fields, 'RecordingUrl', 'recordingurl'),
    fields,
  };
}
