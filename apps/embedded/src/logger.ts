import { pino, type Logger } from 'pino';
import { LOG_REDACT_PATHS } from '@vr3/protocol';

/** The product's root logger (JSON lines on stdout). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'vr3' }, redact: { paths: [...LOG_REDACT_PATHS], censor: '[redacted]' } });
}
