import { LOG_REDACT_PATHS } from '@vr3/protocol';
import { pino, type Logger } from 'pino';

/** A service's root logger (JSON lines on stdout). */
export function createServiceLogger(level: string, service: string, instance: string): Logger {
  return pino({ level, base: { service, instance }, redact: { paths: [...LOG_REDACT_PATHS], censor: '[redacted]' } });
}
