import { describe, expect, it } from 'vitest';
import { mulawDecode, mulawEncode, Resampler } from '@vr3/codec';
import { markerCheck, markerLayout, MarkerReader, readMarkerAt, writeMarker } from './marker.ts';
import type { WireFormat } from './wire-format.ts';

const MULAW: WireFormat = { encoding: 'mulaw', sampleRate: 8000 };

function markedFrame(seq: number, format: WireFormat = MULAW): Int16Array {
  const frame = new Int16Array(format.sampleRate / 50);
  writeMarker(frame, seq, markerLayout(format));
  return frame;
}

/** The media-edge's echo path with the engine at 16 kHz: μ-law → PCM → 16 kHz → 8 kHz → μ-law. */
function echoPath(): (frame: Uint8Array) => Uint8Array {
  const up = new Resampler(8000, 16000);
  const down = new Resampler(16000, 8000);
  return (frame) => mulawEncode(down.process(up.process(mulawDecode(frame))));
}

describe('frame marker', () => {
  it('reads back the sequence number from the bytes it was written to', () => {
    for (const seq of [0, 1, 77, 2048, 4095]) {
      expect(readMarkerAt('mulaw', mulawEncode(markedFrame(seq)), markerLayout(MULAW), 0)).toBe(seq);
    }
  });

  it('does not decode silence, a full-scale frame or a neighbouring delay', () => {
    const layout = markerLayout(MULAW);
    expect(readMarkerAt('mulaw', new Uint8Array(160).fill(0xff), layout, 0)).toBe(-1);
    expect(readMarkerAt('mulaw', new Uint8Array(160).fill(0x7f), layout, 0)).toBe(-1);
    expect(markerCheck(0xfff)).not.toBe(0xff);
    expect(markerCheck(0)).not.toBe(0);
  });

  it('survives the product echo path, whose delay the reader finds on its own', () => {
    const echo = echoPath();
    const reader = new MarkerReader(MULAW);
    const read: number[] = [];
    for (let seq = 100; seq < 130; seq++) read.push(reader.read(echo(mulawEncode(markedFrame(seq)))));
    // Two resamplers of 2.5 ms group delay each: 40 samples at 8 kHz.
    expect(reader.delay).toBe(40);
    const decoded = read.filter((s) => s >= 0);
    expect(decoded.length).toBeGreaterThanOrEqual(27);
    // Once locked, frame k carries sequence number k.
    const firstLocked = read.findIndex((s) => s >= 0);
    read.slice(firstLocked).forEach((s, i) => expect(s).toBe(100 + firstLocked + i));
  });

  it('keeps reading when frames go missing, and scales to 16 kHz PCM', () => {
    const format: WireFormat = { encoding: 'pcm16le', sampleRate: 16000 };
    const reader = new MarkerReader(format);
    const bytes = (seq: number): Uint8Array => new Uint8Array(markedFrame(seq, format).buffer);
    const seen = [5, 6, 9, 10, 40].map((seq) => reader.read(bytes(seq)));
    expect(seen).toEqual([-1, 6, 9, 10, 40]);
    // No delay on this path; any reading offset inside half a bit (5 samples at 16 kHz) is right.
    expect(reader.delay).toBeLessThan(5);
  });
});
