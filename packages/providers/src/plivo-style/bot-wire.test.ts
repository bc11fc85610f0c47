import type { MediaFormat, StartEvent } from '@vr3/protocol';
import { describe, expect, it } from 'vitest';
import type { BotStreamCall } from '../bot-wire.ts';
import { ProviderFrameError } from '../errors.ts';
import { flattenParameters } from '../frame-fields.ts';
import { getProvider } from '../registry.ts';
import { PLIVO_STYLE_BOT_DIALECTS, PlivoStyleBotWire, formatExtraHeaders, plivoBotDialect, plivoStyleAuthId, vobizBotDialect } from './bot-wire.ts';
import type { PlivoStyleBotProvider, PlivoStyleStartForm } from './bot-wire.ts';

const call = (format: MediaFormat, customParameters: Record<string, string> = { run_id: 'r1', agent_uuid: 'a-1' }): BotStreamCall => ({
  streamId: 'str-1',
  callId: 'call-1',
  accountId: 'MA_TEST',
  from: '+15550001',
  to: '+15550002',
  customParameters,
  format,
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
const L16_8K: MediaFormat = { encoding: 'pcm16le', sampleRate: 8000 };
const MULAW: MediaFormat = { encoding: 'mulaw', sampleRate: 8000 };

describe.each(Object.keys(PLIVO_STYLE_BOT_DIALECTS) as PlivoStyleBotProvider[])('%s bot wire', (provider) => {
  const dialect = PLIVO_STYLE_BOT_DIALECTS[provider];

  it.each(['both', 'nested', 'flat'] as PlivoStyleStartForm[])('a %s start reads back with the product’s adapter', (startForm) => {
    const wire = new PlivoStyleBotWire(dialect, call({ encoding: 'pcm16le', sampleRate: 16000 }, { run_id: 'r;1', note: 'a,b=c' }), { startForm });
    const adapter = getProvider(provider)!.createStreamAdapter();
    const start = adapter.parse(wire.start(), false) as StartEvent;
    expect(start).toMatchObject({ type: 'start', streamId: 'str-1', callId: 'call-1', accountId: 'MA_TEST', from: '+15550001', to: '+15550002' });
    expect(start.mediaFormat).toEqual({ encoding: 'pcm16be', sampleRate: 16000 });
    expect(start.customParameters).toEqual({ run_id: 'r%3B1', note: 'a%2Cb=c' });
  });

  it('sends L16 big-endian and expects little-endian back; μ-law both ways', () => {
    const l16 = new PlivoStyleBotWire(dialect, call(L16_8K));
    expect(l16.callerFormat).toEqual({ encoding: 'pcm16be', sampleRate: 8000 });
    expect(l16.botFormat).toEqual({ encoding: 'pcm16le', sampleRate: 8000 });
    const swapped = new PlivoStyleBotWire(dialect, call(L16_8K), { l16CallerByteOrder: 'little', l16BotByteOrder: 'big' });
    expect(swapped.callerFormat.encoding).toBe('pcm16le');
    expect(swapped.botFormat.encoding).toBe('pcm16be');
    const mulaw = new PlivoStyleBotWire(dialect, call(MULAW));
    expect(mulaw.callerFormat).toEqual(MULAW);
    expect(mulaw.botFormat).toEqual(MULAW);
  });

  it('media, dtmf, playedStream and clearedAudio read back with the adapter', () => {
    const wire = new PlivoStyleBotWire(dialect, call(MULAW));
    const adapter = getProvider(provider)!.createStreamAdapter();
    adapter.bind(adapter.parse(wire.start(), false) as StartEvent);
    const audio = Buffer.alloc(160, 0x55);
    expect(adapter.parse(wire.media(audio), false)).toEqual({ type: 'media', payload: audio, sequence: 2 });
    expect(adapter.parse(wire.dtmf('9'), false)).toEqual({ type: 'dtmf', digit: '9' });
    expect(adapter.parse(wire.played('cp 1'), false)).toEqual({ type: 'mark', name: 'cp 1' });
    expect(adapter.parse(wire.cleared(), false)).toEqual({ type: 'cleared' });
    const media = json(wire.media(audio)).media as Record<string, unknown>;
    if (dialect.mediaCarriesFormat) expect(media).toMatchObject({ contentType: 'audio/x-mulaw', sampleRate: 8000 });
    else expect(media.contentType).toBeUndefined();
  });

  it('reads what a bot for the provider sends (the product’s adapter builds those frames)', () => {
    for (const format of [MULAW, L16_8K, { encoding: 'pcm16le', sampleRate: 16000 } as MediaFormat]) {
      const wire = new PlivoStyleBotWire(dialect, call(format));
      const adapter = getProvider(provider)!.createStreamAdapter();
      adapter.bind(adapter.parse(wire.start(), false) as StartEvent);
      expect(adapter.outboundFormat()).toEqual(wire.botFormat);
      const audio = Buffer.from([1, 2, 3, 4]);
      expect(wire.parse(adapter.media(audio), false)).toEqual({ type: 'media', payload: audio });
      expect(wire.parse(adapter.mark('end'), false)).toEqual({ type: 'mark', name: 'end' });
      expect(wire.parse(adapter.clear(), false)).toEqual({ type: 'clear' });
    }
  });

  it('refuses playAudio in another format, skips unknown events, refuses unusable frames', () => {
    const wire = new PlivoStyleBotWire(dialect, call(MULAW));
    const play = (media: object): string => JSON.stringify({ event: 'playAudio', media: { payload: 'AAEC', ...media } });
    expect(wire.parse(play({}), false)).toEqual({ type: 'media', payload: Buffer.from([0, 1, 2]) });
    expect(wire.parse(play({ contentType: 'audio/x-mulaw;rate=8000', sampleRate: '8000' }), false)).toMatchObject({ type: 'media' });
    expect(code(() => wire.parse(play({ contentType: 'audio/x-l16', sampleRate: 8000 }), false))).toBe('unsupported_media_format');
    expect(code(() => wire.parse(play({ contentType: 'audio/x-mulaw', sampleRate: 16000 }), false))).toBe('unsupported_media_format');
    expect(code(() => wire.parse(play({ contentType: 'audio/opus' }), false))).toBe('unsupported_media_format');
    expect(wire.parse('{"event":"sendDTMF","dtmf":"12#"}', false)).toBeNull();
    expect(wire.parse('{"event":"stop","streamId":"str-1"}', false)).toEqual({ type: 'stop' });
    expect(code(() => wire.parse('{"event":"playAudio"}', false))).toBe('malformed_frame');
    expect(code(() => wire.parse('{"event":"playAudio","media":{"payload":7}}', false))).toBe('malformed_frame');
    expect(code(() => wire.parse('{"event":"checkpoint","name":""}', false))).toBe('malformed_frame');
    expect(code(() => wire.parse(Buffer.from([0]), true))).toBe('malformed_frame');
  });
});

describe('documented shapes', () => {
  it('a both-forms start carries seed 004’s flat fields and the nested start of the current docs', () => {
    const wire = new PlivoStyleBotWire(vobizBotDialect, call(L16_8K));
    expect(json(wire.start())).toEqual({
      event: 'start',
      sequenceNumber: 1,
      streamId: 'str-1',
      accountId: 'MA_TEST',
      callId: 'call-1',
      from: '+15550001',
      to: '+15550002',
      direction: 'inbound',
      contentType: 'audio/x-l16;rate=8000',
      audioTrack: 'inbound',
      start: {
        callId: 'call-1',
        streamId: 'str-1',
        accountId: 'MA_TEST',
        from: '+15550001',
        to: '+15550002',
        tracks: ['inbound'],
        mediaFormat: { encoding: 'audio/x-l16', sampleRate: 8000 },
      },
      extra_headers: 'run_id=r1;agent_uuid=a-1',
    });
  });

  it('Plivo frames as in the Stream Event Protocol', () => {
    const wire = new PlivoStyleBotWire(plivoBotDialect, call(MULAW, {}), { startForm: 'nested' });
    expect(json(wire.start())).toEqual({
      event: 'start',
      sequenceNumber: 1,
      start: { callId: 'call-1', streamId: 'str-1', accountId: 'MA_TEST', from: '+15550001', to: '+15550002', tracks: ['inbound'], mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 } },
    });
    expect(json(wire.media(Buffer.from([0xff])))).toMatchObject({ event: 'media', sequenceNumber: 2, streamId: 'str-1', media: { track: 'inbound', chunk: 2, payload: '/w==' } });
    expect(json(wire.dtmf('5'))).toMatchObject({ event: 'dtmf', sequenceNumber: 3, streamId: 'str-1', dtmf: { track: 'inbound', digit: '5' } });
    expect(json(wire.played('customer greeting audio'))).toEqual({ event: 'playedStream', sequenceNumber: 4, streamId: 'str-1', name: 'customer greeting audio' });
    expect(json(wire.cleared())).toEqual({ event: 'clearedAudio', sequenceNumber: 5, streamId: 'str-1' });
    expect(wire.parse('{"event":"checkpoint","streamId":"str-1","name":"customer greeting audio"}', false)).toEqual({ type: 'mark', name: 'customer greeting audio' });
    expect(wire.parse('{"event":"clearAudio","streamId":"str-1"}', false)).toEqual({ type: 'clear' });
  });

  it('extra headers: pairs joined with ";", separators in values percent-encoded', () => {
    expect(formatExtraHeaders({})).toBe('');
    expect(formatExtraHeaders({ a: '1', b: 'x;y,z%', 'k=': 'v=w' })).toBe('a=1;b=x%3By%2Cz%25;k%3D=v=w');
    expect(flattenParameters(formatExtraHeaders({ from: '+1555', run: 'WR-AGS-1' }))).toEqual({ from: '+1555', run: 'WR-AGS-1' });
    expect(plivoStyleAuthId()).toMatch(/^MA[0-9A-F]{18}$/);
  });
});
