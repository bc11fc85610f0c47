import { alawDecode, int16ToPcm16be, int16ToPcm16le, mulawDecode, mulawEncode } from '@vr3/codec';
import { dominantFrequency, rms, sine } from '@vr3/codec/testing';
import type { MediaFormat } from '@vr3/protocol';
import { describe, expect, it } from 'vitest';
import { InboundTranscoder, OutboundTranscoder } from './transcoder.ts';

const MULAW_8K: MediaFormat = { encoding: 'mulaw', sampleRate: 8000 };
const ALAW_8K: MediaFormat = { encoding: 'alaw', sampleRate: 8000 };
const PCM_8K: MediaFormat = { encoding: 'pcm16le', sampleRate: 8000 };
const PCM_16K: MediaFormat = { encoding: 'pcm16le', sampleRate: 16000 };
const L16BE_16K: MediaFormat = { encoding: 'pcm16be', sampleRate: 16000 };

/** Collects whole frames from an outbound transcoder. */
function collect() {
  const frames: Buffer[] = [];
  return { frames, sink: { pushAudio: (f: Buffer) => frames.push(f) } };
}

const samplesOf = (bytes: Uint8Array) => new Int16Array(Uint8Array.from(bytes).buffer);

describe('InboundTranscoder', () => {
  it('passes the payload through untouched when encoding and rate match', () => {
    const t = new InboundTranscoder(MULAW_8K, MULAW_8K);
    expect(t.passThrough).toBe(true);
    const payload = Buffer.from([1, 2, 3, 250]);
    expect(t.process(payload)).toBe(payload);
    const pcm = new InboundTranscoder(PCM_16K, PCM_16K);
    const odd = Buffer.from([1, 2, 3, 4, 5]);
    expect(Buffer.from(pcm.process(odd))).toEqual(Buffer.from([1, 2, 3, 4])); // the odd byte is not a sample
    expect(pcm.durationMs).toBeCloseTo(2 / 16, 5);
  });

  it('μ-law 8 kHz → PCM16 LE 16 kHz: the same tone, as the samples\' own bytes in a reused buffer', () => {
    const t = new InboundTranscoder(MULAW_8K, PCM_16K);
    expect(t.passThrough).toBe(false);
    const tone = sine(440, 8000, 400, 8000);
    const wire = mulawEncode(tone);
    const out: Int16Array[] = [];
    let buffer: ArrayBufferLike | undefined;
    for (let off = 0; off < wire.length; off += 160) {
      const bytes = t.process(wire.subarray(off, off + 160));
      expect(bytes.length).toBe(640);
      buffer ??= bytes.buffer;
      expect(bytes.buffer).toBe(buffer); // no allocation per frame
      out.push(samplesOf(bytes));
    }
    const all = new Int16Array(out.reduce((n, a) => n + a.length, 0));
    out.reduce((at, a) => (all.set(a, at), at + a.length), 0);
    expect(Math.abs(dominantFrequency(all.subarray(400), 16000) - 440)).toBeLessThan(10);
    expect(Math.abs(20 * Math.log10(rms(all.subarray(400)) / rms(tone)))).toBeLessThan(1);
  });

  it('L16 big-endian → PCM16 LE at the same rate swaps bytes; μ-law → A-law re-encodes', () => {
    const samples = Int16Array.from([1, -2, 300, -32768, 32767]);
    const be = new InboundTranscoder(L16BE_16K, PCM_16K);
    expect(samplesOf(be.process(int16ToPcm16be(samples)))).toEqual(samples);
    const alaw = new InboundTranscoder(MULAW_8K, ALAW_8K);
    const tone = sine(300, 8000, 20, 8000);
    const decoded = alawDecode(alaw.process(mulawEncode(tone)));
    const viaMulaw = mulawDecode(mulawEncode(tone));
    for (let i = 0; i < tone.length; i++) expect(Math.abs(decoded[i]! - viaMulaw[i]!)).toBeLessThanOrEqual(Math.abs(viaMulaw[i]!) / 16 + 16);
  });

  it('refuses a format it cannot convert', () => {
    expect(() => new InboundTranscoder(MULAW_8K, { encoding: 'pcm16le', sampleRate: 11025 })).toThrow(expect.objectContaining({ code: 'unsupported_media_format' }));
  });
});

