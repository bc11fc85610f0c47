import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LOG_REDACT_PATHS } from '@vr3/protocol';

describe('log redaction of sign-in secrets', () => {
  it('redacts passwords, tokens, cookies and CSRF headers', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = pino({ redact: { paths: [...LOG_REDACT_PATHS], censor: '[redacted]' } }, sink);
    log.info(
      {
        password: 'SECRET-1',
        token: 'SECRET-2',
        body: { email: 'kept@example.com', password: 'SECRET-3', current_password: 'SECRET-4', new_password: 'SECRET-5', token: 'SECRET-6', csrf_token: 'SECRET-7' },
        req: { headers: { cookie: 'vr3_session=SECRET-8', 'x-csrf-token': 'SECRET-9' } },
        res: { headers: { 'set-cookie': 'vr3_session=SECRET-10' } },
      },
      'request',
    );
    const out = lines.join('');
    expect(out).toContain('kept@example.com');
    for (let i = 1; i <= 10; i++) expect(out).not.toMatch(new RegExp(`SECRET-${i}\\b`));
  });
});
