import { isSupportedSampleRate, Rechunker, Resampler } from '@vr3/codec';
import type { MediaFormat } from '@vr3/protocol';
import { MediaEdgeError, MediaEdgeErrorCode } from '../errors.ts';
import { asBuffer, frameBytes, HOST_LITTLE_ENDIAN, sameFormat, WIRE_CODECS, type WireCodec } from './codecs.ts';

function unsupported(format: MediaFormat): MediaEdgeError {
  return new MediaEdgeError(MediaEdgeErrorCode.UnsupportedMediaFormat, `cannot transcode ${format.encoding} at ${format.sampleRate} Hz`);
}

function codecFor(format: MediaFormat): WireCodec {
  const codec = (WIRE_CODECS as Record<string, WireCodec | undefined>)[format.encoding];
  if (!codec || !Number.isInteger((format.sampleRate * 20) / 1000) || format.sampleRate <= 0) throw unsupported(format);
  return codec;
}

/** A resampler between the two rates, none when they match; `unsupported_media_format` for a rate the codec cannot convert. */
function resamplerFor(from: MediaFormat, to: MediaFormat): Resampler | null {
  if (from.sampleRate === to.sampleRate) return null;
  if (!isSupportedSampleRate(from.sampleRate)) throw unsupported(from);
  if (!isSupportedSampleRate(to.sampleRate)) throw unsupported(to);
  return new Resampler(from.sampleRate, to.sampleRate);
}

/**
 * Caller audio: wire bytes in the negotiated format → bytes in the engine session's format.
 *
 * - Same encoding and rate: the payload passes through untouched (no copy).
 * - Otherwise: decode into a reused scratch, resample into another, and encode. A PCM16 LE session
 *   gets a view of the samples' own memory (no copy); a G.711 session a reused byte scratch.
 *
 * The returned bytes are valid until the next {@link process} call (the engine copies what it keeps).
 */
export class InboundTranscoder {
  /** Wire samples seen so far. */
  samples = 0;
  /** True when the wire and session formats match and payloads pass through untouched. */
  readonly passThrough: boolean;
  private readonly wire: WireCodec;
  private readonly session: WireCodec;
  /** A PCM16 LE session on a little-endian host: samples are handed over as their own bytes. */
  private readonly sessionIsHostPcm: boolean;
  private readonly resampler: Resampler | null;
  private scratch = new Int16Array(0);
  private resampled = new Int16Array(0);
  private encoded = new Uint8Array(0);
  /** The byte view last handed out and the samples it views: 20 ms frames reuse it (no allocation). */
  private lastPcm: Int16Array | null = null;
  private lastView: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly wireFormat: MediaFormat,
    sessionFormat: MediaFormat,
  ) {
    this.wire = codecFor(wireFormat);
    this.session = codecFor(sessionFormat);
    this.passThrough = sameFormat(wireFormat, sessionFormat);
    this.sessionIsHostPcm = sessionFormat.encoding === 'pcm16le' && HOST_LITTLE_ENDIAN;
    this.resampler = resamplerFor(wireFormat, sessionFormat);
  }

  /** Milliseconds of audio seen so far. */
  get durationMs(): number {
    return (this.samples * 1000) / this.wireFormat.sampleRate;
  }

  /** Transcodes one payload; a trailing odd byte of 16-bit audio is ignored. */
  process(payload: Uint8Array): Uint8Array {
    const bps = this.wire.bytesPerSample;
    const count = bps === 1 ? payload.length : payload.length >> 1;
    this.samples += count;
    const whole = count * bps === payload.length ? payload : payload.subarray(0, count * bps);
    if (this.passThrough) return whole;
    if (this.scratch.length < count) this.scratch = new Int16Array(Math.max(count, 2 * this.scratch.length));
    let pcm = this.wire.decode(whole, this.scratch);
    const r = this.resampler;
    if (r !== null) {
      const out = r.outputLength(pcm.length);
      if (this.resampled.length < out) this.resampled = new Int16Array(Math.max(out, 2 * this.resampled.length));
      pcm = r.process(pcm, this.resampled);
    }
    if (this.sessionIsHostPcm) {
      // The scratch arrays are reused, so a steady frame size yields the same array object each
      // time: its byte view can be reused too.
      if (pcm !== this.lastPcm) {
        this.lastPcm = pcm;
        this.lastView = new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
      }
      return this.lastView;
    }
    if (this.session.bytesPerSample === 1) {
      if (this.encoded.length < pcm.length) this.encoded = new Uint8Array(Math.max(pcm.length, 2 * this.encoded.length));
      return this.session.encode(pcm, this.encoded);
    }
    return this.session.encode(pcm);
  }
}

/** Where {@link OutboundTranscoder.write} delivers whole frames (the call's pacer). */
export interface FrameSink {
  pushAudio(frame: Buffer): void;
}

/**
 * Agent audio: bytes in the session's format → the provider's outbound format, cut into frames of
 * `chunkBytes` (default 20 ms; Exotel wants ≥ 3200 B in multiples of 320 B). A partial frame stays
 * buffered until more audio arrives or {@link flush} pads it with silence to a whole frame.
 *
 * - Same encoding and rate: the bytes are only re-chunked (copied once, since the engine owns them
 *   and frames wait in the pacer).
 * - Otherwise: decode (a PCM16 LE session is viewed as samples without a copy when its byteOffset
 *   is even, copied when odd), resample into a reused scratch, encode into a new pooled Buffer.
 *
 * A 16-bit session may hand over an odd number of bytes: the last byte waits for the next write.
 */
