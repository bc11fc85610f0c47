import type { StartEvent } from '@vr3/protocol';
import { describe, expect, it } from 'vitest';
import { CloudonixStreamAdapter } from './stream-adapter.ts';

function bound(streamSid: string, start: Record<string, unknown> = {}): CloudonixStreamAdapter {
  const adapter = new CloudonixStreamAdapter();
  adapter.bind(adapter.parse(JSON.stringify({ event: 'start', start: { streamSid, ...start } }), false) as StartEvent);
  return adapter;
}

describe('CloudonixStreamAdapter', () => {
  it('escapes a stream id that needs JSON escaping in every outbound frame', () => {
    const sid = 'MZ"quoted"\\back\nline';
    const adapter = bound(sid);
    expect(JSON.parse(adapter.media(Buffer.from([1, 2, 3])))).toEqual({ event: 'media', streamSid: sid, media: { payload: 'AQID' } });
    expect(JSON.parse(adapter.mark('m'))).toEqual({ event: 'mark', streamSid: sid, mark: { name: 'm' } });
    expect(JSON.parse(adapter.clear())).toEqual({ event: 'clear', streamSid: sid });
  });

  it('serializes a full 20 ms frame that parses back to the same bytes', () => {
    const adapter = bound('s1');
    const audio = Buffer.alloc(160);
    for (let i = 0; i < audio.length; i++) audio[i] = (i * 37) & 0xff;
    const frame = JSON.parse(adapter.media(audio)) as { media: { payload: string } };
    expect(Buffer.from(frame.media.payload, 'base64')).toEqual(audio);
    // And an inbound frame carrying that payload decodes to the same bytes.
    const back = adapter.parse(JSON.stringify({ event: 'media', media: { payload: frame.media.payload } }), false);
    expect(back).toStrictEqual({ type: 'media', payload: audio });
  });

  it('serializes a Buffer view without copying surrounding bytes', () => {
    const adapter = bound('s1');
    const big = Buffer.from([9, 9, 1, 2, 3, 9]);
    expect(JSON.parse(adapter.media(big.subarray(2, 5)))).toEqual({ event: 'media', streamSid: 's1', media: { payload: 'AQID' } });
  });

  it('reports the start format as the outbound format, and mu-law 8 kHz before bind', () => {
    expect(new CloudonixStreamAdapter().outboundFormat()).toEqual({ encoding: 'mulaw', sampleRate: 8000 });
    const adapter = bound('s', { mediaFormat: { encoding: 'audio/x-alaw', sampleRate: 8000 } });
    expect(adapter.outboundFormat()).toEqual({ encoding: 'alaw', sampleRate: 8000 });
  });

  it('does not share the default format object with callers', () => {
    const a = new CloudonixStreamAdapter().parse('{"event":"start","streamSid":"x"}', false) as StartEvent;
    a.mediaFormat.sampleRate = 16000;
    const b = new CloudonixStreamAdapter().parse('{"event":"start","streamSid":"x"}', false) as StartEvent;
    expect(b.mediaFormat.sampleRate).toBe(8000);
  });

  it('keeps metadata a copy of the start payload', () => {
    const adapter = new CloudonixStreamAdapter();
    const start = adapter.parse('{"event":"start","start":{"streamSid":"s","context":"outbound-api"}}', false) as StartEvent;
    expect(start.metadata).toStrictEqual({ streamSid: 's', context: 'outbound-api' });
  });

  it('accepts encodings with MIME parameters and rates like "8000Hz"', () => {
    const adapter = new CloudonixStreamAdapter();
    const parse = (mediaFormat: unknown): unknown =>
      (adapter.parse(JSON.stringify({ event: 'start', start: { streamSid: 's', mediaFormat } }), false) as StartEvent).mediaFormat;
    expect(parse({ encoding: 'audio/x-mulaw;rate=8000' })).toEqual({ encoding: 'mulaw', sampleRate: 8000 });
    expect(parse({ encoding: 'audio/L16;rate=16000' })).toEqual({ encoding: 'pcm16be', sampleRate: 16000 });
    expect(parse({ encoding: 'audio/x-mulaw', sampleRate: '8000Hz' })).toEqual({ encoding: 'mulaw', sampleRate: 8000 });
    expect(parse({ sampleRate: 8000 })).toEqual({ encoding: 'mulaw', sampleRate: 8000 });
    expect(parse(null)).toEqual({ encoding: 'mulaw', sampleRate: 8000 });
  });

  it('chains the JSON parse error as the cause of malformed_frame', () => {
    try {
      new CloudonixStreamAdapter().parse('{', false);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'malformed_frame' });
      expect((err as Error).cause).toBeInstanceOf(SyntaxError);
    }
  });

  it('parses a Buffer frame with multi-byte UTF-8', () => {
    const frame = Buffer.from(JSON.stringify({ event: 'mark', mark: { name: 'grüße' } }), 'utf8');
    expect(new CloudonixStreamAdapter().parse(frame, false)).toStrictEqual({ type: 'mark', name: 'grüße' });
  });
});
