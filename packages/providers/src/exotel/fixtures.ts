/**
 * Recorded Exotel AgentStream frames for the conformance suite, from Exotel's WebSocket protocol
 * page (seed 002: snake_case events, numbers as strings, PCM16 LE) and the captures the reference
 * notes (`"8000Hz"`, `raw/slin`, camelCase ids from Exotel's own Agent-Stream code).
 */
import type { MediaFormat, StartEvent } from '@vr3/protocol';
import type { BindingFixture, InboundFixture, OutboundFixture, ProviderFixtures } from '../fixture-types.ts';

const DOCS = 'Exotel AgentStream WebSocket protocol (seed 002)';
const CAPTURE = 'Exotel captures in the provider reference §3.2';
const EDGE = 'edge case';
const json = (value: unknown): string => JSON.stringify(value);
const pcm = (rate: number) => ({ encoding: 'pcm16le', sampleRate: rate }) as const;
const SID = 'MZxxxxxxxxxxxxxxxxxxxxxxxx';
const PCM_BYTES = Buffer.from([0x10, 0x00, 0xf0, 0xff, 0x00, 0x40]);

const docStart = {
  stream_sid: SID,
  call_sid: 'CAxxxxxxxxxxxxxxxxxxxxxxxx',
  account_sid: 'ACxxxxxxxxxxxxxxxxxxxxxxxx',
  from: '+919876543210',
  to: '+918047491899',
  custom_parameters: { key1: 'value1' },
  media_format: { encoding: 'audio/x-raw', sample_rate: '8000', bit_rate: '16' },
};
const ids = { streamId: SID, callId: docStart.call_sid, accountId: docStart.account_sid, from: docStart.from, to: docStart.to };
const start = (s: Record<string, unknown>): string => json({ event: 'start', sequence_number: '1', stream_sid: s.stream_sid ?? 'top-level', start: s });
const startOf = (s: Record<string, unknown>, mediaFormat: MediaFormat): { event: StartEvent } => ({
  event: { type: 'start', streamId: 's', customParameters: {}, mediaFormat, metadata: s },
});

const inbound: InboundFixture[] = [
  { name: 'connected', source: DOCS, frame: json({ event: 'connected' }), expect: { event: { type: 'connected' } } },
  { name: 'connected with protocol/version', source: CAPTURE, frame: json({ event: 'connected', protocol: 'Call', version: '1.0.0' }), expect: { event: { type: 'connected', protocol: 'Call', version: '1.0.0' } } },
  {
    name: 'start (documented example)',
    source: DOCS,
    frame: start(docStart),
    expect: { event: { type: 'start', ...ids, customParameters: { key1: 'value1' }, mediaFormat: pcm(8000), metadata: docStart } },
  },
  {
    name: 'start with "16000Hz" and raw/slin',
    source: CAPTURE,
    frame: start({ stream_sid: 's', media_format: { encoding: 'raw/slin', sample_rate: '16000Hz' } }),
    expect: startOf({ stream_sid: 's', media_format: { encoding: 'raw/slin', sample_rate: '16000Hz' } }, pcm(16000)),
  },
  {
    name: 'start with audio/x-l16 at 24 kHz is little-endian',
    source: CAPTURE,
    frame: start({ stream_sid: 's', media_format: { encoding: 'audio/x-l16', sample_rate: 24000 } }),
    expect: startOf({ stream_sid: 's', media_format: { encoding: 'audio/x-l16', sample_rate: 24000 } }, pcm(24000)),
  },
  {
    name: 'start with μ-law (Legs API content type)',
    source: DOCS,
    frame: start({ stream_sid: 's', media_format: { encoding: 'audio/x-mulaw;rate=8000' } }),
    expect: startOf({ stream_sid: 's', media_format: { encoding: 'audio/x-mulaw;rate=8000' } }, { encoding: 'mulaw', sampleRate: 8000 }),
  },
  {
    name: 'start naming the transport ("base64", "128kbps") is PCM16 LE',
    source: CAPTURE,
    frame: start({ stream_sid: 's', media_format: { encoding: 'base64', sample_rate: '8000', bit_rate: '128kbps' } }),
    expect: startOf({ stream_sid: 's', media_format: { encoding: 'base64', sample_rate: '8000', bit_rate: '128kbps' } }, pcm(8000)),
  },
  {
    name: 'start without media_format takes the sample-rate query parameter',
    source: EDGE,
    adapterOptions: { query: { 'sample-rate': '16000' } },
    frame: start({ stream_sid: 's' }),
    expect: startOf({ stream_sid: 's' }, pcm(16000)),
  },
  {
    name: 'start media_format without a rate takes the sample-rate query parameter',
    source: EDGE,
    adapterOptions: { query: { 'sample-rate': '24000' } },
    frame: start({ stream_sid: 's', media_format: { encoding: 'audio/x-raw' } }),
    expect: startOf({ stream_sid: 's', media_format: { encoding: 'audio/x-raw' } }, pcm(24000)),
  },
  {
    name: 'start rate wins over the query parameter; an unsupported query rate is ignored',
    source: EDGE,
    adapterOptions: { query: { 'sample-rate': '44100' } },
    frame: start({ stream_sid: 's' }),
    expect: startOf({ stream_sid: 's' }, pcm(8000)),
  },
  {
    name: 'start with camelCase ids',
    source: CAPTURE,
    frame: json({ event: 'start', start: { streamSid: 'camel', callSid: 'c1', accountSid: 'a1' } }),
    expect: { event: { type: 'start', streamId: 'camel', callId: 'c1', accountId: 'a1', customParameters: {}, mediaFormat: pcm(8000), metadata: { streamSid: 'camel', callSid: 'c1', accountSid: 'a1' } } },
  },
  {
    name: 'media (documented example)',
    source: DOCS,
    frame: json({ event: 'media', sequence_number: '3', stream_sid: SID, media: { chunk: '2', timestamp: '200', payload: PCM_BYTES.toString('base64') } }),
    expect: { event: { type: 'media', payload: PCM_BYTES, sequence: 3, timestampMs: 200 } },
  },
  {
    name: 'dtmf with duration',
    source: DOCS,
    frame: json({ event: 'dtmf', sequence_number: '7', stream_sid: SID, dtmf: { digit: '5', duration: '100' } }),
    expect: { event: { type: 'dtmf', digit: '5', durationMs: 100 } },
  },
  { name: 'mark', source: DOCS, frame: json({ event: 'mark', sequence_number: '15', stream_sid: SID, mark: { name: 'my-label' } }), expect: { event: { type: 'mark', name: 'my-label' } } },
  {
    name: 'stop: caller hung up',
    source: DOCS,
    frame: json({ event: 'stop', sequence_number: '20', stream_sid: SID, stop: { call_sid: 'CA', account_sid: 'AC', reason: 'callended' } }),
    expect: { event: { type: 'stop', reason: 'callended' } },
  },
  { name: 'stop: applet ended', source: DOCS, frame: json({ event: 'stop', stop: { reason: 'stopped' } }), expect: { event: { type: 'stop', reason: 'stopped' } } },
  { name: 'unknown event ignored', source: EDGE, frame: json({ event: 'ping' }), expect: { event: null } },
  { name: 'start without stream_sid', source: EDGE, frame: json({ event: 'start', start: { call_sid: 'c' } }), expect: { error: 'malformed_frame' } },
  { name: 'unsupported encoding', source: EDGE, frame: start({ stream_sid: 's', media_format: { encoding: 'audio/opus' } }), expect: { error: 'unsupported_media_format' } },
  { name: 'unparseable rate', source: EDGE, frame: start({ stream_sid: 's', media_format: { sample_rate: '8kHz' } }), expect: { error: 'unsupported_media_format' } },
  { name: 'media without payload', source: EDGE, frame: json({ event: 'media', media: { chunk: '1' } }), expect: { error: 'malformed_frame' } },
  { name: 'dtmf without digit', source: EDGE, frame: json({ event: 'dtmf', dtmf: { duration: '100' } }), expect: { error: 'malformed_frame' } },
];

