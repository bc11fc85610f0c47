import { describe, expect, it } from 'vitest';
import { getProvider } from '@vr3/providers';
import { cloudonixFixtures } from '@vr3/providers/testing';
import { CloudonixPeer, cloudonixPeers } from './cloudonix.ts';
import { newServerFrame, ServerFrameKind } from './peer.ts';

/** The product's own Cloudonix adapter: the simulator's frames must mean to it what they say. */
const productAdapter = () => getProvider('cloudonix').createStreamAdapter();

describe('Cloudonix peer', () => {
  it('speaks the framing the product adapter parses: connected, start, media, dtmf, mark, stop', () => {
    const peer = new CloudonixPeer({ info: { accountId: 'acme', sessionId: 'sess-1', callId: 'CA1', streamId: 'MZ1', from: '+1555', to: '+1666' } });
    const adapter = productAdapter();
    const [connected, start] = peer.openingFrames();
    expect(adapter.parse(connected!, false)).toMatchObject({ type: 'connected', protocol: 'Call', version: '1.0.0' });
    expect(adapter.parse(start!, false)).toMatchObject({
      type: 'start',
      streamId: 'MZ1',
      callId: 'CA1',
      sessionId: 'sess-1',
      accountId: 'acme',
      from: '+1555',
      to: '+1666',
      mediaFormat: { encoding: 'mulaw', sampleRate: 8000 },
    });
    const payload = Buffer.alloc(160, 0x55);
    const first = adapter.parse(peer.media(payload.toString('base64')), false);
    const second = adapter.parse(peer.media(payload.toString('base64')), false);
    expect(first).toMatchObject({ type: 'media', payload, timestampMs: 0 });
    expect(second).toMatchObject({ type: 'media', timestampMs: 20 });
    expect(adapter.parse(peer.dtmf('7'), false)).toEqual({ type: 'dtmf', digit: '7' });
    expect(adapter.parse(peer.played('m-1'), false)).toEqual({ type: 'mark', name: 'm-1' });
    expect(adapter.parse(peer.stop(), false)).toMatchObject({ type: 'stop' });
  });

  it('shapes media like the recorded Cloudonix frames (same keys in the same order)', () => {
    const parse = (text: string): Record<string, unknown> | null => {
      try {
        return JSON.parse(text) as Record<string, unknown>;
      } catch {
        return null;
      }
    };
    const theirs = cloudonixFixtures.inbound
      .map((f) => parse(f.frame.toString()))
      .find((f) => f?.event === 'media' && 'sequenceNumber' in f && (f.media as { track?: string }).track === 'inbound');
    expect(theirs).toBeDefined();
    const ours = JSON.parse(new CloudonixPeer().media('AAAA')) as Record<string, unknown>;
    if (!theirs) return;
    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    expect(Object.keys(ours.media as object).sort()).toEqual(Object.keys(theirs.media as object).sort());
  });

  it('reads what the product sends: media by byte range, marks and clears by JSON', () => {
    const peer = cloudonixPeers.create();
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
    expect(peer.read(Buffer.from('{"event":"media","media":{"track":"x","payload":"AQID"}}'), false, out)).toBe(ServerFrameKind.Media);
    expect(peer.read(Buffer.from('not json'), false, out)).toBe(ServerFrameKind.Invalid);
    expect(peer.read(Buffer.from('{"event":"media"}'), true, out)).toBe(ServerFrameKind.Invalid);
    expect(peer.read(Buffer.from('{"event":"other"}'), false, out)).toBe(ServerFrameKind.Other);
  });
});