describe('OutboundTranscoder', () => {
  it('matching formats: only re-chunks, bytes untouched, copied away from the engine\'s buffer', () => {
    const t = new OutboundTranscoder(MULAW_8K, MULAW_8K);
    expect(t.passThrough).toBe(true);
    const { frames, sink } = collect();
    const agent = Buffer.from(Array.from({ length: 400 }, (_, i) => i & 0xff));
    const expected = Buffer.from(agent);
    t.write(agent.subarray(0, 90), sink);
    expect(frames).toHaveLength(0);
    expect(t.bufferedMs).toBeCloseTo(90 / 8, 5);
    t.write(agent.subarray(90), sink);
    agent.fill(0);
    expect(frames.map((f) => f.length)).toEqual([160, 160]);
    const last = t.flush()!;
    expect(last).toHaveLength(160);
    expect(Buffer.concat([...frames, last.subarray(0, 80)])).toEqual(expected);
    expect(last.subarray(80).every((b) => b === 0xff)).toBe(true); // μ-law silence
  });

  it('PCM16 LE session to PCM16 LE wire (Exotel) in 3200-byte chunks: pass-through with an odd byte carried', () => {
    const t = new OutboundTranscoder(PCM_8K, PCM_8K, 3200);
    const { frames, sink } = collect();
    const agent = Buffer.from(Array.from({ length: 6401 }, (_, i) => (i * 31) & 0xff));
    t.write(agent.subarray(0, 1001), sink); // odd: the last byte waits
    t.write(agent.subarray(1001), sink);
    expect(frames.map((f) => f.length)).toEqual([3200, 3200]);
    expect(Buffer.concat(frames)).toEqual(agent.subarray(0, 6400));
  });

  it('PCM16 LE session at another rate: decodes aligned bytes in place and odd-offset bytes by copy, with the same result', () => {
    const tone = sine(500, 16000, 100, 8000);
    const aligned = int16ToPcm16le(tone);
    const oddBacking = Buffer.alloc(aligned.length + 1);
    aligned.copy(oddBacking, 1);
    const odd = oddBacking.subarray(1);
    expect(odd.byteOffset % 2).toBe(1);
    const a = collect();
    const b = collect();
    new OutboundTranscoder(PCM_16K, MULAW_8K).write(aligned, a.sink);
    new OutboundTranscoder(PCM_16K, MULAW_8K).write(odd, b.sink);
    expect(a.frames).toHaveLength(5);
    expect(Buffer.concat(b.frames)).toEqual(Buffer.concat(a.frames));
    const pcm = mulawDecode(Buffer.concat(a.frames));
    expect(Math.abs(dominantFrequency(pcm.subarray(100), 8000) - 500)).toBeLessThan(15);
  });

  it('an engine handing over the same view again (echo of a reused inbound buffer) gets its current contents sent', () => {
    const t = new OutboundTranscoder(PCM_16K, MULAW_8K);
    const { frames, sink } = collect();
    const samples = new Int16Array(320);
    const view = new Uint8Array(samples.buffer);
    samples.fill(1000);
    t.write(view, sink);
    samples.fill(-1000);
    t.write(view, sink);
    expect(frames).toHaveLength(2);
    const second = mulawDecode(frames[1]!);
    expect(second.subarray(20).every((x) => x < 0)).toBe(true);
  });

  it('reset forgets a partial frame and a held odd byte', () => {
    const t = new OutboundTranscoder(PCM_8K, PCM_8K);
    const { frames, sink } = collect();
    t.write(new Uint8Array(101), sink);
    t.reset();
    expect(t.bufferedMs).toBe(0);
    t.write(new Uint8Array(320).fill(7), sink);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.every((x) => x === 7)).toBe(true);
  });
});
