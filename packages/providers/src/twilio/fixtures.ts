/**
 * Recorded Twilio Media Streams frames for the conformance suite, from Twilio's "WebSocket
 * Messages" page (provider reference §1.2–1.3): counters as strings, `streamSid` at the top level
 * and in `start`, `<Parameter>`s in `start.customParameters`.
 */
import type { BindingFixture, InboundFixture, OutboundFixture, ProviderFixtures } from '../fixture-types.ts';

const DOCS = 'Twilio Media Streams WebSocket messages (reference §1.2)';
const EDGE = 'edge case';
const json = (value: unknown): string => JSON.stringify(value);
const MULAW_8K = { encoding: 'mulaw', sampleRate: 8000 } as const;
const SID = 'MZ18ad3ab5a668481ce02b83e7395059f0';
const AC = 'AC0123456789abcdef0123456789abcdef';
const CA = 'CA0123456789abcdef0123456789abcdef';

const docStart = {
  accountSid: AC,
  streamSid: SID,
  callSid: CA,
  tracks: ['inbound'],
  mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
  customParameters: { FirstName: 'Jane' },
};
const paramStart = { ...docStart, customParameters: { from: '+15551230001', to: '+15551230002', callId: 'my-call' } };
const frame = (start: object): string => json({ event: 'start', sequenceNumber: '1', streamSid: SID, start });

const inbound: InboundFixture[] = [
  { name: 'connected', source: DOCS, frame: json({ event: 'connected', protocol: 'Call', version: '1.0.0' }), expect: { event: { type: 'connected', protocol: 'Call', version: '1.0.0' } } },
  {
    name: 'start (documented example)',
    source: DOCS,
    frame: frame(docStart),
    expect: { event: { type: 'start', streamId: SID, callId: CA, accountId: AC, customParameters: { FirstName: 'Jane' }, mediaFormat: MULAW_8K, metadata: docStart } },
  },
  {
    name: 'start with from/to <Parameter>s',
    source: 'TwiML <Parameter> (reference §1.1)',
    frame: frame(paramStart),
    expect: {
      event: {
        type: 'start',
        streamId: SID,
        callId: CA,
        accountId: AC,
        from: '+15551230001',
        to: '+15551230002',
        customParameters: paramStart.customParameters,
        mediaFormat: MULAW_8K,
        metadata: paramStart,
      },
    },
  },
  {
    name: 'start with streamSid at the top level only and a string sample rate',
    source: EDGE,
    frame: json({ event: 'start', streamSid: 'top', start: { accountSid: AC, callSid: CA, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: '8000', channels: '1' } } }),
    expect: {
      event: {
        type: 'start',
        streamId: 'top',
        callId: CA,
        accountId: AC,
        customParameters: {},
        mediaFormat: MULAW_8K,
        metadata: { accountSid: AC, callSid: CA, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: '8000', channels: '1' } },
      },
    },
  },
  {
    name: 'media (documented example)',
    source: DOCS,
    frame: json({ event: 'media', sequenceNumber: '4', streamSid: SID, media: { track: 'inbound', chunk: '2', timestamp: '5', payload: 'no+JhoaJjpzS' } }),
    expect: { event: { type: 'media', payload: Buffer.from([0x9e, 0x8f, 0x89, 0x86, 0x86, 0x89, 0x8e, 0x9c, 0xd2]), sequence: 4, timestampMs: 5 } },
  },
  { name: 'dtmf', source: DOCS, frame: json({ event: 'dtmf', streamSid: SID, sequenceNumber: '5', dtmf: { track: 'inbound_track', digit: '1' } }), expect: { event: { type: 'dtmf', digit: '1' } } },
  { name: 'mark', source: DOCS, frame: json({ event: 'mark', sequenceNumber: '4', streamSid: SID, mark: { name: 'my label' } }), expect: { event: { type: 'mark', name: 'my label' } } },
  { name: 'stop', source: DOCS, frame: json({ event: 'stop', sequenceNumber: '5', streamSid: SID, stop: { accountSid: AC, callSid: CA } }), expect: { event: { type: 'stop' } } },
  { name: 'outbound track media is not caller audio', source: DOCS, frame: json({ event: 'media', media: { track: 'outbound', payload: '' } }), expect: { event: null } },
  { name: 'binary frame', source: 'Twilio error 31950', frame: Buffer.from('{}'), isBinary: true, expect: { error: 'malformed_frame' } },
  { name: 'start without streamSid', source: EDGE, frame: json({ event: 'start', start: { callSid: CA } }), expect: { error: 'malformed_frame' } },
  { name: 'mark without name', source: EDGE, frame: json({ event: 'mark', mark: {} }), expect: { error: 'malformed_frame' } },
];

const outbound: OutboundFixture[] = [
  { name: 'media', frame: { kind: 'media', payload: Buffer.from([0xff, 0x7f]) }, expected: { event: 'media', streamSid: SID, media: { payload: '/38=' } } },
  { name: 'mark', frame: { kind: 'mark', name: 'my label' }, expected: { event: 'mark', streamSid: SID, mark: { name: 'my label' } } },
  { name: 'clear', frame: { kind: 'clear' }, expected: { event: 'clear', streamSid: SID } },
];

const bindings: [BindingFixture, ...BindingFixture[]] = [
  { name: 'μ-law 8 kHz', start: frame(docStart), expect: { inbound: MULAW_8K, outbound: MULAW_8K, framing: { chunkBytes: 160, chunkMs: 20 } }, outbound },
];

/** Twilio conformance fixtures. */
export const twilioFixtures: ProviderFixtures = { provider: 'twilio', handshake: 'connected-then-start', inbound, bindings };
