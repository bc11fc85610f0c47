/**
 * Minimal RIFF/WAVE reader and writer for 16-bit PCM, μ-law and A-law (the formats telephony
 * fixtures and recordings use). Chunks are parsed by walking the RIFF list; unknown chunks are skipped.
 */
import { alawDecode } from './alaw.ts';
import { CodecError, CodecErrorCode } from './errors.ts';
import { mulawDecode } from './mulaw.ts';
import { int16ToPcm16le, pcm16leToInt16 } from './pcm16.ts';

/** Sample encodings {@link readWav} and {@link writeWav} handle. */
export const WavFormat = {
  Pcm16: 'pcm16',
  Mulaw: 'mulaw',
  Alaw: 'alaw',
} as const;

/** One of {@link WavFormat}. */
export type WavFormat = (typeof WavFormat)[keyof typeof WavFormat];

/** A parsed WAV file. */
export interface WavAudio {
  /** Samples per second per channel. */
  sampleRate: number;
  /** Interleaved channel count. */
  channels: number;
  /** 16 for `pcm16`, 8 for `mulaw`/`alaw`. */
  bitsPerSample: number;
  /** Sample encoding of {@link WavAudio.data}. */
  format: WavFormat;
  /** The `data` chunk's bytes as stored (a view of the input), trimmed to whole sample frames. */
  data: Uint8Array;
  /**
   * Linear samples, interleaved: decoded from G.711, or for `pcm16` a view of the input when it is
   * 2-byte aligned (a copy otherwise).
   */
  samples?: Int16Array;
}

/** {@link writeWav} options for 16-bit PCM. */
export interface WriteWavPcm16Options {
  /** Samples per second per channel. */
  sampleRate: number;
  /** Interleaved channel count, default 1. */
  channels?: number | undefined;
  /** Always 16-bit little-endian PCM; may be omitted. */
  format?: 'pcm16' | undefined;
  /** Interleaved samples; length must be a multiple of `channels`. */
  samples: Int16Array;
}

/** {@link writeWav} options for already-encoded G.711 bytes. */
export interface WriteWavG711Options {
  /** Samples per second per channel. */
  sampleRate: number;
  /** Interleaved channel count, default 1. */
  channels?: number | undefined;
  /** Encoding of `data`. */
  format: 'mulaw' | 'alaw';
  /** Encoded bytes, one per sample, interleaved; length must be a multiple of `channels`. */
  data: Uint8Array;
}

/** Options for {@link writeWav}. */
export type WriteWavOptions = WriteWavPcm16Options | WriteWavG711Options;

const FORMAT_TAG = { pcm: 0x0001, alaw: 0x0006, mulaw: 0x0007, extensible: 0xfffe } as const;

function ascii(buf: Uint8Array, offset: number): string {
  return String.fromCharCode(buf[offset]!, buf[offset + 1]!, buf[offset + 2]!, buf[offset + 3]!);
}

function invalidWav(message: string): CodecError {
  return new CodecError(CodecErrorCode.InvalidWav, message);
}

