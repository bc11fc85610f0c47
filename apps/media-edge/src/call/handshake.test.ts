import type { CallEvent } from '@vr3/protocol';
import { CloudonixStreamAdapter, getProvider, type StreamAdapter } from '@vr3/providers';
import { describe, expect, it } from 'vitest';
import { HandshakeGate } from './handshake.ts';

const connected = JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' });
const start = JSON.stringify({ event: 'start', start: { streamSid: 'MZ1', callSid: 'CA1', mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } } });
const media = JSON.stringify({ event: 'media', media: { payload: 'AAAA' } });
const unknown = JSON.stringify({ event: 'custom' });

describe('HandshakeGate, connected-then-start (Cloudonix)', () => {
  const gate = (maxIgnored = 2) => new HandshakeGate(new CloudonixStreamAdapter(), maxIgnored);

  it('accepts connected then start, and exposes the start', () => {
    const g = gate();
    expect(g.feed(connected, false)).toEqual({ kind: 'wait' });
    const step = g.feed(start, false);
    expect(step).toMatchObject({ kind: 'start', start: { streamId: 'MZ1', callId: 'CA1' } });
    expect(g.started?.streamId).toBe('MZ1');
  });

  it.each([
    ['start first', [start]],
    ['media before start', [connected, media]],
    ['two connected', [connected, connected]],
    ['not JSON', ['{oops']],
    ['a binary frame', [Buffer.from([1, 2])]],
  ])('%s is malformed', (_name, frames) => {
    const g = gate();
    const steps = frames.map((f) => g.feed(f, Buffer.isBuffer(f)));
    expect(steps.at(-1)?.kind).toBe('malformed');
    expect(g.started).toBeNull();
  });

  it.each([
    ['a custom parameter', { customParameters: { note: 'a\u0000b' } }],
    ['a custom parameter key', { customParameters: { 'k\uD800': 'v' } }],
    ['the caller number', { from: '+1\uDC00' }],
    ['metadata no adapter reads', { extra: [{ deep: '\u0000' }] }],
  ])('a start with NUL or an unpaired surrogate in %s is malformed, naming the field only', (_name, extra) => {
    const g = gate();
    g.feed(connected, false);
    const step = g.feed(JSON.stringify({ event: 'start', start: { streamSid: 'MZ1', callSid: 'CA1', ...extra } }), false);
    expect(step).toEqual({ kind: 'malformed', detail: expect.stringMatching(/^unsafe text in start\.(customParameters|from|metadata)$/) });
    expect(g.started).toBeNull();
  });

  it('tolerates up to maxIgnored unknown events', () => {
    const g = gate(2);
    expect(g.feed(unknown, false).kind).toBe('wait');
    expect(g.feed(connected, false).kind).toBe('wait');
    expect(g.feed(unknown, false).kind).toBe('wait');
    expect(g.feed(unknown, false).kind).toBe('malformed');
  });
});

describe('HandshakeGate, start-first', () => {
  const startFirst = (): StreamAdapter => {
    const inner = new CloudonixStreamAdapter();
    return Object.assign(Object.create(inner) as StreamAdapter, { handshake: 'start-first', parse: (d: string, b: boolean): CallEvent | null => inner.parse(d, b) });
  };

  it('accepts start as the first frame and ignores a connected', () => {
    const g = new HandshakeGate(startFirst(), 1);
    expect(g.feed(connected, false).kind).toBe('wait');
    expect(g.feed(start, false).kind).toBe('start');
  });
});

describe('HandshakeGate, a start without call or session id', () => {
  /** Each provider's `start` with its stream id and format only, and the same with its call id. */
  const starts = {
    cloudonix: [{ streamSid: 'MZ1', accountSid: 'acme' }, { callSid: 'CA1' }, { session: 'S1' }],
    twilio: [{ streamSid: 'MZ1', accountSid: 'AC1' }, { callSid: 'CA1' }],
    exotel: [{ stream_sid: 'S1', account_sid: 'ac1' }, { call_sid: 'CA1' }],
    vobiz: [{ streamId: 'S1', accountId: 'MA1' }, { callId: 'C1' }],
    plivo: [{ streamId: 'S1', accountId: 'MA1' }, { callId: 'C1' }],
  } as const;

  it.each(Object.entries(starts))('%s: malformed without the id, accepted with it', (provider, [base, ...ids]) => {
    const adapter = getProvider(provider)!.createStreamAdapter({ query: {} });
    const open = () => {
      const g = new HandshakeGate(adapter, 2);
      if (adapter.handshake === 'connected-then-start') expect(g.feed(connected, false).kind).toBe('wait');
      return g;
    };
    const bare = open();
    expect(bare.feed(JSON.stringify({ event: 'start', start: base }), false)).toEqual({ kind: 'malformed', detail: 'start without call or session id' });
    expect(bare.started).toBeNull();
    for (const id of ids) {
      const step = open().feed(JSON.stringify({ event: 'start', start: { ...base, ...id } }), false);
      expect(step.kind).toBe('start');
    }
  });
});
