/**
 * Recorded Cloudonix frames for the conformance suite. Shapes follow the documented examples:
 * Twilio Media Streams messages (Cloudonix uses Twilio-compatible framing) and the Cloudonix
 * `start` recorded in dograh's tests and cloudonix/pipecat's serializer tests; the edge cases
 * cover key casing, numbers sent as strings, optional fields left out and malformed frames.
 */
import type { InboundFixture, OutboundFixture, ProviderFixtures } from '../fixture-types.ts';

const TWILIO = 'Twilio Media Streams messages (Cloudonix is Twilio-compatible)';
const CLOUDONIX = 'Cloudonix start as recorded by dograh / cloudonix-pipecat';
const EDGE = 'edge case';
const MULAW_8K = { encoding: 'mulaw', sampleRate: 8000 } as const;
const SID = 'MZ18ad3ab5a668481ce02b83e7395059f0';

const json = (value: unknown): string => JSON.stringify(value);

const cloudonixStart = {
  streamSid: 'stream-123',
  callSid: 'call-123',
  session: 'session-123',
  accountSid: 'acme',
  from: '+15551230001',
  to: '+15551230002',
  context: 'inbound',
  tracks: ['inbound'],
  mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
};

const twilioStart = {
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  streamSid: SID,
  callSid: 'CA0123456789abcdef0123456789abcdef',
  tracks: ['inbound'],
  mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
  customParameters: { FirstName: 'Jane' },
};

const snakeStart = {
  stream_sid: 'stream-snake',
  call_sid: 'call-snake',
  session: 'session-snake',
  account_sid: 'acme.cloudonix.net',
  custom_parameters: { lang: 'en', tier: 2 },
  media_format: { encoding: 'audio/x-mulaw', sample_rate: '8000', channels: '1' },
};

const oddParams = { count: 3, vip: true, none: null, nested: { a: 1 }, list: [1, 2], text: 'x' };