interface FmtChunk {
  formatTag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

function parseFmt(view: DataView, offset: number, size: number): FmtChunk {
  if (size < 16) throw invalidWav(`fmt chunk is ${size} bytes, at least 16 expected`);
  let formatTag = view.getUint16(offset, true);
  if (formatTag === FORMAT_TAG.extensible && size >= 40) formatTag = view.getUint16(offset + 24, true);
  return {
    formatTag,
    channels: view.getUint16(offset + 2, true),
    sampleRate: view.getUint32(offset + 4, true),
    blockAlign: view.getUint16(offset + 12, true),
    bitsPerSample: view.getUint16(offset + 14, true),
  };
}

function formatOf(fmt: FmtChunk): WavFormat {
  if (fmt.formatTag === FORMAT_TAG.pcm && fmt.bitsPerSample === 16) return WavFormat.Pcm16;
  if (fmt.formatTag === FORMAT_TAG.mulaw && fmt.bitsPerSample === 8) return WavFormat.Mulaw;
  if (fmt.formatTag === FORMAT_TAG.alaw && fmt.bitsPerSample === 8) return WavFormat.Alaw;
  throw new CodecError(
    CodecErrorCode.UnsupportedWavFormat,
    `unsupported WAV encoding: format tag 0x${fmt.formatTag.toString(16)}, ${fmt.bitsPerSample} bits per sample`,
  );
}

/**
 * Parses a WAV file held in memory.
 *
 * Walks the RIFF chunk list (honouring odd-size pad bytes), skipping chunks other than `fmt ` and
 * `data`. A `data` chunk whose declared size runs past the end of the input (files written while
 * streaming) is read up to the end.
 *
 * @throws {@link CodecError} `invalid_wav` for anything that is not a well-formed RIFF/WAVE file
 *   (bad magic, truncated or missing `fmt `/`data`, zero channels or rate, inconsistent block size);
 *   `unsupported_wav_format` for encodings other than 16-bit PCM, 8-bit μ-law and 8-bit A-law.
 */
export function readWav(buf: Uint8Array): WavAudio {
  if (buf.length < 12) throw invalidWav(`${buf.length} bytes is too short for a RIFF header`);
  const magic = ascii(buf, 0);
  if (magic === 'RIFX' || magic === 'RF64') {
    throw new CodecError(CodecErrorCode.UnsupportedWavFormat, `${magic} containers are not supported`);
  }
  if (magic !== 'RIFF') throw invalidWav('missing RIFF magic');
  if (ascii(buf, 8) !== 'WAVE') throw invalidWav('RIFF form type is not WAVE');

  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const riffSize = view.getUint32(4, true);
  const end = riffSize >= 4 && riffSize <= buf.length - 8 ? 8 + riffSize : buf.length;

  let fmt: FmtChunk | undefined;
  let data: Uint8Array | undefined;
  for (let pos = 12; pos + 8 <= end && (fmt === undefined || data === undefined); ) {
    const id = ascii(buf, pos);
    const size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (id === 'data') {
      data = buf.subarray(body, Math.min(body + size, end));
    } else if (id === 'fmt ') {
      if (body + size > end) throw invalidWav('fmt chunk runs past the end of the file');
      fmt = parseFmt(view, body, size);
    }
    pos = body + size + (size & 1);
  }
  if (fmt === undefined) throw invalidWav('no fmt chunk');
  if (data === undefined) throw invalidWav('no data chunk');
  if (fmt.channels === 0 || fmt.sampleRate === 0) throw invalidWav('zero channels or sample rate');

  const format = formatOf(fmt);
  const blockAlign = fmt.channels * (fmt.bitsPerSample / 8);
  if (fmt.blockAlign !== blockAlign) {
    throw invalidWav(`block align ${fmt.blockAlign} does not match ${fmt.channels} × ${fmt.bitsPerSample} bits`);
  }
  data = data.subarray(0, data.length - (data.length % blockAlign));
  const samples =
    format === WavFormat.Pcm16 ? pcm16leToInt16(data) : format === WavFormat.Mulaw ? mulawDecode(data) : alawDecode(data);
  return { sampleRate: fmt.sampleRate, channels: fmt.channels, bitsPerSample: fmt.bitsPerSample, format, data, samples };
}

function invalidArgument(message: string): CodecError {
  return new CodecError(CodecErrorCode.InvalidArgument, message);
}

function encodedPayload(opts: WriteWavOptions): {
  formatTag: number;
  bytesPerSample: number;
  sampleCount: number;
  body: Uint8Array;
} {
  if ('samples' in opts) {
    return { formatTag: FORMAT_TAG.pcm, bytesPerSample: 2, sampleCount: opts.samples.length, body: int16ToPcm16le(opts.samples) };
  }
  return { formatTag: FORMAT_TAG[opts.format], bytesPerSample: 1, sampleCount: opts.data.length, body: opts.data };
}

/**
 * Builds a WAV file: 16-bit little-endian PCM from `samples`, or μ-law/A-law from already-encoded
 * `data` (with the 18-byte `fmt ` and the `fact` chunk non-PCM formats require).
 *
 * @throws {@link CodecError} `invalid_argument` for a bad rate or channel count, a sample count that is
 *   not a multiple of `channels`, or audio too large for a RIFF file.
 */
export function writeWav(opts: WriteWavOptions): Buffer {
  const channels = opts.channels ?? 1;
  const { sampleRate } = opts;
  if (!Number.isInteger(channels) || channels < 1 || channels > 0xffff) {
    throw invalidArgument(`channels must be an integer 1-65535, got ${String(channels)}`);
  }
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 0xffffffff) {
    throw invalidArgument(`sampleRate must be a positive integer, got ${String(sampleRate)}`);
  }
  const { formatTag, bytesPerSample, sampleCount, body } = encodedPayload(opts);
  const pcm = formatTag === FORMAT_TAG.pcm;
  if (sampleCount % channels !== 0) {
    throw invalidArgument(`${sampleCount} samples is not a whole number of ${channels}-channel frames`);
  }
  const dataBytes = body.length;
  const fmtBytes = pcm ? 16 : 18;
  const factBytes = pcm ? 0 : 12;
  const pad = dataBytes & 1;
  const total = 12 + 8 + fmtBytes + factBytes + 8 + dataBytes + pad;
  if (total - 8 > 0xffffffff) throw invalidArgument('audio too large for a RIFF file');

  const out = Buffer.alloc(total);
  let pos = out.write('RIFF', 0, 'latin1');
  pos = out.writeUInt32LE(total - 8, pos);
  pos += out.write('WAVE', pos, 'latin1');
  pos += out.write('fmt ', pos, 'latin1');
  pos = out.writeUInt32LE(fmtBytes, pos);
  pos = out.writeUInt16LE(formatTag, pos);
  pos = out.writeUInt16LE(channels, pos);
  pos = out.writeUInt32LE(sampleRate, pos);
  pos = out.writeUInt32LE(sampleRate * channels * bytesPerSample, pos);
  pos = out.writeUInt16LE(channels * bytesPerSample, pos);
  pos = out.writeUInt16LE(bytesPerSample * 8, pos);
  if (!pcm) {
    pos = out.writeUInt16LE(0, pos); // cbSize
    pos += out.write('fact', pos, 'latin1');
    pos = out.writeUInt32LE(4, pos);
    pos = out.writeUInt32LE(sampleCount / channels, pos);
  }
  pos += out.write('data', pos, 'latin1');
  pos = out.writeUInt32LE(dataBytes, pos);
  out.set(body, pos);
  return out;
}
