/**
 * Twilio call control. Placing a call: `POST /2010-04-01/Accounts/{sid}/Calls.json` (form `To`,
 * `From`, `Twiml=<Response><Connect><Stream url=…/></Connect></Response>`, `StatusCallback`,
 * `StatusCallbackEvent=initiated ringing answered completed`) → 201 `{sid, status:"queued"}`.
 * Status callbacks: forms with `CallSid`, `CallStatus` (`queued`, `ringing`, `in-progress`,
 * `completed`, `busy`, `no-answer`, `failed`, `canceled`), `CallDuration`, `RecordingUrl`.
 */
import { callbackFields, fieldOf, jsonStringField, secondsOf } from '../callback-fields.ts';
import type { CallbackSignatureSpec, PlaceCall, ProviderCallback, ProviderCallbackRequest } from '../call-control.ts';
import { ProviderApiError, ProviderConfigError } from '../errors.ts';
import { RestRequester, basicAuth, requireSecret } from '../rest-client.ts';
import { twilioAnswerDocument } from './answer-document.ts';
import { TWILIO_SIGNATURE_HEADER, verifyTwilioSignature } from './signature.ts';

/** The call events Twilio reports to `StatusCallback`. */
export const TWILIO_STATUS_CALLBACK_EVENTS = 'initiated ringing answered completed';

async function place(...[client, request, signal]: Parameters<PlaceCall>): ReturnType<PlaceCall> {
  if (request.from === undefined || request.from === '') throw new ProviderConfigError('invalid_option', 'twilio needs a caller id (from) to place a call');
  const account = requireSecret('twilio', 'account_sid', client.accountId);
  const auth = basicAuth(account, requireSecret('twilio', 'auth_token', client.credentials['auth_token']));
  const rest = new RestRequester('twilio', client, { authorization: auth });
  const fields: Record<string, string> = { To: request.to, From: request.from, Twiml: twilioAnswerDocument({ streamUrl: request.streamUrl }).body };
  if (request.statusCallbackUrl !== undefined) {
    fields['StatusCallback'] = request.statusCallbackUrl;
    fields['StatusCallbackMethod'] = 'POST';
    fields['StatusCallbackEvent'] = TWILIO_STATUS_CALLBACK_EVENTS;
  }
  const body = { contentType: 'application/x-www-form-urlencoded' as const, text: new URLSearchParams(fields).toString() };
  const answer = await rest.send('place', 'POST', `/2010-04-01/Accounts/${encodeURIComponent(account)}/Calls.json`, [200, 201], signal, body);
  const callId = jsonStringField(answer.text, 'sid');
  if (callId === undefined) throw new ProviderApiError('provider_rejected', 'twilio place answered without a call sid', { provider: 'twilio', operation: 'place', status: answer.status });
  return { callId };
}

/** Places a Twilio call whose answered leg streams to `request.streamUrl` (TwiML in the request). */
export const twilioPlaceCall: PlaceCall = Object.assign(place, { requiresFrom: true, usesAnswerUrl: false });

/** Reads a Twilio status callback (form). */
export function twilioParseCallback(request: ProviderCallbackRequest): ProviderCallback {
  const fields = callbackFields(request);
  return {
    callId: fieldOf(fields, 'CallSid'),
    status: fieldOf(fields, 'CallStatus')?.toLowerCase(),
    durationS: secondsOf(fieldOf(fields, 'CallDuration', 'Duration')),
    recordingUrl: fieldOf(fields, 'RecordingUrl'),
    fields,
  };
}

/** The POST parameters of a form body, repeated names as arrays (as Twilio signs them). */
function formParams(body: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const seen = params[name];
    params[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return params;
}

/** Twilio signs its status callbacks: `X-Twilio-Signature` over the URL and the form parameters, keyed by the auth token. */
export const twilioCallbackSignature: CallbackSignatureSpec = Object.freeze({
  header: TWILIO_SIGNATURE_HEADER,
  credentialField: 'auth_token',
  verify: (request: ProviderCallbackRequest, secret: string): boolean =>
    verifyTwilioSignature(request.url, formParams(request.body), request.headers[TWILIO_SIGNATURE_HEADER], secret),
});