export class OutboundTranscoder {
  readonly frameBytes: number;
  /** True when the session and wire formats match and bytes are only re-chunked. */
  readonly passThrough: boolean;
  private readonly wire: WireCodec;
  private readonly session: WireCodec;
  private readonly resampler: Resampler | null;
  private readonly rechunker: Rechunker;
  private readonly wireBytesPerMs: number;
  private decoded = new Int16Array(0);
  private resampled = new Int16Array(0);
  /** A 16-bit session's trailing odd byte, waiting for its partner (-1: none). */
  private oddByte = -1;
  /** The session bytes last decoded and their samples: an engine handing over the same view again (echo) decodes for free. */
  private lastBytes: Uint8Array | null = null;
  private lastSamples: Int16Array = new Int16Array(0);

  constructor(sessionFormat: MediaFormat, wireFormat: MediaFormat, chunkBytes?: number) {
    this.session = codecFor(sessionFormat);
    this.wire = codecFor(wireFormat);
    this.frameBytes = chunkBytes ?? frameBytes(this.wire, wireFormat.sampleRate);
    if (!Number.isInteger(this.frameBytes) || this.frameBytes <= 0 || this.frameBytes % this.wire.bytesPerSample !== 0) {
      throw new MediaEdgeError(MediaEdgeErrorCode.UnsupportedMediaFormat, `cannot frame ${wireFormat.encoding} in ${this.frameBytes} byte chunks`);
    }
    this.passThrough = sameFormat(sessionFormat, wireFormat);
    this.resampler = resamplerFor(sessionFormat, wireFormat);
    this.wireBytesPerMs = (wireFormat.sampleRate / 1000) * this.wire.bytesPerSample;
    // Returned frames leave at once and the carry is under one frame: the bound lives in the pacer.
    this.rechunker = new Rechunker(this.frameBytes);
  }

  /** Milliseconds of audio held back waiting for a whole frame (less than one frame). */
  get bufferedMs(): number {
    return this.rechunker.buffered / this.wireBytesPerMs;
  }

  /**
   * Hands `sink` the whole frames completed by `audio`, in order. The common case — exactly one
   * frame and nothing carried — skips the rechunker.
   */
  write(audio: Uint8Array, sink: FrameSink): void {
    let bytes = audio;
    if (this.session.bytesPerSample === 2 && (this.oddByte >= 0 || (bytes.length & 1) === 1)) bytes = this.evenUp(bytes);
    if (bytes.length === 0) return;
    if (this.passThrough) {
      const copy = Buffer.allocUnsafe(bytes.length);
      copy.set(bytes);
      return this.push(copy, sink);
    }
    let pcm: Int16Array;
    if (this.session.bytesPerSample === 1) {
      if (this.decoded.length < bytes.length) this.decoded = new Int16Array(Math.max(bytes.length, 2 * this.decoded.length));
      pcm = this.session.decode(bytes, this.decoded);
    } else if (bytes === this.lastBytes && (bytes.byteOffset & 1) === 0) {
      // The same view (same memory, same length) as last time: its sample view is still valid.
      pcm = this.lastSamples;
    } else {
      pcm = this.session.decode(bytes, this.decoded);
      if (pcm.buffer === bytes.buffer) {
        this.lastBytes = bytes;
        this.lastSamples = pcm;
      }
    }
    const r = this.resampler;
    if (r !== null) {
      const out = r.outputLength(pcm.length);
      if (this.resampled.length < out) this.resampled = new Int16Array(Math.max(out, 2 * this.resampled.length));
      pcm = r.process(pcm, this.resampled);
    }
    if (pcm.length === 0) return;
    this.push(asBuffer(this.wire.encode(pcm)), sink);
  }

  /** Pads a partial frame with silence and returns it (null when none is pending). */
  flush(): Buffer | null {
    return this.rechunker.flush({ padTo: this.frameBytes, padByte: this.wire.silenceByte });
  }

  /** Forgets pending audio (after `clear`). */
  reset(): void {
    this.resampler?.reset();
    this.rechunker.reset();
    this.oddByte = -1;
    this.lastBytes = null;
  }

  private push(bytes: Buffer, sink: FrameSink): void {
    if (bytes.length === this.frameBytes && this.rechunker.buffered === 0) return sink.pushAudio(bytes);
    for (const frame of this.rechunker.write(bytes)) sink.pushAudio(frame);
  }

  /** Whole 16-bit samples: prepends a held byte, holds a trailing one (rare: a copy only then). */
  private evenUp(bytes: Uint8Array): Uint8Array {
    if (bytes.length === 0) return bytes;
    const held = this.oddByte >= 0 ? 1 : 0;
    const total = held + bytes.length;
    const even = total & ~1;
    const out = Buffer.allocUnsafe(even);
    if (held) out[0] = this.oddByte;
    out.set(bytes.subarray(0, even - held), held);
    this.oddByte = total & 1 ? bytes[bytes.length - 1]! : -1;
    return out;
  }
}