const inbound: InboundFixture[] = [
  // connected
  {
    name: 'connected',
    source: CLOUDONIX,
    frame: json({ event: 'connected', protocol: 'Call', version: '1.0.0' }),
    expect: { event: { type: 'connected', protocol: 'Call', version: '1.0.0' } },
  },
  { name: 'connected without protocol/version', source: EDGE, frame: json({ event: 'connected' }), expect: { event: { type: 'connected' } } },

  // start
  {
    name: 'cloudonix start (session token, domain as accountSid, from/to)',
    source: CLOUDONIX,
    frame: json({ event: 'start', start: cloudonixStart }),
    expect: {
      event: {
        type: 'start',
        streamId: 'stream-123',
        callId: 'call-123',
        sessionId: 'session-123',
        accountId: 'acme',
        from: '+15551230001',
        to: '+15551230002',
        customParameters: {},
        mediaFormat: MULAW_8K,
        metadata: cloudonixStart,
      },
    },
  },
  {
    name: 'twilio-shaped start with top-level streamSid, string sequenceNumber and customParameters',
    source: TWILIO,
    frame: json({ event: 'start', sequenceNumber: '1', streamSid: SID, start: twilioStart }),
    expect: {
      event: {
        type: 'start',
        streamId: SID,
        callId: 'CA0123456789abcdef0123456789abcdef',
        accountId: 'AC0123456789abcdef0123456789abcdef',
        customParameters: { FirstName: 'Jane' },
        mediaFormat: MULAW_8K,
        metadata: twilioStart,
      },
    },
  },
  {
    name: 'snake_case ids, custom_parameters and media_format with numbers as strings',
    source: EDGE,
    frame: json({ event: 'start', sequence_number: '1', start: snakeStart }),
    expect: {
      event: {
        type: 'start',
        streamId: 'stream-snake',
        callId: 'call-snake',
        sessionId: 'session-snake',
        accountId: 'acme.cloudonix.net',
        customParameters: { lang: 'en', tier: '2' },
        mediaFormat: MULAW_8K,
        metadata: snakeStart,
      },
    },
  },
  {
    name: 'streamSid only at top level, no mediaFormat (defaults to mu-law 8 kHz), no optional fields',
    source: EDGE,
    frame: json({ event: 'start', streamSid: 'top-level-sid', start: { callSid: 'c1' } }),
    expect: {
      event: { type: 'start', streamId: 'top-level-sid', callId: 'c1', customParameters: {}, mediaFormat: MULAW_8K, metadata: { callSid: 'c1' } },
    },
  },
  {
    name: 'snake_case top-level stream_sid and no start object',
    source: EDGE,
    frame: json({ event: 'start', stream_sid: 'snake-top' }),
    expect: { event: { type: 'start', streamId: 'snake-top', customParameters: {}, mediaFormat: MULAW_8K, metadata: {} } },
  },
  {
    name: 'A-law with sampleRate as a string',
    source: EDGE,
    frame: json({ event: 'start', start: { streamSid: 's', mediaFormat: { encoding: 'audio/x-alaw', sampleRate: '8000' } } }),
    expect: {
      event: {
        type: 'start',
        streamId: 's',
        customParameters: {},
        mediaFormat: { encoding: 'alaw', sampleRate: 8000 },
        metadata: { streamSid: 's', mediaFormat: { encoding: 'audio/x-alaw', sampleRate: '8000' } },
      },
    },
  },
  {
    name: 'audio/l16 at 16 kHz is big-endian PCM16',
    source: EDGE,
    frame: json({ event: 'start', start: { streamSid: 's', mediaFormat: { encoding: 'audio/L16', sampleRate: 16000, channels: 1 } } }),
    expect: {
      event: {
        type: 'start',
        streamId: 's',
        customParameters: {},
        mediaFormat: { encoding: 'pcm16be', sampleRate: 16000 },
        metadata: { streamSid: 's', mediaFormat: { encoding: 'audio/L16', sampleRate: 16000, channels: 1 } },
      },
    },
  },
  {
    name: 'custom parameter values flattened to strings, nulls dropped',
    source: EDGE,
    frame: json({ event: 'start', start: { streamSid: 's', customParameters: oddParams } }),
    expect: {
      event: {
        type: 'start',
        streamId: 's',
        customParameters: { count: '3', vip: 'true', nested: '{"a":1}', list: '[1,2]', text: 'x' },
        mediaFormat: MULAW_8K,
        metadata: { streamSid: 's', customParameters: oddParams },
      },
    },
  },
  {
    name: 'numeric ids become strings',
    source: EDGE,
    frame: json({ event: 'start', start: { streamSid: 42, callSid: 7, session: 99 } }),
    expect: {
      event: {
        type: 'start',
        streamId: '42',
        callId: '7',
        sessionId: '99',
        customParameters: {},
        mediaFormat: MULAW_8K,
        metadata: { streamSid: 42, callSid: 7, session: 99 },
      },
    },
  },

  // media
  {
    name: 'media with string sequenceNumber/chunk/timestamp',
    source: TWILIO,
    frame: json({
      event: 'media',
      sequenceNumber: '4',
      streamSid: SID,
      media: { track: 'inbound', chunk: '2', timestamp: '5', payload: 'no+JhoaJjpzS' },
    }),
    expect: {
      event: { type: 'media', payload: Buffer.from([0x9e, 0x8f, 0x89, 0x86, 0x86, 0x89, 0x8e, 0x9c, 0xd2]), sequence: 4, timestampMs: 5 },
    },
  },
  {
    name: 'media with numeric counters and padded payload',
    source: EDGE,
    frame: json({ event: 'media', sequenceNumber: 12, media: { timestamp: 220, payload: '/38AgA==' } }),
    expect: { event: { type: 'media', payload: Buffer.from([0xff, 0x7f, 0x00, 0x80]), sequence: 12, timestampMs: 220 } },
  },
  {
    name: 'media without counters; non-numeric counters are dropped',
    source: EDGE,
    frame: json({ event: 'media', sequenceNumber: 'n/a', media: { payload: '/38AgA==' } }),
    expect: { event: { type: 'media', payload: Buffer.from([0xff, 0x7f, 0x00, 0x80]) } },
  },
  {
    name: 'snake_case sequence_number',
    source: EDGE,
    frame: json({ event: 'media', stream_sid: 's', sequence_number: '9', media: { payload: '' } }),
    expect: { event: { type: 'media', payload: Buffer.alloc(0), sequence: 9 } },
  },
  {
    name: 'media with keys in another order and whitespace (bytes: fast path)',
    source: EDGE,
    frame: '{"event":"media" ,"media":{ "payload":"/38AgA==", "timestamp":220 }, "streamSid":"s","sequenceNumber":12 }',
    expect: { event: { type: 'media', payload: Buffer.from([0xff, 0x7f, 0x00, 0x80]), sequence: 12, timestampMs: 220 } },
  },
  {
    name: 'media with an escaped payload string (bytes: general path)',
    source: EDGE,
    frame: '{"event":"media","media":{"payload":"\\/38AgA=="},"sequenceNumber":"1"}',
    expect: { event: { type: 'media', payload: Buffer.from([0xff, 0x7f, 0x00, 0x80]), sequence: 1 } },
  },
  {
    name: 'media on the outbound track is not caller audio',
    source: EDGE,
    frame: json({ event: 'media', streamSid: SID, media: { track: 'outbound', payload: '/38AgA==' } }),
    expect: { event: null },
  },

  // dtmf, mark, stop
  {
    name: 'dtmf',
    source: TWILIO,
    frame: json({ event: 'dtmf', streamSid: SID, sequenceNumber: '5', dtmf: { track: 'inbound_track', digit: '1' } }),
    expect: { event: { type: 'dtmf', digit: '1' } },
  },
  {
    name: 'dtmf with a duration as a string',
    source: EDGE,
    frame: json({ event: 'dtmf', dtmf: { digit: '#', duration: '250' } }),
    expect: { event: { type: 'dtmf', digit: '#', durationMs: 250 } },
  },
  {
    name: 'mark echo',
    source: TWILIO,
    frame: json({ event: 'mark', sequenceNumber: '4', streamSid: SID, mark: { name: 'my label' } }),
    expect: { event: { type: 'mark', name: 'my label' } },
  },
  {
    name: 'stop (twilio shape)',
    source: TWILIO,
    frame: json({ event: 'stop', sequenceNumber: '5', streamSid: SID, stop: { accountSid: 'AC0123', callSid: 'CA0123' } }),
    expect: { event: { type: 'stop' } },
  },
  {
    name: 'stop (cloudonix shape with session)',
    source: CLOUDONIX,
    frame: json({ event: 'stop', streamSid: 'stream-123', stop: { callSid: 'call-123', session: 'session-123' } }),
    expect: { event: { type: 'stop' } },
  },
  { name: 'stop without a stop object', source: EDGE, frame: json({ event: 'stop' }), expect: { event: { type: 'stop' } } },

  // ignored
  { name: 'unknown event name is ignored', source: EDGE, frame: json({ event: 'keepalive' }), expect: { event: null } },
  { name: 'outbound-only event name inbound is ignored', source: EDGE, frame: json({ event: 'clear', streamSid: SID }), expect: { event: null } },

  // malformed
  { name: 'binary frame', source: EDGE, frame: Buffer.from(json({ event: 'connected' })), isBinary: true, expect: { error: 'malformed_frame' } },
  { name: 'not JSON', source: EDGE, frame: 'hello', expect: { error: 'malformed_frame' } },
  { name: 'truncated JSON', source: EDGE, frame: '{"event":"start","start":{', expect: { error: 'malformed_frame' } },
  { name: 'JSON array', source: EDGE, frame: '[{"event":"start"}]', expect: { error: 'malformed_frame' } },
  { name: 'JSON string', source: EDGE, frame: '"start"', expect: { error: 'malformed_frame' } },
  { name: 'JSON null', source: EDGE, frame: 'null', expect: { error: 'malformed_frame' } },
  { name: 'missing event', source: EDGE, frame: json({ streamSid: SID }), expect: { error: 'malformed_frame' } },
  { name: 'event is not a string', source: EDGE, frame: json({ event: 5 }), expect: { error: 'malformed_frame' } },
  { name: 'start without any streamSid', source: EDGE, frame: json({ event: 'start', start: { callSid: 'c' } }), expect: { error: 'malformed_frame' } },
  { name: 'start with an empty streamSid', source: EDGE, frame: json({ event: 'start', start: { streamSid: '' } }), expect: { error: 'malformed_frame' } },
  { name: 'start payload not an object', source: EDGE, frame: json({ event: 'start', start: 'x', streamSid: 's' }), expect: { error: 'malformed_frame' } },
  {
    name: 'mediaFormat not an object',
    source: EDGE,
    frame: json({ event: 'start', start: { streamSid: 's', mediaFormat: 'audio/x-mulaw' } }),
    expect: { error: 'malformed_frame' },
  },
  {
    name: 'unsupported encoding',
    source: EDGE,
    frame: json({ event: 'start', start: { streamSid: 's', mediaFormat: { encoding: 'audio/opus', sampleRate: 48000 } } }),
    expect: { error: 'unsupported_media_format' },
  },
  {
    name: 'unparseable sample rate',
    source: EDGE,
    frame: json({ event: 'start', start: { streamSid: 's', mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 'fast' } } }),
    expect: { error: 'unsupported_media_format' },
  },
  {
    name: 'stereo',
    source: EDGE,
    frame: json({ event: 'start', start: { streamSid: 's', mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 2 } } }),
    expect: { error: 'unsupported_media_format' },
  },
  { name: 'media without media object', source: EDGE, frame: json({ event: 'media', streamSid: SID }), expect: { error: 'malformed_frame' } },
  { name: 'media without payload', source: EDGE, frame: json({ event: 'media', media: { track: 'inbound' } }), expect: { error: 'malformed_frame' } },
  { name: 'media payload not a string', source: EDGE, frame: json({ event: 'media', media: { payload: 12 } }), expect: { error: 'malformed_frame' } },
  { name: 'media payload not base64', source: EDGE, frame: json({ event: 'media', media: { payload: 'AA!C' } }), expect: { error: 'malformed_frame' } },
  { name: 'dtmf without digit', source: EDGE, frame: json({ event: 'dtmf', dtmf: { track: 'inbound_track' } }), expect: { error: 'malformed_frame' } },
  { name: 'mark without name', source: EDGE, frame: json({ event: 'mark', mark: {} }), expect: { error: 'malformed_frame' } },
];

