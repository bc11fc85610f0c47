/**
 * Exotel's answer URL: the dynamic-routing JSON `{"url":"wss://…"}` a Voicebot (or Stream) applet
 * fetches when its URL is an https endpoint. The stream URL is the path form (Exotel keeps at most
 * three custom URL parameters) with `sample-rate`, the PCM16 rate Exotel streams at (8000, 16000 or
 * 24000: the agent's). Numbers, call and account arrive in `start`.
 */
import { answerSampleRate, pathStreamUrl, type AnswerUrlRequest, type AnswerUrlSpec } from '../answer-document.ts';
import type { AnswerDocument, AnswerDocumentRequest } from '../call-control.ts';
import { ProviderConfigError } from '../errors.ts';

const JSON_CONTENT_TYPE = 'application/json';
/** Custom URL parameters Exotel passes on (into `start.custom_parameters`). */
const MAX_CUSTOM_PARAMETERS = 3;

/**
 * `{"url": streamUrl}` with `sample-rate` set to `request.sampleRate` (when given) and the custom
 * parameters added to the URL's query; more than three custom parameters throw `invalid_option`.
 */
export function exotelAnswerDocument(request: AnswerDocumentRequest): AnswerDocument {
  const url = new URL(request.streamUrl);
  const custom = Object.entries(request.customParameters ?? {});
  if (custom.length > MAX_CUSTOM_PARAMETERS) throw new ProviderConfigError('invalid_option', `Exotel passes at most ${MAX_CUSTOM_PARAMETERS} custom parameters`);
  for (const [name, value] of custom) url.searchParams.set(name, value);
  const rate = answerSampleRate(request.sampleRate);
  if (rate !== undefined) url.searchParams.set('sample-rate', String(rate));
  return { contentType: JSON_CONTENT_TYPE, body: JSON.stringify({ url: url.toString() }) };
}

/** Exotel's answer URL for an agent. */
export const exotelAnswerUrl: AnswerUrlSpec = Object.freeze({
  provider: 'exotel',
  streamRequest(request: AnswerUrlRequest) {
    const streamUrl = pathStreamUrl(request.streamBase, 'exotel', request.agentUuid, { 'sample-rate': String(request.sampleRate) });
    return { streamUrl, sampleRate: request.sampleRate };
  },
  document: exotelAnswerDocument,
  refusal: Object.freeze({ contentType: JSON_CONTENT_TYPE, body: JSON.stringify({ error: { code: 'agent_not_found', message: 'no such agent' } }) }),
});
