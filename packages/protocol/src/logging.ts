/**
 * Log fields every VR3 process redacts (pino `redact.paths`): credentials of every provider, API
 * keys, passwords, and anything under `pii`. Loggers must also never receive a stream URL or its
 * query string; redaction is the second line of defence, not the first.
 */
export const LOG_REDACT_PATHS: readonly string[] = Object.freeze([
  'req.headers.authorization',
  'headers.authorization',
  '*.authorization',
  '*.bearer_token',
  '*.auth_token',
  '*.api_token',
  '*.api_key',
  '*.apiKey',
  '*.password',
  '*.credentials',
  '*.secrets',
  'engine.headers',
  '*.engine.headers',
  'engine.api_key',
  '*.engine.api_key',
  'pii',
  '*.pii',
]);
