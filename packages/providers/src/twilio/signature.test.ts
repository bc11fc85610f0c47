import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { getExpectedTwilioSignature, validateRequest } from 'twilio/lib/webhooks/webhooks.js';
import { describe, expect, it } from 'vitest';
import { twilioSignature, verifyTwilioSignature, type TwilioSignedParams } from './signature.ts';

// The official `twilio` package is the oracle: our signature must be its signature, and our verdict
// its verdict, on every URL, token and parameter set tried.

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/);
const queryText = fc.stringMatching(/^[A-Za-z0-9._~+-]{0,10}$/);

/** Absolute URLs the way a provider is given them: scheme, host, maybe a port, path, maybe a query. */
const urlArb = fc
  .record({
    scheme: fc.constantFrom('https', 'wss', 'http', 'ws'),
    host: fc.tuple(fc.array(label, { minLength: 1, maxLength: 2 }), fc.constantFrom('com', 'net', 'io', 'example')).map(([labels, tld]) => [...labels, tld].join('.')),
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    path: fc.array(segment, { maxLength: 5 }),
    query: fc.array(fc.tuple(segment, queryText), { maxLength: 4 }),
  })
  .map(({ scheme, host, port, path, query }) => {
    const q = query.map(([k, v]) => `${k}=${v}`).join('&');
    return `${scheme}://${host}${port === undefined ? '' : `:${port}`}/${path.join('/')}${q ? `?${q}` : ''}`;
  });
const tokenArb = fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), fc.string({ minLength: 1, maxLength: 40 }));
const paramsArb: fc.Arbitrary<Record<string, string | string[]>> = fc.dictionary(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,10}$/),
  fc.oneof(fc.string({ maxLength: 20 }), fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 3 })),
  { maxKeys: 5 },
);

const oracleSign = (token: string, url: string, params: TwilioSignedParams): string => getExpectedTwilioSignature(token, url, params as Record<string, string>);
const oracleValid = (token: string, signature: string, url: string, params: TwilioSignedParams): boolean =>
  validateRequest(token, signature, url, params as Record<string, string>);

describe('twilioSignature', () => {
  it("is the twilio package's expected signature for any URL, token and POST parameters", () => {
    fc.assert(
      fc.property(tokenArb, urlArb, paramsArb, (token, url, params) => {
        expect(twilioSignature(token, url, params)).toBe(oracleSign(token, url, params));
      }),
      { numRuns: 300 },
    );
  });

  it('signs the URL followed by each POST parameter, sorted by name (repeated ones by value)', () => {
    const url = 'https://example.com/myapp.php?foo=1&bar=2';
    const params = { To: '+18005551212', CallSid: 'CA1234567890ABCDE', Digits: ['2', '1', '2'], From: '+12349013030' };
    const data = `${url}CallSid${params.CallSid}Digits1Digits2From${params.From}To${params.To}`;
    expect(twilioSignature('12345', url, params)).toBe(createHmac('sha1', '12345').update(data, 'utf8').digest('base64'));
    expect(verifyTwilioSignature(url, params, oracleSign('12345', url, params), '12345')).toBe(true);
  });
});

describe('verifyTwilioSignature', () => {
  it('accepts what the twilio package signs, as the twilio package does', () => {
    fc.assert(
      fc.property(tokenArb, urlArb, paramsArb, (token, url, params) => {
        const signature = oracleSign(token, url, params);
        expect(oracleValid(token, signature, url, params)).toBe(true);
        expect(verifyTwilioSignature(url, params, signature, token)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('reaches the twilio package’s verdict on forged, tampered and misdirected signatures', () => {
    fc.assert(
      fc.property(tokenArb, tokenArb, urlArb, urlArb, paramsArb, fc.nat(), (token, otherToken, url, otherUrl, params, at) => {
        const good = oracleSign(token, url, params);
        const flipped = good.slice(0, at % good.length) + (good[at % good.length] === 'A' ? 'B' : 'A') + good.slice((at % good.length) + 1);
        const withoutPort = url.replace(/^([a-z]+:\/\/[^/:]+):\d+/, '$1');
        const candidates = [
          oracleSign(otherToken, url, params),
          oracleSign(token, otherUrl, params),
          oracleSign(token, `${url}x`, params),
          oracleSign(token, url, { ...params, Extra: 'x' }),
          oracleSign(token, withoutPort, params),
          flipped,
          good.slice(0, -1),
          '',
        ];
        for (const signature of candidates) {
          expect(verifyTwilioSignature(url, params, signature, token)).toBe(oracleValid(token, signature, url, params));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a WebSocket upgrade is a GET: the URL alone is signed; absent, empty or other-token signatures fail', () => {
    const url = 'wss://voice.example.com/api/v1/agent-stream/twilio/6f1c1b9e-1d2a-4c57-9b0e-4a7e0c2f9d11';
    const token = 'f'.repeat(32);
    const signature = oracleSign(token, url, {});
    expect(verifyTwilioSignature(url, {}, signature, token)).toBe(true);
    expect(verifyTwilioSignature(url, {}, undefined, token)).toBe(false);
    expect(verifyTwilioSignature(url, {}, '', token)).toBe(false);
    expect(verifyTwilioSignature(url, {}, signature, 'e'.repeat(32))).toBe(false);
    expect(verifyTwilioSignature(url, {}, signature, '')).toBe(false);
    expect(verifyTwilioSignature(url.replace('twilio/', 'twilio/x'), {}, signature, token)).toBe(false);
  });

  it('accepts a signature over the URL with the scheme’s default port, or without an explicit one', () => {
    const token = 'secret-token';
    const bare = 'wss://voice.example.com/api/v1/agent-stream/twilio/a';
    const withPort = 'wss://voice.example.com:443/api/v1/agent-stream/twilio/a';
    expect(verifyTwilioSignature(bare, {}, twilioSignature(token, withPort), token)).toBe(true);
    expect(verifyTwilioSignature(withPort, {}, twilioSignature(token, bare), token)).toBe(true);
    expect(verifyTwilioSignature(bare, {}, twilioSignature(token, 'wss://voice.example.com:8443/api/v1/agent-stream/twilio/a'), token)).toBe(false);
  });
});
