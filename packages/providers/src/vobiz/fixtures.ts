/**
 * Recorded Vobiz frames for the conformance suite: the nested `start` of the current stream-events
 * docs and Vobiz's audio-streams skill (reference §4.2), the flat `start`/`media`/`stop` of the
 * older `<Stream>` page (seed 004), `extra_headers` strings, numbers as strings.
 */
import type { BindingFixture, InboundFixture, OutboundFixture, ProviderFixtures } from '../fixture-types.ts';

const NESTED = 'Vobiz stream events (reference §4.2)';
const FLAT = 'Vobiz <Stream> initiate page (seed 004)';
const EDGE = 'edge case';
const json = (value: unknown): string => JSON.stringify(value);
const MULAW_8K = { encoding: 'mulaw', sampleRate: 8000 } as const;
const be = (rate: number) => ({ encoding: 'pcm16be', sampleRate: rate }) as const;
const le = (rate: number) => ({ encoding: 'pcm16le', sampleRate: rate }) as const;
const AUDIO = Buffer.from([0x12, 0x34, 0xff, 0xee]);

const nestedStart = { callId: 'CALL_abc123xyz', streamId: 'b3c1d2e4', accountId: 'MA_2210JXXN', tracks: ['inbound'], mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 } };
const flatStart = {
  streamId: '20170ada-f610-433b-8758-c02a2aab3662',
  accountId: 'MA_2210JXXN',
  callId: 'CALL_abc123xyz',
  from: '+14155551111',
  to: '+14155552222',
  direction: 'inbound',
  contentType: 'audio/x-l16;rate=8000',
  audioTrack: 'inbound',
};
const l16Start = (rate: number | string, id = 'l16') => json({ event: 'start', sequenceNumber: 1, start: { streamId: id, callId: 'c', accountId: 'MA_1', mediaFormat: { encoding: 'audio/x-l16', sampleRate: rate } } });

const inbound: InboundFixture[] = [
  {
    name: 'nested start with extra_headers',
    source: NESTED,
    frame: json({ event: 'start', sequenceNumber: 1, start: nestedStart, extra_headers: 'k1=v1' }),
    expect: { event: { type: 'start', streamId: 'b3c1d2e4', callId: 'CALL_abc123xyz', accountId: 'MA_2210JXXN', customParameters: { k1: 'v1' }, mediaFormat: MULAW_8K, metadata: { ...nestedStart, extra_headers: 'k1=v1' } } },
  },
  {
    name: 'flat start with contentType',
    source: FLAT,
    frame: json({ event: 'start', ...flatStart }),
    expect: { event: { type: 'start', streamId: flatStart.streamId, callId: flatStart.callId, accountId: flatStart.accountId, from: flatStart.from, to: flatStart.to, customParameters: {}, mediaFormat: be(8000), metadata: flatStart } },
  },
  {
    name: 'nested L16 start with the rate as a string',
    source: EDGE,
    frame: l16Start('16000'),
    expect: { event: { type: 'start', streamId: 'l16', callId: 'c', accountId: 'MA_1', customParameters: {}, mediaFormat: be(16000), metadata: { streamId: 'l16', callId: 'c', accountId: 'MA_1', mediaFormat: { encoding: 'audio/x-l16', sampleRate: '16000' } } } },
  },
  {
    name: 'extraHeaders as header:value pairs, commas',
    source: 'Vobiz REST start stream (seed 003)',
    frame: json({ event: 'start', streamId: 's', extraHeaders: 'session_id=abc123,agent_id=john,X-Token:t1' }),
    expect: { event: { type: 'start', streamId: 's', customParameters: { session_id: 'abc123', agent_id: 'john', 'X-Token': 't1' }, mediaFormat: be(8000), metadata: { streamId: 's', extraHeaders: 'session_id=abc123,agent_id=john,X-Token:t1' } } },
  },
  {
    name: 'start with nothing optional defaults to L16 8 kHz',
    source: EDGE,
    frame: json({ event: 'start', start: { streamId: 'only' } }),
    expect: { event: { type: 'start', streamId: 'only', customParameters: {}, mediaFormat: be(8000), metadata: { streamId: 'only' } } },
  },
  {
    name: 'nested media with numeric counters',
    source: NESTED,
    frame: json({ event: 'media', sequenceNumber: 42, streamId: 's', media: { track: 'inbound', timestamp: '1705312200000', chunk: 41, payload: AUDIO.toString('base64') } }),
    expect: { event: { type: 'media', payload: AUDIO, sequence: 42 } },
  },
  {
    name: 'flat media with contentType and epoch timestamp',
    source: FLAT,
    frame: json({ event: 'media', streamId: 's', media: { payload: AUDIO.toString('base64'), contentType: 'audio/x-l16', sampleRate: 8000, timestamp: 1634567890123 } }),
    expect: { event: { type: 'media', payload: AUDIO } },
  },
  { name: 'playedStream without streamId', source: NESTED, frame: json({ event: 'playedStream', name: 'greeting' }), expect: { event: { type: 'mark', name: 'greeting' } } },
  { name: 'clearedAudio', source: NESTED, frame: json({ event: 'clearedAudio', streamId: 's' }), expect: { event: { type: 'cleared' } } },
  { name: 'dtmf (handled like Plivo)', source: 'dograh Vobiz serializer', frame: json({ event: 'dtmf', streamId: 's', dtmf: { digit: '7' } }), expect: { event: { type: 'dtmf', digit: '7' } } },
  { name: 'flat stop with reason', source: FLAT, frame: json({ event: 'stop', streamId: 's', reason: 'call_ended' }), expect: { event: { type: 'stop', reason: 'call_ended' } } },
  { name: 'connected is not a Vobiz event', source: EDGE, frame: json({ event: 'connected' }), expect: { event: null } },
  { name: 'start without streamId', source: EDGE, frame: json({ event: 'start', start: { callId: 'c' } }), expect: { error: 'malformed_frame' } },
  { name: 'unsupported contentType', source: EDGE, frame: json({ event: 'start', streamId: 's', contentType: 'audio/opus;rate=48000' }), expect: { error: 'unsupported_media_format' } },
  { name: 'media without payload', source: EDGE, frame: json({ event: 'media', media: {} }), expect: { error: 'malformed_frame' } },
  { name: 'playedStream without name', source: EDGE, frame: json({ event: 'playedStream' }), expect: { error: 'malformed_frame' } },
];