const outbound: OutboundFixture[] = [
  {
    name: 'media',
    frame: { kind: 'media', payload: Buffer.from([0xff, 0x7f, 0x00, 0x80]) },
    expected: { event: 'media', streamSid: 'stream-123', media: { payload: '/38AgA==' } },
  },
  { name: 'empty media', frame: { kind: 'media', payload: Buffer.alloc(0) }, expected: { event: 'media', streamSid: 'stream-123', media: { payload: '' } } },
  { name: 'mark', frame: { kind: 'mark', name: 'my label' }, expected: { event: 'mark', streamSid: 'stream-123', mark: { name: 'my label' } } },
  {
    name: 'mark name needing JSON escapes',
    frame: { kind: 'mark', name: 'say "bye"\\\n\u00fc\u2028' },
    expected: { event: 'mark', streamSid: 'stream-123', mark: { name: 'say "bye"\\\n\u00fc\u2028' } },
  },
  { name: 'clear', frame: { kind: 'clear' }, expected: { event: 'clear', streamSid: 'stream-123' } },
];

/** Cloudonix conformance fixtures. */
export const cloudonixFixtures: ProviderFixtures = {
  provider: 'cloudonix',
  handshake: 'connected-then-start',
  inbound,
  bindings: [
    {
      name: 'μ-law 8 kHz start',
      start: json({ event: 'start', start: cloudonixStart }),
      expect: { inbound: MULAW_8K, outbound: MULAW_8K, framing: { chunkBytes: 160, chunkMs: 20 } },
      outbound,
    },
    {
      name: 'A-law start plays A-law back',
      start: json({ event: 'start', start: { streamSid: 'a', mediaFormat: { encoding: 'audio/x-alaw', sampleRate: 8000 } } }),
      expect: { inbound: { encoding: 'alaw', sampleRate: 8000 }, outbound: { encoding: 'alaw', sampleRate: 8000 }, framing: { chunkBytes: 160, chunkMs: 20 } },
    },
  ],
};
