import type { CallEvent, MediaFormat, StartEvent } from '@vr3/protocol';
import { describe, expect, it } from 'vitest';
import type { BotStreamCall } from '../bot-wire.ts';
import { ProviderFrameError } from '../errors.ts';
import { getProvider } from '../registry.ts';
import { TWILIO_STYLE_BOT_DIALECTS, TwilioStyleBotWire, cloudonixBotDialect, exotelBotDialect, twilioBotDialect } from './bot-wire.ts';
import type { TwilioStyleBotProvider } from './bot-wire.ts';

const call = (format: MediaFormat, extra: Partial<BotStreamCall> = {}): BotStreamCall => ({
  streamId: 'MZ0001',
  callId: 'CA0001',
  accountId: 'AC0001',
  from: '+15550001',
  to: '+15550002',
  customParameters: { run_id: 'r1', lang: 'en' },
  format,
  ...extra,
});

const json = (s: string): Record<string, unknown> => JSON.parse(s) as Record<string, unknown>;
const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof ProviderFrameError ? err.code : 'not a ProviderFrameError';
  }
  return undefined;
};

describe.each(Object.keys(TWILIO_STYLE_BOT_DIALECTS) as TwilioStyleBotProvider[])('%s bot wire', (provider) => {
  const dialect = TWILIO_STYLE_BOT_DIALECTS[provider];
  const format = dialect.defaultFormat;

  it('speaks frames the product’s own adapter for the provider reads back', () => {
    const c = call(format, provider === 'cloudonix' ? { session: 'sess-1' } : {});
    const wire = new TwilioStyleBotWire(dialect, c);
    const adapter = getProvider(provider)!.createStreamAdapter();
    const parse = (frame: string): CallEvent | null => adapter.parse(frame, false);

    expect(parse(wire.connected())?.type).toBe('connected');
    const start = parse(wire.start()) as StartEvent;
    expect(start).toMatchObject({ type: 'start', streamId: 'MZ0001', callId: 'CA0001', accountId: 'AC0001', mediaFormat: format });
    expect(start.customParameters).toMatchObject({ run_id: 'r1', lang: 'en' });
    if (provider !== 'twilio') expect(start).toMatchObject({ from: '+15550001', to: '+15550002' });
    if (provider === 'cloudonix') expect(start.sessionId).toBe('sess-1');

    const audio = Buffer.alloc(format.encoding === 'mulaw' ? 160 : 320, 7);
    expect(parse(wire.media(audio))).toEqual({ type: 'media', payload: audio, sequence: 2, timestampMs: 0 });
    expect(parse(wire.media(audio))).toEqual({ type: 'media', payload: audio, sequence: 3, timestampMs: 20 });
    expect(parse(wire.dtmf('7', 120))).toMatchObject({ type: 'dtmf', digit: '7', ...(provider === 'exotel' ? { durationMs: 120 } : {}) });
    expect(parse(wire.mark('greeting'))).toEqual({ type: 'mark', name: 'greeting' });
    expect(parse(wire.stop('callended'))).toEqual(provider === 'exotel' ? { type: 'stop', reason: 'callended' } : { type: 'stop' });
  });

  it('reads what a bot for the provider sends (the product’s adapter builds those frames)', () => {
    const c = call(format);
    const wire = new TwilioStyleBotWire(dialect, c);
    const adapter = getProvider(provider)!.createStreamAdapter();
    adapter.bind(adapter.parse(wire.start(), false) as StartEvent);
    const audio = Buffer.from([1, 2, 3, 250, 251, 252]);
    expect(wire.parse(adapter.media(audio), false)).toEqual({ type: 'media', payload: audio });
    expect(wire.parse(Buffer.from(adapter.media(audio)), false)).toEqual({ type: 'media', payload: audio });
    expect(wire.parse(adapter.mark('m "1"'), false)).toEqual({ type: 'mark', name: 'm "1"' });
    expect(wire.parse(Buffer.from(adapter.clear()), false)).toEqual({ type: 'clear' });
  });

  it('builds media frames as bytes exactly as the text form, counters included', () => {
    const text = new TwilioStyleBotWire(dialect, call(format));
    const bytes = new TwilioStyleBotWire(dialect, call(format));
    expect(bytes.start()).toBe(text.start());
    const sizes = format.encoding === 'mulaw' ? [160, 1, 2, 3, 0, 800] : [320, 2, 4, 6, 0, 1600];
    for (let i = 0; i < 30; i++) {
      const audio = Buffer.alloc(sizes[i % sizes.length]!, i * 37);
      const expected = text.media(audio);
      const got = bytes.mediaBytes(i % 2 === 0 ? audio : new Uint8Array(audio));
      expect(got.toString('utf8')).toBe(expected);
    }
    expect(bytes.mark('m')).toBe(text.mark('m'));
    const other = call(format, { streamId: 'MZ-ünï "2"' });
    expect(bytes.start(other)).toBe(text.start(other));
    expect(bytes.mediaBytes(Buffer.from([1, 2, 3])).toString('utf8')).toBe(text.media(Buffer.from([1, 2, 3])));
  });

  it('skips unknown events and refuses unusable frames', () => {
    const wire = new TwilioStyleBotWire(dialect, call(format));
    expect(wire.parse('{"event":"transcript","text":"hi"}', false)).toBeNull();
    expect(code(() => wire.parse(Buffer.from([1, 2]), true))).toBe('malformed_frame');
    expect(code(() => wire.parse('not json', false))).toBe('malformed_frame');
    expect(code(() => wire.parse('{"event":"media","media":{}}', false))).toBe('malformed_frame');
    expect(code(() => wire.parse('{"event":"media","media":{"payload":"%%%%"}}', false))).toBe('malformed_frame');
    expect(code(() => wire.parse(Buffer.from('{"event":"media","media":{"payload":"@@@@"}}'), false))).toBe('malformed_frame');
    expect(code(() => wire.parse('{"event":"mark","mark":{}}', false))).toBe('malformed_frame');
    expect(code(() => wire.parse('[1]', false))).toBe('malformed_frame');
  });
});

