/**
 * Plivo-style call control (Vobiz, Plivo). Placing a call: `POST {prefix}/Account/{auth_id}/Call/`
 * JSON `{from, to, answer_url, answer_method:"POST", hangup_url, hangup_method:"POST"}` → 201
 * `{request_uuid, message:"call fired"}`; the provider fetches `answer_url` when the call is answered
 * and runs the `<Stream>` XML it returns. Hangup callbacks: forms with `CallUUID`, `CallStatus`
 * (`completed`, `busy`, `no-answer`, `failed`, `cancel`, `timeout`), `HangupCause`, `Duration`;
 * stream status callbacks carry `Event` (`StartStream`, `PlayedStream`, `StopStream`).
 */
import { callbackFields, fieldOf, jsonStringField, secondsOf } from '../callback-fields.ts';
import type { PlaceCall, ProviderCallback, ProviderCallbackRequest } from '../call-control.ts';
import type { ConfiguredClientOptions } from '../descriptor.ts';
import { ProviderApiError, ProviderConfigError } from '../errors.ts';
import type { ProviderName } from '../provider-name.ts';
import { RestRequester, requireSecret } from '../rest-client.ts';

/** How one Plivo-style API places calls. */
export interface PlivoStylePlacement {
  provider: ProviderName;
  /** Path before `/Account/{id}/Call/` (Vobiz `/api/v1`, Plivo `/v1`). */
  prefix: string;
  /** Authentication headers for an auth id and token. */
  headers(authId: string, authToken: string): Readonly<Record<string, string>>;
}

/** Plivo-style status words as Twilio spells them (`cancel` → `canceled`, `timeout` → `no-answer`). */
const STATUS_ALIASES: Readonly<Record<string, string>> = Object.freeze({ cancel: 'canceled', timeout: 'no-answer', noanswer: 'no-answer' });

/** The `placeCall` of a Plivo-style provider: make-call with an answer URL. */
export function plivoStylePlaceCall(api: PlivoStylePlacement): PlaceCall {
  const place = async (client: ConfiguredClientOptions, request: Parameters<PlaceCall>[1], signal?: AbortSignal) => {
    if (request.from === undefined || request.from === '') throw new ProviderConfigError('invalid_option', `${api.provider} needs a caller id (from) to place a call`);
    if (request.answerUrl === undefined) throw new ProviderConfigError('invalid_option', `${api.provider} places calls with an answer URL`);
    const authId = requireSecret(api.provider, 'auth_id', client.accountId);
    const rest = new RestRequester(api.provider, client, api.headers(authId, requireSecret(api.provider, 'auth_token', client.credentials['auth_token'])));
    const fields: Record<string, string> = { from: request.from, to: request.to, answer_url: request.answerUrl, answer_method: 'POST' };
    if (request.statusCallbackUrl !== undefined) {
      fields['hangup_url'] = request.statusCallbackUrl;
      fields['hangup_method'] = 'POST';
    }
    const answer = await rest.send('place', 'POST', `${api.prefix}/Account/${encodeURIComponent(authId)}/Call/`, [200, 201], signal, {
      contentType: 'application/json',
      text: JSON.stringify(fields),
    });
    const callId = jsonStringField(answer.text, 'request_uuid', 'call_uuid');
    if (callId === undefined) throw new ProviderApiError('provider_rejected', `${api.provider} place answered without a request uuid`, { provider: api.provider, operation: 'place', status: answer.status });
    return { callId };
  };
  return Object.assign(place, { requiresFrom: true, usesAnswerUrl: true });
}

/** Reads a Plivo-style hangup or stream status callback (form or JSON). */
export function plivoStyleParseCallback(request: ProviderCallbackRequest): ProviderCallback {
  const fields = callbackFields(request);
  const raw = fieldOf(fields, 'CallStatus', 'Event')?.toLowerCase();
  const status = raw === undefined ? undefined : (STATUS_ALIASES[raw] ?? raw);
  return {
    callId: fieldOf(fields, 'CallUUID', 'RequestUUID', 'call_uuid'),
    status,
    durationS: secondsOf(fieldOf(fields, 'Duration', 'BillDuration')),
    disconnectedBy: fieldOf(fields, 'HangupSource', 'HangupCause'),
    recordingUrl: fieldOf(fields, 'RecordUrl', 'RecordingUrl'),
    fields,
  };
}
