import { describe, expect, it } from 'vitest';
import { alawDecode } from './alaw.ts';
import { mulawDecode, mulawEncode } from './mulaw.ts';
import { sine } from './testing/index.ts';
import { readWav, writeWav } from './wav.ts';

function chunk(id: string, body: Uint8Array): Buffer {
  const header = Buffer.alloc(8);
  header.write(id, 0, 'latin1');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body, Buffer.alloc(body.length & 1)]);
}

function fmtBody(tag: number, channels: number, rate: number, bits: number, extra?: Uint8Array): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(tag, 0);
  b.writeUInt16LE(channels, 2);
  b.writeUInt32LE(rate, 4);
  b.writeUInt32LE((rate * channels * bits) / 8, 8);
  b.writeUInt16LE((channels * bits) / 8, 12);
  b.writeUInt16LE(bits, 14);
  return extra ? Buffer.concat([b, extra]) : b;
}

function riff(...chunks: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), ...chunks]);
  const header = Buffer.alloc(8);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
}

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return (err as { code?: unknown }).code;
  }
  return undefined;
}

describe('WAV', () => {
  it('writes a canonical 44-byte PCM16 header', () => {
    const wav = writeWav({ sampleRate: 8000, samples: Int16Array.of(1, -2, 0x1234) });
    expect(wav.length).toBe(44 + 6);
    expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.toString('latin1', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt32LE(16)).toBe(16);
    expect(wav.readUInt16LE(20)).toBe(1); // PCM
    expect(wav.readUInt16LE(22)).toBe(1); // mono
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.readUInt32LE(28)).toBe(16000); // byte rate
    expect(wav.readUInt16LE(32)).toBe(2); // block align
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.toString('latin1', 36, 40)).toBe('data');
    expect(wav.readUInt32LE(40)).toBe(6);
    expect([wav.readInt16LE(44), wav.readInt16LE(46), wav.readInt16LE(48)]).toEqual([1, -2, 0x1234]);
  });

  it('round-trips PCM16, mono and stereo', () => {
    const mono = sine(440, 16000, 50, 12000);
    const a = readWav(writeWav({ sampleRate: 16000, samples: mono }));
    expect(a).toMatchObject({ sampleRate: 16000, channels: 1, bitsPerSample: 16, format: 'pcm16' });
    expect(a.samples).toEqual(mono);
    expect(a.data.length).toBe(mono.length * 2);

    const stereo = Int16Array.of(1, -1, 2, -2, 32767, -32768);
    const b = readWav(writeWav({ sampleRate: 48000, channels: 2, samples: stereo }));
    expect(b).toMatchObject({ sampleRate: 48000, channels: 2, bitsPerSample: 16, format: 'pcm16' });
    expect(b.samples).toEqual(stereo);
  });

  it('round-trips μ-law and A-law with fmt extension and fact chunk', () => {
    const codes = mulawEncode(sine(1000, 8000, 20, 9000).subarray(0, 159)); // odd length → pad byte
    const wav = writeWav({ sampleRate: 8000, format: 'mulaw', data: codes });
    expect(wav.length % 2).toBe(0);
    expect(wav.readUInt16LE(20)).toBe(7);
    expect(wav.readUInt32LE(16)).toBe(18);
    expect(wav.toString('latin1', 38, 42)).toBe('fact');
    expect(wav.readUInt32LE(46)).toBe(159);
    const m = readWav(wav);
    expect(m).toMatchObject({ sampleRate: 8000, channels: 1, bitsPerSample: 8, format: 'mulaw' });
    expect(Array.from(m.data)).toEqual(Array.from(codes));
    expect(m.samples).toEqual(mulawDecode(codes));

    const alawCodes = Uint8Array.of(0xd5, 0x55, 0xaa, 0x2a);
    const a = readWav(writeWav({ sampleRate: 8000, channels: 2, format: 'alaw', data: alawCodes }));
    expect(a).toMatchObject({ channels: 2, bitsPerSample: 8, format: 'alaw' });
    expect(Array.from(a.data)).toEqual(Array.from(alawCodes));
    expect(a.samples).toEqual(alawDecode(alawCodes));
  });

  it('reads a hand-built file with unknown chunks (odd sizes padded) around fmt and data', () => {
    const pcm = Buffer.alloc(8);
    [100, -100, 30000, -30000].forEach((s, i) => pcm.writeInt16LE(s, i * 2));
    const wav = riff(
      chunk('JUNK', new Uint8Array(3)),
      chunk('fmt ', fmtBody(1, 1, 24000, 16)),
      chunk('LIST', Buffer.from('INFOISFT\x05\x00\x00\x00vr3\x00\x00', 'latin1')),
      chunk('data', pcm),
      chunk('id3 ', new Uint8Array(5)),
    );
    const parsed = readWav(wav);
    expect(parsed).toMatchObject({ sampleRate: 24000, channels: 1, format: 'pcm16' });
    expect(Array.from(parsed.samples!)).toEqual([100, -100, 30000, -30000]);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE with a μ-law sub-format', () => {
    const extension = Buffer.alloc(24);
    extension.writeUInt16LE(22, 0); // cbSize
    extension.writeUInt16LE(8, 2); // valid bits
    extension.writeUInt16LE(7, 8); // sub-format GUID starts with the format tag
    const parsed = readWav(riff(chunk('fmt ', fmtBody(0xfffe, 1, 8000, 8, extension)), chunk('data', Uint8Array.of(0xff, 0x80))));
    expect(parsed.format).toBe('mulaw');
    expect(Array.from(parsed.samples!)).toEqual([0, 32124]);
  });

  it('reads a streamed file whose sizes overstate the data, trimming to whole frames', () => {
    const wav = writeWav({ sampleRate: 8000, channels: 2, samples: Int16Array.of(1, 2, 3, 4) });
    wav.writeUInt32LE(0xffffffff, 4);
    wav.writeUInt32LE(0xffffffff, 40);
    const truncated = wav.subarray(0, wav.length - 2); // last stereo frame incomplete
    const parsed = readWav(truncated);
    expect(Array.from(parsed.samples!)).toEqual([1, 2]);
  });

  it('reads from an unaligned view', () => {
    const wav = writeWav({ sampleRate: 8000, samples: Int16Array.of(7, -7) });
    const backing = new Uint8Array(wav.length + 1);
    backing.set(wav, 1);
    expect(Array.from(readWav(backing.subarray(1)).samples!)).toEqual([7, -7]);
  });

  it.each([
    ['too short', Buffer.from('RIFF', 'latin1'), 'invalid_wav'],
    ['not RIFF', Buffer.concat([Buffer.from('OggS', 'latin1'), Buffer.alloc(40)]), 'invalid_wav'],
    ['not WAVE', Buffer.from('RIFF\x04\x00\x00\x00AVI ', 'latin1'), 'invalid_wav'],
    ['no fmt', riff(chunk('data', new Uint8Array(4))), 'invalid_wav'],
    ['no data', riff(chunk('fmt ', fmtBody(1, 1, 8000, 16))), 'invalid_wav'],
    ['short fmt', riff(chunk('fmt ', new Uint8Array(10)), chunk('data', new Uint8Array(2))), 'invalid_wav'],
    ['fmt past the end', riff(chunk('fmt ', fmtBody(1, 1, 8000, 16))).subarray(0, 30), 'invalid_wav'],
    ['zero channels', riff(chunk('fmt ', fmtBody(1, 0, 8000, 16)), chunk('data', new Uint8Array(2))), 'invalid_wav'],
    ['zero rate', riff(chunk('fmt ', fmtBody(1, 1, 0, 16)), chunk('data', new Uint8Array(2))), 'invalid_wav'],
    [
      'bad block align',
      (() => {
        const f = fmtBody(1, 1, 8000, 16);
        f.writeUInt16LE(4, 12);
        return riff(chunk('fmt ', f), chunk('data', new Uint8Array(4)));
      })(),
      'invalid_wav',
    ],
    ['float', riff(chunk('fmt ', fmtBody(3, 1, 8000, 32)), chunk('data', new Uint8Array(4))), 'unsupported_wav_format'],
    ['24-bit PCM', riff(chunk('fmt ', fmtBody(1, 1, 8000, 24)), chunk('data', new Uint8Array(3))), 'unsupported_wav_format'],
    ['8-bit PCM', riff(chunk('fmt ', fmtBody(1, 1, 8000, 8)), chunk('data', new Uint8Array(3))), 'unsupported_wav_format'],
    ['RIFX', Buffer.concat([Buffer.from('RIFX\x00\x00\x00\x04WAVE', 'latin1')]), 'unsupported_wav_format'],
  ])('rejects %s', (_name, input, code) => {
    expect(codeOf(() => readWav(input))).toBe(code);
  });

  it.each([
    ['zero rate', () => writeWav({ sampleRate: 0, samples: new Int16Array(2) })],
    ['fractional rate', () => writeWav({ sampleRate: 8000.5, samples: new Int16Array(2) })],
    ['zero channels', () => writeWav({ sampleRate: 8000, channels: 0, samples: new Int16Array(2) })],
    ['partial frame', () => writeWav({ sampleRate: 8000, channels: 2, samples: new Int16Array(3) })],
    ['partial G.711 frame', () => writeWav({ sampleRate: 8000, channels: 2, format: 'mulaw', data: new Uint8Array(3) })],
  ])('writeWav rejects %s with invalid_argument', (_name, fn) => {
    expect(codeOf(fn)).toBe('invalid_argument');
  });
});
