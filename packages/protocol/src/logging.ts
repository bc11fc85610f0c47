/**
 * Log fields every VR3 process redacts (pino `redact.paths`): credentials of every provider, API
 * keys, passwords, session and invitation tokens, cookies and CSRF tokens, and anything under `pii`. Loggers must also never receive a stream URL or its
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
  'password',
  '*.password',
  '*.current_password',
  '*.new_password',
  'token',
  '*.token',
  '*.csrf_token',
  'req.headers.cookie',
  'headers.cookie',
  '*.cookie',
  'req.headers["x-csrf-token"]',
  'headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers["set-cookie"]',
  '*.credentials',
  '*.secrets',
  'engine.headers',
  '*.engine.headers',
  'engine.api_key',
  '*.engine.api_key',
  'pii',
  '*.pii',
]);
