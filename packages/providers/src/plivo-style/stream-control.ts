/**
 * Plivo-style streams on a live call (Vobiz, Plivo): `POST {prefix}/Account/{auth_id}/Call/
 * {call_uuid}/Stream/` JSON `{service_url, bidirectional, audio_track, content_type,
 * status_callback_url, status_callback_method:"POST"}` → 202 `{stream_id, message}`; the provider
 * opens the WebSocket to `service_url` and posts `Event=StartStream | PlayedStream | StopStream` to
 * the status callback. `DELETE …/Stream/{stream_id}/` → 204 stops it (404: already gone).
 */
import type { AttachStream, StopStream } from '../call-control.ts';
import { jsonStringField } from '../callback-fields.ts';
import type { ConfiguredClientOptions } from '../descriptor.ts';
import { ProviderApiError, ProviderConfigError } from '../errors.ts';
import { answerSampleRate, type AnswerSampleRate } from '../answer-document.ts';
import { RestRequester, requireSecret } from '../rest-client.ts';
import { plivoStyleContentType } from './answer-document.ts';
import type { PlivoStylePlacement } from './call-control.ts';

/** The `{prefix}/Account/{auth_id}/Call/{call_uuid}/Stream/` path and a requester for one configuration. */
function streamsOf(api: PlivoStylePlacement, client: ConfiguredClientOptions, callId: string): { rest: RestRequester; path: string } {
  if (callId === '') throw new ProviderConfigError('invalid_call_ref', `${api.provider} call uuid is empty`);
  const authId = requireSecret(api.provider, 'auth_id', client.accountId);
  const rest = new RestRequester(api.provider, client, api.headers(authId, requireSecret(api.provider, 'auth_token', client.credentials['auth_token'])));
  return { rest, path: `${api.prefix}/Account/${encodeURIComponent(authId)}/Call/${encodeURIComponent(callId)}/Stream/` };
}

/** The `content_type`s of a provider streaming L16 up to `maxL16Rate`. */
function contentTypesUpTo(maxL16Rate: AnswerSampleRate): readonly string[] {
  return Object.freeze(['audio/x-mulaw;rate=8000', ...[8000, 16000, 24000].filter((rate) => rate <= maxL16Rate).map((rate) => `audio/x-l16;rate=${rate}`)]);
}

/**
 * The `attachStream` of a Plivo-style provider streaming L16 up to `maxL16Rate`; without a
 * `contentType` the stream carries the agent's rate (as its answer XML does). Throws
 * `invalid_option` for a content type the provider does not stream.
 */
export function plivoStyleAttachStream(api: PlivoStylePlacement, maxL16Rate: AnswerSampleRate): AttachStream {
  const contentTypes = contentTypesUpTo(maxL16Rate);
  const attach = async (...[client, request, signal]: Parameters<AttachStream>): ReturnType<AttachStream> => {
    const contentType = request.contentType ?? plivoStyleContentType(answerSampleRate(request.sampleRate), maxL16Rate);
    if (!contentTypes.includes(contentType)) throw new ProviderConfigError('invalid_option', `${api.provider} streams content types ${contentTypes.join(', ')}`);
    const { rest, path } = streamsOf(api, client, request.callId);
    const fields: Record<string, string | boolean> = {
      service_url: request.serviceUrl,
      bidirectional: request.bidirectional,
      audio_track: request.audioTrack,
      content_type: contentType,
    };
    if (request.statusCallbackUrl !== undefined) {
      fields['status_callback_url'] = request.statusCallbackUrl;
      fields['status_callback_method'] = 'POST';
    }
    const answer = await rest.send('attach', 'POST', path, [200, 201, 202], signal, { contentType: 'application/json', text: JSON.stringify(fields) });
    const streamId = jsonStringField(answer.text, 'stream_id', 'streamId');
    if (streamId === undefined) throw new ProviderApiError('provider_rejected', `${api.provider} attach answered without a stream id`, { provider: api.provider, operation: 'attach', status: answer.status });
    return { streamId };
  };
  return Object.assign(attach, { contentTypes });
}

/** The `stopStream` of a Plivo-style provider: 200/204, and 404 (the stream already ended), succeed. */
export function plivoStyleStopStream(api: PlivoStylePlacement): StopStream {
  return async (client, stream, signal) => {
    if (stream.streamId === '') throw new ProviderConfigError('invalid_call_ref', `${api.provider} stream id is empty`);
    const { rest, path } = streamsOf(api, client, stream.callId);
    await rest.send('detach', 'DELETE', `${path}${encodeURIComponent(stream.streamId)}/`, [200, 202, 204, 404], signal);
  };
}