describe('documented shapes', () => {
  it('Twilio: start as in Twilio’s WebSocket messages page, numbers only as parameters', () => {
    const wire = new TwilioStyleBotWire(twilioBotDialect, call({ encoding: 'mulaw', sampleRate: 8000 }));
    expect(json(wire.connected())).toEqual({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    expect(json(wire.start())).toEqual({
      event: 'start',
      sequenceNumber: '1',
      streamSid: 'MZ0001',
      start: {
        accountSid: 'AC0001',
        streamSid: 'MZ0001',
        callSid: 'CA0001',
        tracks: ['inbound'],
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        customParameters: { run_id: 'r1', lang: 'en' },
      },
    });
    expect(json(wire.media(Buffer.from([0xff, 0x7f])))).toEqual({
      event: 'media',
      sequenceNumber: '2',
      streamSid: 'MZ0001',
      media: { track: 'inbound', chunk: '1', timestamp: '0', payload: '/38=' },
    });
    expect(json(wire.dtmf('1'))).toEqual({ event: 'dtmf', streamSid: 'MZ0001', sequenceNumber: '3', dtmf: { track: 'inbound_track', digit: '1' } });
    expect(json(wire.mark('my label'))).toEqual({ event: 'mark', sequenceNumber: '4', streamSid: 'MZ0001', mark: { name: 'my label' } });
    expect(json(wire.stop())).toEqual({ event: 'stop', sequenceNumber: '5', streamSid: 'MZ0001', stop: { accountSid: 'AC0001', callSid: 'CA0001' } });
  });

  it('Exotel: snake_case start and stop with a reason, as in seed 002', () => {
    const wire = new TwilioStyleBotWire(exotelBotDialect, call({ encoding: 'pcm16le', sampleRate: 16000 }));
    expect(json(wire.connected())).toEqual({ event: 'connected' });
    expect(json(wire.start())).toEqual({
      event: 'start',
      sequence_number: '1',
      stream_sid: 'MZ0001',
      start: {
        stream_sid: 'MZ0001',
        call_sid: 'CA0001',
        account_sid: 'AC0001',
        from: '+15550001',
        to: '+15550002',
        custom_parameters: { run_id: 'r1', lang: 'en' },
        media_format: { encoding: 'audio/x-raw', sample_rate: '16000', bit_rate: '16' },
      },
    });
    expect(json(wire.media(Buffer.alloc(640)))).toMatchObject({ event: 'media', sequence_number: '2', stream_sid: 'MZ0001', media: { chunk: '1', timestamp: '0' } });
    expect(json(wire.media(Buffer.alloc(640)))).toMatchObject({ media: { chunk: '2', timestamp: '20' } });
    expect(json(wire.dtmf('5', 100))).toEqual({ event: 'dtmf', stream_sid: 'MZ0001', sequence_number: '4', dtmf: { digit: '5', duration: '100' } });
    expect(json(wire.stop('stopped'))).toEqual({ event: 'stop', sequence_number: '5', stream_sid: 'MZ0001', stop: { call_sid: 'CA0001', account_sid: 'AC0001', reason: 'stopped' } });
    expect(json(wire.stop())).toMatchObject({ stop: { reason: 'callended' } });
  });

  it('Cloudonix: Twilio’s start plus session, domain, numbers and context', () => {
    const wire = new TwilioStyleBotWire(cloudonixBotDialect, call({ encoding: 'mulaw', sampleRate: 8000 }, { accountId: 'acme.cloudonix.net', session: 'tok' }));
    expect(json(wire.start())).toMatchObject({
      event: 'start',
      streamSid: 'MZ0001',
      start: { streamSid: 'MZ0001', callSid: 'CA0001', session: 'tok', accountSid: 'acme.cloudonix.net', from: '+15550001', to: '+15550002', context: 'inbound' },
    });
    expect(json(wire.stop())).toMatchObject({ stop: { accountSid: 'acme.cloudonix.net', callSid: 'CA0001', session: 'tok' } });
  });

  it('reads the bot frames of the providers’ docs', () => {
    const wire = new TwilioStyleBotWire(exotelBotDialect, call({ encoding: 'pcm16le', sampleRate: 8000 }));
    expect(wire.parse('{"event":"media","stream_sid":"MZ0001","media":{"payload":"AAEC"}}', false)).toEqual({ type: 'media', payload: Buffer.from([0, 1, 2]) });
    expect(wire.parse('{"event":"mark","stream_sid":"MZ0001","mark":{"name":"turn-3-end"}}', false)).toEqual({ type: 'mark', name: 'turn-3-end' });
    expect(wire.parse('{ "event": "clear", "stream_sid": "MZ0001" }', false)).toEqual({ type: 'clear' });
    expect(wire.parse('{"event":"media","streamSid":"MZ0001","media":{"payload":""}}', false)).toEqual({ type: 'media', payload: Buffer.alloc(0) });
  });

  it('mints ids in the providers’ styles', () => {
    expect(twilioBotDialect.newIds().streamId).toMatch(/^MZ[0-9a-f]{32}$/);
    expect(exotelBotDialect.newIds().callId).toMatch(/^CA[0-9a-f]{32}$/);
    expect(cloudonixBotDialect.newIds().session).toMatch(/^[0-9a-f]{32}$/);
  });
});
