/**
 * Cloudonix call control. Placing a call: `POST /calls/{domain}/application` (Bearer domain API
 * key, JSON `{destination, "caller-id", cxml, callback}`; `caller-id` is required) → 200
 * `{token, domainId, destination, direction:"outbound-api"}`, the session token being the call's
 * id. The answered call runs the CXML `<Connect><Stream url>` in the request. Callbacks (session
 * updates, call detail records) are JSON with the session `token` (or `Session`/`CallSid`), a
 * `status` (`ringing`, `connected`, `completed`, `busy`, `no-answer`, `failed`…) or a CDR
 * `disposition` (`ANSWER`, `BUSY`, `NOANSWER`, `CANCEL`, `FAILED`, `CONGESTION`) and a duration.
 */
import { callbackFields, fieldOf, jsonStringField, secondsOf } from '../callback-fields.ts';
import type { PlaceCall, ProviderCallback, ProviderCallbackRequest } from '../call-control.ts';
import type { ConfiguredClientOptions } from '../descriptor.ts';
import { ProviderApiError, ProviderConfigError } from '../errors.ts';
import { RestRequester, requireSecret } from '../rest-client.ts';
import { cloudonixAnswerDocument } from './answer-document.ts';
import { normalizeCloudonixDomain } from './domain.ts';

/** Cloudonix session and CDR words as Twilio spells them. */
const STATUS_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  answer: 'completed',
  noanswer: 'no-answer',
  'no_answer': 'no-answer',
  cancel: 'canceled',
  cancelled: 'canceled',
  congestion: 'failed',
  error: 'failed',
  connected: 'in-progress',
  answered: 'in-progress',
});

async function place(client: ConfiguredClientOptions, request: Parameters<PlaceCall>[1], signal?: AbortSignal): ReturnType<PlaceCall> {
  if (request.from === undefined || request.from === '') throw new ProviderConfigError('invalid_option', 'cloudonix needs a caller id (from) to place a call');
  const domain = normalizeCloudonixDomain(client.accountId);
  const rest = new RestRequester('cloudonix', client, { authorization: `Bearer ${requireSecret('cloudonix', 'bearer_token', client.credentials['bearer_token'])}` });
  const fields: Record<string, string> = { destination: request.to, 'caller-id': request.from, cxml: cloudonixAnswerDocument({ streamUrl: request.streamUrl }).body };
  if (request.statusCallbackUrl !== undefined) fields['callback'] = request.statusCallbackUrl;
  const answer = await rest.send('place', 'POST', `/calls/${encodeURIComponent(domain)}/application`, [200, 201], signal, {
    contentType: 'application/json',
    text: JSON.stringify(fields),
  });
  const callId = jsonStringField(answer.text, 'token');
  if (callId === undefined) throw new ProviderApiError('provider_rejected', 'cloudonix place answered without a session token', { provider: 'cloudonix', operation: 'place', status: answer.status });
  return { callId };
}

/** Places a Cloudonix call whose answered leg runs `<Connect><Stream url>` to `request.streamUrl`. */
export const cloudonixPlaceCall: PlaceCall = Object.assign(place, { requiresFrom: true, usesAnswerUrl: false });

/** Reads a Cloudonix session update or call detail record (JSON, else form). */
export function cloudonixParseCallback(request: ProviderCallbackRequest): ProviderCallback {
  const fields = callbackFields(request);
  const raw = fieldOf(fields, 'CallStatus', 'status', 'disposition')?.toLowerCase();
  return {
    callId: fieldOf(fields, 'token', 'Session', 'session', 'CallSid'),
    status: raw === undefined ? undefined : (STATUS_ALIASES[raw] ?? raw),
    durationS: secondsOf(fieldOf(fields, 'CallDuration', 'billsec', 'duration')),
    disconnectedBy: fieldOf(fields, 'hangupCause', 'HangupCause', 'disconnectedBy'),
    recordingUrl: fieldOf(fields, 'RecordingUrl', 'recordingUrl'),
    fields,
  };
}