const snake = (sid: string): OutboundFixture[] => [
  { name: 'media', frame: { kind: 'media', payload: PCM_BYTES }, expected: { event: 'media', stream_sid: sid, media: { payload: PCM_BYTES.toString('base64') } } },
  { name: 'mark', frame: { kind: 'mark', name: 'turn-3-end' }, expected: { event: 'mark', stream_sid: sid, mark: { name: 'turn-3-end' } } },
  { name: 'clear', frame: { kind: 'clear' }, expected: { event: 'clear', stream_sid: sid } },
];

const bindings: [BindingFixture, ...BindingFixture[]] = [
  { name: 'documented 8 kHz: 200 ms chunks of 3200 B', start: start(docStart), expect: { inbound: pcm(8000), outbound: pcm(8000), framing: { chunkBytes: 3200, chunkMs: 200 } }, outbound: snake(SID) },
  { name: '16 kHz: 100 ms chunks of 3200 B', start: start({ stream_sid: 's16', media_format: { sample_rate: '16000' } }), expect: { inbound: pcm(16000), outbound: pcm(16000), framing: { chunkBytes: 3200, chunkMs: 100 } } },
  { name: '24 kHz: 80 ms chunks of 3840 B', start: start({ stream_sid: 's24', media_format: { sample_rate: '24000' } }), expect: { inbound: pcm(24000), outbound: pcm(24000), framing: { chunkBytes: 3840, chunkMs: 80 } } },
  {
    name: 'outbound_stream_id_key=streamSid',
    start: start({ stream_sid: 'cam' }),
    settings: { outbound_stream_id_key: 'streamSid' },
    expect: { inbound: pcm(8000), outbound: pcm(8000), framing: { chunkBytes: 3200, chunkMs: 200 } },
    outbound: [{ name: 'clear with streamSid', frame: { kind: 'clear' }, expected: { event: 'clear', streamSid: 'cam' } }],
  },
  { name: 'invalid settings', start: start({ stream_sid: 'x' }), settings: { outbound_stream_id_key: 'sid' }, expect: { error: 'invalid_option' } },
];

/** Exotel conformance fixtures. */
export const exotelFixtures: ProviderFixtures = { provider: 'exotel', handshake: 'connected-then-start', inbound, bindings };
