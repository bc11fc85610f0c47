import { describe, expect, it } from 'vitest';
import { getProvider } from '@vr3/providers';
import { newServerFrame, ServerFrameKind } from './peer.ts';
import { getPeerFactory } from './registry.ts';
import { TwilioPeer, twilioPeers } from './twilio.ts';

/** The product's own Twilio adapter: the simulator's frames must mean to it what they say. */
const productAdapter = () => getProvider('twilio').createStreamAdapter();

describe('Twilio peer', () => {
  it('speaks the framing the product adapter parses: connected, start, media, dtmf, mark, stop', () => {
    const peer = new TwilioPeer({ info: { accountId: 'AC1', callId: 'CA1', streamId: 'MZ1', from: '+1555', to: '+1666' } });
    const adapter = productAdapter();
    const [connected, start] = peer.openingFrames();
    expect(adapter.parse(connected!, false)).toMatchObject({ type: 'connected' });
    expect(adapter.parse(start!, false)).toMatchObject({ type: 'start', streamId: 'MZ1', callId: 'CA1', accountId: 'AC1', mediaFormat: { encoding: 'mulaw', sampleRate: 8000 } });
    const payload = Buffer.alloc(160, 0x55);
    expect(adapter.parse(peer.media(payload.toString('base64')), false)).toMatchObject({ type: 'media', payload, timestampMs: 0 });
    expect(adapter.parse(peer.media(payload.toString('base64')), false)).toMatchObject({ type: 'media', timestampMs: 20 });
    expect(adapter.parse(peer.dtmf('7'), false)).toEqual({ type: 'dtmf', digit: '7' });
    expect(adapter.parse(peer.played('m-1'), false)).toEqual({ type: 'mark', name: 'm-1' });
    expect(adapter.parse(peer.stop(), false)).toMatchObject({ type: 'stop' });
  });

  it('reads what the product sends: media by byte range, marks and clears', () => {
    const peer = twilioPeers.create();
    const adapter = productAdapter();
    const start = adapter.parse(peer.openingFrames()[1]!, false);
    if (start?.type !== 'start') throw new Error('no start');
    adapter.bind(start);
    const out = newServerFrame();
    const audio = Buffer.from([1, 2, 3, 250, 251]);
    const media = Buffer.from(adapter.media(audio));
    expect(peer.read(media, false, out)).toBe(ServerFrameKind.Media);
    expect(Buffer.from(media.subarray(out.start, out.end).toString('latin1'), 'base64')).toEqual(audio);
    expect(peer.read(Buffer.from(adapter.mark('greeting')), false, out)).toBe(ServerFrameKind.Mark);
    expect(out.name).toBe('greeting');
    expect(peer.read(Buffer.from(adapter.clear()), false, out)).toBe(ServerFrameKind.Clear);
  });

  it('is registered, streams μ-law 8 kHz only', () => {
    expect(getPeerFactory('twilio')).toBe(twilioPeers);
    expect(() => new TwilioPeer({ format: { encoding: 'pcm16le', sampleRate: 16000 } })).toThrow(RangeError);
  });
});
