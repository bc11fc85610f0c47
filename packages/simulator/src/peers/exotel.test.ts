import { describe, expect, it } from 'vitest';
import { getProvider } from '@vr3/providers';
import { ExotelPeer, exotelPeers } from './exotel.ts';
import { newServerFrame, ServerFrameKind } from './peer.ts';
import { getPeerFactory } from './registry.ts';

/** The product's own Exotel adapter: the simulator's frames must mean to it what they say. */
const productAdapter = () => getProvider('exotel').createStreamAdapter();

describe('Exotel peer', () => {
  it('speaks the framing the product adapter parses: connected, start, media, dtmf, mark, stop', () => {
    const peer = new ExotelPeer({ format: { encoding: 'pcm16le', sampleRate: 16000 }, info: { accountId: 'acct-1', callId: 'c1', streamId: 's1', from: '+1555', to: '+1666' } });
    const adapter = productAdapter();
    const [connected, start] = peer.openingFrames();
    expect(adapter.parse(connected!, false)).toMatchObject({ type: 'connected' });
    expect(adapter.parse(start!, false)).toMatchObject({ type: 'start', streamId: 's1', callId: 'c1', accountId: 'acct-1', from: '+1555', to: '+1666', mediaFormat: { encoding: 'pcm16le', sampleRate: 16000 } });
    const payload = Buffer.alloc(640, 0x11);
    expect(adapter.parse(peer.media(payload.toString('base64')), false)).toMatchObject({ type: 'media', payload });
    expect(adapter.parse(peer.dtmf('7'), false)).toMatchObject({ type: 'dtmf', digit: '7' });
    expect(adapter.parse(peer.played('m-1'), false)).toEqual({ type: 'mark', name: 'm-1' });
    expect(adapter.parse(peer.stop(), false)).toMatchObject({ type: 'stop' });
  });

  it('reads what the product sends: media by byte range, marks and clears', () => {
    const peer = exotelPeers.create();
    const adapter = productAdapter();
    const start = adapter.parse(peer.openingFrames()[1]!, false);
    if (start?.type !== 'start') throw new Error('no start');
    adapter.bind(start);
    const out = newServerFrame();
    const audio = Buffer.alloc(3200, 7);
    const media = Buffer.from(adapter.media(audio));
    expect(peer.read(media, false, out)).toBe(ServerFrameKind.Media);
    expect(Buffer.from(media.subarray(out.start, out.end).toString('latin1'), 'base64')).toEqual(audio);
    expect(peer.read(Buffer.from(adapter.mark('greeting')), false, out)).toBe(ServerFrameKind.Mark);
    expect(out.name).toBe('greeting');
    expect(peer.read(Buffer.from(adapter.clear()), false, out)).toBe(ServerFrameKind.Clear);
  });

  it('is registered, streams PCM16 LE at 8, 16 or 24 kHz', () => {
    expect(getPeerFactory('exotel')).toBe(exotelPeers);
    expect(() => new ExotelPeer({ format: { encoding: 'mulaw', sampleRate: 8000 } })).toThrow(RangeError);
  });
});
