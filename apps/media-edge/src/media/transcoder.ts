import { Rechunker, Resampler } from '@vr3/codec';
import type { MediaFormat } from '@vr3/protocol';
import { MediaEdgeError, MediaEdgeErrorCode } from '../errors.ts';
import { asBuffer, frameBytes, WIRE_CODECS, type WireCodec } from './codecs.ts';

function codecFor(format: MediaFormat): WireCodec {
  const codec = (WIRE_CODECS as Record<string, WireCodec | undefined>)[format.encoding];
  if (!codec || !Number.isInteger((format.sampleRate * 20) / 1000) || format.sampleRate <= 0) {
    throw new MediaEdgeError(MediaEdgeErrorCode.UnsupportedMediaFormat, `cannot transcode ${format.encoding} at ${format.sampleRate} Hz`);
  }
  return codec;
}

/**
 * Caller audio: wire bytes in the negotiated format → PCM16 at the engine's rate.
 * Decodes into a reused scratch buffer; the returned array is valid until the next call.
 */
export class InboundTranscoder {
  /** Samples decoded so far, at the wire rate. */
  samples = 0;
  private readonly codec: WireCodec;
  private readonly resampler: Resampler | null;
  private scratch = new Int16Array(0);
  private resampled = new Int16Array(0);

  constructor(
    private readonly format: MediaFormat,
    engineRate: number,
  ) {
    this.codec = codecFor(format);
    this.resampler = format.sampleRate === engineRate ? null : new Resampler(format.sampleRate, engineRate);
  }

  /** Milliseconds of audio decoded so far. */
  get durationMs(): number {
    return (this.samples * 1000) / this.format.sampleRate;
  }

  /** Decodes one payload; a trailing odd byte of 16-bit audio is ignored. */
  process(payload: Uint8Array): Int16Array {
    const count = Math.floor(payload.length / this.codec.bytesPerSample);
    if (this.scratch.length < count) this.scratch = new Int16Array(Math.max(count, 2 * this.scratch.length));
    const whole = count * this.codec.bytesPerSample === payload.length ? payload : payload.subarray(0, count * this.codec.bytesPerSample);
    const pcm = this.codec.decode(whole, this.scratch);
    this.samples += count;
    const r = this.resampler;
    if (r === null) return pcm;
    const out = r.outputLength(pcm.length);
    if (this.resampled.length < out) this.resampled = new Int16Array(Math.max(out, 2 * this.resampled.length));
    return r.process(pcm, this.resampled);
  }
}

/** Where {@link OutboundTranscoder.write} delivers whole frames (the call's pacer). */
export interface FrameSink {
  pushAudio(frame: Buffer): void;
}

/**
 * Agent audio: PCM16 at the engine's rate → the provider's outbound format, cut into frames of
 * `chunkBytes` (default 20 ms; Exotel wants ≥ 3200 B in multiples of 320 B). A partial frame stays
 * buffered until more audio arrives or {@link flush} pads it with silence to a whole frame.
 */
export class OutboundTranscoder {
  readonly frameBytes: number;
  private readonly codec: WireCodec;
  private readonly resampler: Resampler | null;
  private readonly rechunker: Rechunker;
  private resampled = new Int16Array(0);

  constructor(engineRate: number, format: MediaFormat, chunkBytes?: number) {
    this.codec = codecFor(format);
    this.frameBytes = chunkBytes ?? frameBytes(this.codec, format.sampleRate);
    if (!Number.isInteger(this.frameBytes) || this.frameBytes <= 0 || this.frameBytes % this.codec.bytesPerSample !== 0) {
      throw new MediaEdgeError(MediaEdgeErrorCode.UnsupportedMediaFormat, `cannot frame ${format.encoding} in ${this.frameBytes} byte chunks`);
    }
    this.resampler = format.sampleRate === engineRate ? null : new Resampler(engineRate, format.sampleRate);
    // Returned frames leave at once and the carry is under one frame: the bound lives in the pacer.
    this.rechunker = new Rechunker(this.frameBytes);
  }

  /**
   * Hands `sink` the whole frames completed by `pcm`, in order. Resamples into a reused scratch
   * buffer; the encoded bytes are a new (pooled) Buffer each time, since frames are views of it
   * and may wait in the pacer. The common case — exactly one frame and nothing carried — skips
   * the rechunker.
   */
  write(pcm: Int16Array, sink: FrameSink): void {
    let resampled = pcm;
    const r = this.resampler;
    if (r !== null) {
      const out = r.outputLength(pcm.length);
      if (this.resampled.length < out) this.resampled = new Int16Array(Math.max(out, 2 * this.resampled.length));
      resampled = r.process(pcm, this.resampled);
    }
    if (resampled.length === 0) return;
    const bytes = asBuffer(this.codec.encode(resampled));
    if (bytes.length === this.frameBytes && this.rechunker.buffered === 0) return sink.pushAudio(bytes);
    for (const frame of this.rechunker.write(bytes)) sink.pushAudio(frame);
  }

  /** Pads a partial frame with silence and returns it (null when none is pending). */
  flush(): Buffer | null {
    return this.rechunker.flush({ padTo: this.frameBytes, padByte: this.codec.silenceByte });
  }

  /** Forgets pending audio (after `clear`). */
  reset(): void {
    this.resampler?.reset();
    this.rechunker.reset();
  }
}
