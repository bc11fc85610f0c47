import { randomBytes } from 'node:crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import type { StreamUpgrade } from '@vr3/protocol';
import { describe, expect, it } from 'vitest';
import type { ConfigurationRow } from '../db/rows.ts';
import { sealCredentials } from './credentials.ts';
import { checkStreamSignature } from './stream-signature.ts';

const secretKey = randomBytes(32);
const AUTH_TOKEN = randomBytes(16).toString('hex');
const URL = 'wss://voice.example.com/api/v1/agent-stream/twilio/6f1c1b9e-1d2a-4c57-9b0e-4a7e0c2f9d11';

function configuration(provider: string, credentials: Record<string, string> | null): ConfigurationRow {
  const id = `tc-${provider}`;
  return {
    id,
    provider,
    domainId: 'AC0123',
    apiBaseUrl: 'https://api.example.com',
    credentialsCiphertext: credentials === null ? null : sealCredentials(secretKey, id, credentials),
    settings: {},
  };
}

const twilio = configuration('twilio', { auth_token: AUTH_TOKEN });
const signed = (signature: string | undefined, url = URL): StreamUpgrade => ({
  url,
  signature_headers: signature === undefined ? {} : { 'x-twilio-signature': signature },
});

describe('checkStreamSignature', () => {
  it('Twilio with the public URL known: Twilio’s signature of that URL under the auth token passes', () => {
    expect(checkStreamSignature({ secretKey }, twilio, signed(getExpectedTwilioSignature(AUTH_TOKEN, URL, {})))).toEqual({ ok: true, verified: true });
  });

  it('a wrong or missing signature refuses the stream invalid_signature, with a short reason for the run', () => {
    const wrongToken = getExpectedTwilioSignature('not-the-token', URL, {});
    const otherUrl = getExpectedTwilioSignature(AUTH_TOKEN, `${URL}?x=1`, {});
    for (const signature of [wrongToken, otherUrl, 'garbage']) {
      expect(checkStreamSignature({ secretKey }, twilio, signed(signature))).toEqual({
        ok: false,
        code: 'invalid_signature',
        message: 'invalid signature',
        error: 'invalid signature: X-Twilio-Signature does not match',
      });
    }
    for (const signature of [undefined, '']) {
      expect(checkStreamSignature({ secretKey }, twilio, signed(signature))).toMatchObject({ ok: false, code: 'invalid_signature', error: 'invalid signature: X-Twilio-Signature missing' });
    }
  });

  it('nothing to check: the public URL unknown, no upgrade forwarded, another provider, no configuration', () => {
    const notChecked = { ok: true, verified: false };
    expect(checkStreamSignature({ secretKey }, twilio, { signature_headers: { 'x-twilio-signature': 'x' } })).toEqual(notChecked);
    expect(checkStreamSignature({ secretKey }, twilio, undefined)).toEqual(notChecked);
    expect(checkStreamSignature({ secretKey }, configuration('cloudonix', { bearer_token: 't' }), signed(undefined))).toEqual(notChecked);
    expect(checkStreamSignature({ secretKey }, null, signed(undefined))).toEqual(notChecked);
  });

  it('credentials that cannot be opened fail the stream as a server error', () => {
    expect(checkStreamSignature({ secretKey: randomBytes(32) }, twilio, signed('x'))).toMatchObject({ ok: false, code: 'internal' });
    expect(checkStreamSignature({ secretKey }, configuration('twilio', null), signed('x'))).toMatchObject({ ok: false, code: 'configuration_missing_credentials' });
  });
});
