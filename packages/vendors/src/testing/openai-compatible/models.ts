/**
 * `GET /v1/models` as OpenAI answers it (the list a credentials check reads), shared by the
 * OpenAI-compatible and OpenAI Realtime stand-ins: 200 with a model list for `Bearer <apiKey>`,
 * 401 `invalid_api_key` otherwise.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Path of the model list. */
export const MODELS_PATH = '/v1/models';

/** Answers `req` when it is for {@link MODELS_PATH} and returns true; false (nothing sent) for another path. */
export function answerModels(req: IncomingMessage, res: ServerResponse, apiKey: string): boolean {
  if ((req.url ?? '').split('?')[0] !== MODELS_PATH) return false;
  const send = (status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  };
  if (req.method !== 'GET') send(405, { error: { message: 'method not allowed', type: 'invalid_request_error', param: null, code: null } });
  else if (req.headers.authorization !== `Bearer ${apiKey}`) {
    send(401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
  } else {
    const created = 1_700_000_000;
    send(200, { object: 'list', data: ['gpt-4o-mini', 'gpt-realtime', 'whisper-1', 'tts-1'].map((id) => ({ id, object: 'model', created, owned_by: 'stand-in' })) });
  }
  return true;
}
