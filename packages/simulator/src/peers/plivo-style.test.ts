import { describe, expect, it } from 'vitest';
import { getProvider } from '@vr3/providers';
import { newServerFrame, ServerFrameKind } from './peer.ts';
import { plivoPeers, vobizPeers } from './plivo-style.ts';
import { getPeerFactory } from './registry.ts';

for (const factory of [vobizPeers, plivoPeers]) {
  /** The product's own adapter: the simulator's frames must mean to it what they say. */
  const productAdapter = () => getProvider(factory.provider)!.createStreamAdapter();

  describe(`${factory.provider} peer`, () => {
    it('speaks the framing the product adapter parses: start, media, dtmf, playedStream, end', () => {
      const peer = factory.create({ info: { accountId: 'MA_1', callId: 'c1', streamId: 's1', from: '+1555', to: '+1666' } });
      const adapter = productAdapter();
      const opening = peer.openingFrames();
      expect(opening).toHaveLength(1);
      expect(adapter.parse(opening[0]!, false)).toMatchObject({ type: 'start', streamId: 's1', callId: 'c1', accountId: 'MA_1', mediaFormat: { encoding: 'mulaw', sampleRate: 8000 } });
      const payload = Buffer.alloc(160, 0x55);
      expect(adapter.parse(peer.media(payload.toString('base64')), false)).toMatchObject({ type: 'media', payload });
      expect(adapter.parse(peer.dtmf('7')!, false)).toMatchObject({ type: 'dtmf', digit: '7' });
      expect(adapter.parse(peer.played('m-1')!, false)).toMatchObject({ type: 'mark', name: 'm-1' });
      const stop = peer.stop();
      if (factory.provider === 'vobiz') expect(adapter.parse(stop!, false)).toMatchObject({ type: 'stop' });
      else expect(stop).toBeNull();
    });

    it('reads what the product sends: playAudio, checkpoint, clearAudio', () => {
      const peer = factory.create();
      const adapter = productAdapter();
      const start = adapter.parse(peer.openingFrames()[0]!, false);
      if (start?.type !== 'start') throw new Error('no start');
      adapter.bind(start);
      const out = newServerFrame();
      const audio = Buffer.from([1, 2, 3, 250, 251]);
      const media = Buffer.from(adapter.media(audio));
      expect(peer.read(media, false, out)).toBe(ServerFrameKind.Media);
      expect(Buffer.from(out.bytes.subarray(out.start, out.end).toString(), 'base64')).toEqual(audio);
      expect(peer.read(Buffer.from(adapter.mark('greeting')), false, out)).toBe(ServerFrameKind.Mark);
      expect(out.name).toBe('greeting');
      expect(peer.read(Buffer.from(adapter.clear()), false, out)).toBe(ServerFrameKind.Clear);
    });

    it('is registered, streams μ-law 8 kHz only', () => {
      expect(getPeerFactory(factory.provider)).toBe(factory);
      expect(() => factory.create({ format: { encoding: 'pcm16be', sampleRate: 8000 } })).toThrow(RangeError);
    });
  });
}
