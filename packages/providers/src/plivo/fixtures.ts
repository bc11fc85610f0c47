/**
 * Recorded Plivo frames for the conformance suite, from Plivo's Stream Event Protocol (reference
 * §4.4): `start` first with `extra_headers`, numeric counters, epoch-millisecond timestamps as
 * strings, `dtmf` with `track`/`timestamp`, `playedStream`/`clearedAudio` acknowledgements.
 */
import type { BindingFixture, InboundFixture, OutboundFixture, ProviderFixtures } from '../fixture-types.ts';

const DOCS = 'Plivo Stream Event Protocol (reference §4.4)';
const EDGE = 'edge case';
const json = (value: unknown): string => JSON.stringify(value);
const MULAW_8K = { encoding: 'mulaw', sampleRate: 8000 } as const;
const UUID = '0e1f2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7';
const STREAM = '9a8b7c6d-5e4f-3a2b-1c0d-e9f8a7b6c5d4';
const AUDIO = Buffer.from([0xff, 0x7f, 0x00, 0x80]);

const docStart = { callId: UUID, streamId: STREAM, accountId: 'MAXXXXXXXXXXXXXXXXXX', tracks: ['inbound'], mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 } };
const snakeStart = { call_id: 'c-snake', stream_id: 's-snake', account_id: 'MA_SNAKE', media_format: { encoding: 'audio/x-l16', sample_rate: '16000' } };

const inbound: InboundFixture[] = [
  {
    name: 'start (documented example)',
    source: DOCS,
    frame: json({ event: 'start', sequenceNumber: 1, start: docStart, extra_headers: 'userId=12345;sessionId=abc' }),
    expect: {
      event: {
        type: 'start',
        streamId: STREAM,
        callId: UUID,
        accountId: 'MAXXXXXXXXXXXXXXXXXX',
        customParameters: { userId: '12345', sessionId: 'abc' },
        mediaFormat: MULAW_8K,
        metadata: { ...docStart, extra_headers: 'userId=12345;sessionId=abc' },
      },
    },
  },
  {
    name: 'snake_case start with L16 16 kHz as a string',
    source: EDGE,
    frame: json({ event: 'start', start: snakeStart }),
    expect: { event: { type: 'start', streamId: 's-snake', callId: 'c-snake', accountId: 'MA_SNAKE', customParameters: {}, mediaFormat: { encoding: 'pcm16be', sampleRate: 16000 }, metadata: snakeStart } },
  },
  {
    name: 'media (documented example)',
    source: DOCS,
    frame: json({ event: 'media', sequenceNumber: 42, streamId: STREAM, media: { track: 'inbound', timestamp: '1705312200000', chunk: 41, payload: AUDIO.toString('base64') }, extra_headers: 'userId=12345' }),
    expect: { event: { type: 'media', payload: AUDIO, sequence: 42 } },
  },
  {
    name: 'media with a string sequence number',
    source: EDGE,
    frame: json({ event: 'media', sequenceNumber: '43', media: { payload: AUDIO.toString('base64') } }),
    expect: { event: { type: 'media', payload: AUDIO, sequence: 43 } },
  },
  { name: 'dtmf', source: DOCS, frame: json({ event: 'dtmf', sequenceNumber: 7, streamId: STREAM, dtmf: { track: 'inbound', digit: '5', timestamp: '1705312200100' } }), expect: { event: { type: 'dtmf', digit: '5' } } },
  { name: 'playedStream', source: DOCS, frame: json({ event: 'playedStream', sequenceNumber: 9, streamId: STREAM, name: 'customer greeting audio' }), expect: { event: { type: 'mark', name: 'customer greeting audio' } } },
  { name: 'clearedAudio', source: DOCS, frame: json({ event: 'clearedAudio', sequenceNumber: 10, streamId: STREAM }), expect: { event: { type: 'cleared' } } },
  { name: 'outbound track media ignored', source: EDGE, frame: json({ event: 'media', media: { track: 'outbound', payload: '' } }), expect: { event: null } },
  { name: 'unknown event ignored', source: EDGE, frame: json({ event: 'keepAlive' }), expect: { event: null } },
  { name: 'start payload not an object', source: EDGE, frame: json({ event: 'start', start: 'x' }), expect: { error: 'malformed_frame' } },
  { name: 'stereo', source: EDGE, frame: json({ event: 'start', start: { streamId: 's', mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 2 } } }), expect: { error: 'unsupported_media_format' } },
  { name: 'dtmf without digit', source: EDGE, frame: json({ event: 'dtmf', dtmf: { track: 'inbound' } }), expect: { error: 'malformed_frame' } },
];

const outbound: OutboundFixture[] = [
  { name: 'playAudio', frame: { kind: 'media', payload: AUDIO }, expected: { event: 'playAudio', streamId: STREAM, media: { contentType: 'audio/x-mulaw', sampleRate: 8000, payload: AUDIO.toString('base64') } } },
  { name: 'checkpoint', frame: { kind: 'mark', name: 'customer greeting audio' }, expected: { event: 'checkpoint', streamId: STREAM, name: 'customer greeting audio' } },
  { name: 'clearAudio', frame: { kind: 'clear' }, expected: { event: 'clearAudio', streamId: STREAM } },
];

const bindings: [BindingFixture, ...BindingFixture[]] = [
  { name: 'μ-law 8 kHz', start: json({ event: 'start', start: docStart }), expect: { inbound: MULAW_8K, outbound: MULAW_8K, framing: { chunkBytes: 160, chunkMs: 20 } }, outbound },
  {
    name: 'L16 16 kHz with the Vobiz byte-order defaults',
    start: json({ event: 'start', start: snakeStart }),
    expect: { inbound: { encoding: 'pcm16be', sampleRate: 16000 }, outbound: { encoding: 'pcm16le', sampleRate: 16000 }, framing: { chunkBytes: 640, chunkMs: 20 } },
  },
];

/** Plivo conformance fixtures. */
export const plivoFixtures: ProviderFixtures = { provider: 'plivo', handshake: 'start-first', inbound, bindings };