const plays = (sid: string, contentType: string, sampleRate: number): OutboundFixture[] => [
  { name: 'playAudio', frame: { kind: 'media', payload: AUDIO }, expected: { event: 'playAudio', streamId: sid, media: { contentType, sampleRate, payload: AUDIO.toString('base64') } } },
  { name: 'checkpoint', frame: { kind: 'mark', name: 'greeting' }, expected: { event: 'checkpoint', streamId: sid, name: 'greeting' } },
  { name: 'clearAudio', frame: { kind: 'clear' }, expected: { event: 'clearAudio', streamId: sid } },
];

const bindings: [BindingFixture, ...BindingFixture[]] = [
  {
    name: 'μ-law 8 kHz',
    start: json({ event: 'start', start: nestedStart }),
    expect: { inbound: MULAW_8K, outbound: MULAW_8K, framing: { chunkBytes: 160, chunkMs: 20 } },
    outbound: plays('b3c1d2e4', 'audio/x-mulaw', 8000),
  },
  {
    name: 'L16 16 kHz: big-endian in, little-endian out (documented defaults)',
    start: l16Start(16000),
    expect: { inbound: be(16000), outbound: le(16000), framing: { chunkBytes: 640, chunkMs: 20 } },
    outbound: plays('l16', 'audio/x-l16', 16000),
  },
  { name: 'L16 8 kHz, inbound little-endian by setting', start: l16Start(8000), settings: { l16_inbound_byte_order: 'little' }, expect: { inbound: le(8000), outbound: le(8000), framing: { chunkBytes: 320, chunkMs: 20 } } },
  { name: 'L16 24 kHz, outbound big-endian by setting', start: l16Start(24000), settings: { l16_outbound_byte_order: 'big' }, expect: { inbound: be(24000), outbound: be(24000), framing: { chunkBytes: 960, chunkMs: 20 } } },
  { name: 'byte-order settings do not touch μ-law', start: json({ event: 'start', start: nestedStart }), settings: { l16_inbound_byte_order: 'little' }, expect: { inbound: MULAW_8K, outbound: MULAW_8K, framing: { chunkBytes: 160, chunkMs: 20 } } },
  { name: 'invalid byte order', start: l16Start(8000), settings: { l16_inbound_byte_order: 'middle' }, expect: { error: 'invalid_option' } },
];

/** Vobiz conformance fixtures. */
export const vobizFixtures: ProviderFixtures = { provider: 'vobiz', handshake: 'start-first', inbound, bindings };
