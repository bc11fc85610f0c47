import { describe, expect, it } from 'vitest';
import { getProvider } from '../registry.ts';
import { FALLBACK, parseMediaFast } from './fast-media.ts';

const P = 'no+JhoaJjpzS';

/** What the adapter makes of `text` as a string (always JSON.parse) and as bytes (fast path first). */
function both(text: string): { slow: unknown; fast: unknown } {
  const adapter = getProvider('cloudonix')!.createStreamAdapter();
  const run = (data: string | Buffer): unknown => {
    try {
      return { ok: adapter.parse(data, false) };
    } catch (err) {
      return { error: (err as { code?: string }).code };
    }
  };
  return { slow: run(text), fast: run(Buffer.from(text)) };
}

/** Frames the fast path takes (it must not fall back). */
const TAKEN = [
  `{"event":"media","sequenceNumber":"7","streamSid":"MZ1","media":{"track":"inbound","chunk":"6","timestamp":"100","payload":"${P}"}}`,
  `{"event":"media","media":{"payload":"${P}","timestamp":220},"sequenceNumber":12}`,
  `{"event":"media","sequence_number":"9","media":{"payload":""}}`,
  `{"event":"media","sequenceNumber":"n/a","sequence_number":"3","media":{"payload":"${P}"}}`,
  `{"event":"media", "media" : { "timestamp" : -0 , "payload" : "${P}" } , "sequenceNumber" : 1.5e1 }\n`,
  `{"event":"media","media":{"track":"outbound","payload":"${P}"}}`,
  `{"event":"media","media":{"track":"outbound_track","payload":"${P}"}}`,
  `{"event":"media","media":{"track":"inbound","payload":"${P}"},"media":{"payload":"/38AgA=="}}`,
  `{"event":"media","media":{"payload":"x","payload":"${P}"},"sequenceNumber":{},"sequence_number":"4"}`,
  `{"event":"media","other":{"payload":"zz"},"media":{"payload":"${P}","timestamp":"0012"}}`,
  `{"event":"media","media":{"payload":"${P}"},"event":"media"}`,
];

/** Frames outside the fast path's subset, or not media: the general path decides. */
const FALLS_BACK = [
  `{"event":"media","media":{"payload":"no+Jho\\u0061Jjpz"}}`, // escape in the payload
  `{"event":"media","str\\u0065amSid":"x","media":{"payload":"${P}"}}`, // escaped key
  `{"event":"media","streamSid":"é","media":{"payload":"${P}"}}`, // non-ASCII
  `{"event":"media","media":{"payload":"${P}"},"flags":[1]}`, // array
  `{"event":"media","media":{"payload":"${P}","x":null}}`, // null
  `{"event":"media","media":{"payload":"${P}","t":{"deep":1}}}`, // nesting beyond one level
  `{"event":"media","media":{"payload":42}}`, // payload not a string
  `{"event":"media","media":"${P}"}`, // media not an object
  `{"event":"media"}`, // no media
  `{"event":"media","media":{"payload":"${P}"},"media":3}`, // last media key is not an object
  `{"event":"media","media":{"payload":"${P}"},"event":"mark","mark":{"name":"a"}}`, // last event wins
  `{"event":"media","media":{"payload":"${P}"}}x`, // trailing bytes
  `{"event":"media","media":{"payload":"${P}"},}`, // trailing comma
  `{"event":"media","media":{"payload":"${P}"`, // truncated
  `{"event":"media","sequenceNumber":01,"media":{"payload":"${P}"}}`, // leading zero
  `{"event":"media","media":{"payload":"${P}","timestamp":1.}}`, // bad number
  ` {"event":"media","media":{"payload":"${P}"}}`, // leading whitespace
  `{"event":"mark","mark":{"name":"m"}}`, // not media
  `{"event":"media_x","media":{"payload":"${P}"}}`,
];

describe('parseMediaFast', () => {
  it.each(TAKEN)('takes %s and agrees with JSON.parse', (text) => {
    expect(parseMediaFast(Buffer.from(text))).not.toBe(FALLBACK);
    const { slow, fast } = both(text);
    expect(fast).toStrictEqual(slow);
    expect(slow).toHaveProperty('ok');
  });

  it.each(FALLS_BACK)('falls back on %s (same result or error as JSON.parse)', (text) => {
    expect(parseMediaFast(Buffer.from(text))).toBe(FALLBACK);
    const { slow, fast } = both(text);
    expect(fast).toStrictEqual(slow);
  });

  it('reads the fields the general path reads', () => {
    const event = parseMediaFast(Buffer.from(TAKEN[0]!));
    expect(event).toStrictEqual({ type: 'media', payload: Buffer.from(P, 'base64'), sequence: 7, timestampMs: 100 });
    expect(parseMediaFast(Buffer.from(TAKEN[5]!))).toBeNull();
  });

  it('rejects an invalid base64 payload like the general path (malformed_frame)', () => {
    const text = '{"event":"media","media":{"payload":"ab*d"}}';
    expect(() => parseMediaFast(Buffer.from(text))).toThrow(expect.objectContaining({ code: 'malformed_frame' }));
    const { slow, fast } = both(text);
    expect(fast).toStrictEqual(slow);
    expect(slow).toEqual({ error: 'malformed_frame' });
  });
});

describe('TwilioStyleStreamAdapter.mediaBytes', () => {
  it.each(['cloudonix', 'twilio', 'exotel'] as const)('%s: the bytes of media() for every payload length and a non-ASCII stream id', (name) => {
    const adapter = getProvider(name)!.createStreamAdapter();
    const start = adapter.parse(JSON.stringify({ event: 'start', start: { streamSid: 'MZ-é-"q"-1', mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 } } }), false);
    adapter.bind(start as Parameters<typeof adapter.bind>[0]);
    for (let n = 0; n < 12; n++) {
      const payload = Buffer.from(Array.from({ length: n + 158 }, (_, i) => (i * 37 + n) & 0xff));
      expect(adapter.mediaBytes!(payload).toString('utf8')).toBe(adapter.media(payload));
    }
    expect(adapter.mediaBytes!(Buffer.alloc(0)).toString('utf8')).toBe(adapter.media(Buffer.alloc(0)));
  });
});
