import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LOG_REDACT_PATHS } from '@vr3/protocol';

describe('log redaction', () => {
  it('redacts provider credentials, keys and pii wherever they sit one level down', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = pino({ redact: { paths: [...LOG_REDACT_PATHS], censor: '[redacted]' } }, sink);
    log.info({
      config: { bearer_token: 'SECRET-1', auth_token: 'SECRET-2', api_token: 'SECRET-3', api_key: 'SECRET-4', domain_id: 'acme' },
      req: { headers: { authorization: 'Bearer SECRET-5' } },
      pii: { caller: '+15555550100' },
    }, 'configuration used');
    const out = lines.join('');
    expect(out).toContain('acme');
    for (const secret of ['SECRET-1', 'SECRET-2', 'SECRET-3', 'SECRET-4', 'SECRET-5', '+15555550100']) expect(out).not.toContain(secret);
  });
});
