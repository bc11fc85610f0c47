import { pino, type Logger } from 'pino';

/** Paths redacted from every log line: credentials, keys and phone numbers. */
export const REDACT_PATHS = ['req.headers.authorization', 'headers.authorization', '*.bearer_token', '*.api_key', '*.apiKey', '*.password', 'pii', '*.pii'];

/** A service's root logger (JSON lines on stdout). */
export function createServiceLogger(level: string, service: string, instance: string): Logger {
  return pino({ level, base: { service, instance }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}
