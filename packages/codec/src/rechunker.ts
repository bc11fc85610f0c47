/**
 * Re-frames an arbitrary byte stream into fixed-size frames (e.g. 160-byte / 20 ms μ-law frames,
 * or 640-byte / 20 ms PCM16 at 16 kHz), with a bounded, drop-oldest policy for bursts.
 */
import { CodecError, CodecErrorCode } from './errors.ts';

/** Options for {@link Rechunker}. */
export interface RechunkerOptions {
  /**
   * Most bytes one {@link Rechunker.write} may hold: the carried remainder plus the new chunk.
   * Above it the oldest bytes are dropped, a whole number of frames at a time, so later frames keep
   * their original boundaries. Must be at least `frameBytes`. Default: unbounded
   * ({@link RECHUNKER_DEFAULTS}).
   */
  maxBufferedBytes?: number | undefined;
}

/** Options for {@link Rechunker.flush}. */
export interface RechunkerFlushOptions {
  /** Pad the remainder with `padByte` up to a multiple of this many bytes (e.g. `frameBytes`). */
  padTo?: number | undefined;
  /** Fill byte for padding, 0–255. Default 0 (PCM silence); pass 0xFF for μ-law, 0xD5 for A-law silence. */
  padByte?: number | undefined;
}

/** Defaults for {@link RechunkerOptions}. */
export const RECHUNKER_DEFAULTS = {
  /** No bound: live paths should pass one sized to their latency budget. */
  maxBufferedBytes: Number.POSITIVE_INFINITY,
} as const;

function invalid(message: string): CodecError {
  return new CodecError(CodecErrorCode.InvalidArgument, message);
}

/**
 * Splits written bytes into frames of exactly `frameBytes`, carrying the remainder to the next write.
 *
 * Frames lying entirely inside one written chunk are zero-copy views of it: don't overwrite a chunk's
 * memory while its frames are in use. Frames assembled across chunks are freshly allocated.
 */
export class Rechunker {
  /** Size of every frame {@link Rechunker.write} returns, in bytes. */
  readonly frameBytes: number;
  /** Effective bound, see {@link RechunkerOptions.maxBufferedBytes}. */
  readonly maxBufferedBytes: number;

  readonly #carry: Buffer;
  #carried = 0;
  #dropped = 0;

  /**
   * @param frameBytes - frame size in bytes, a positive integer (keep it a multiple of the sample size).
   * @throws {@link CodecError} `invalid_argument` for a bad frame size or bound.
   */
  constructor(frameBytes: number, options: RechunkerOptions = {}) {
    if (!Number.isSafeInteger(frameBytes) || frameBytes <= 0) {
      throw invalid(`frameBytes must be a positive integer, got ${String(frameBytes)}`);
    }
    const max = options.maxBufferedBytes ?? RECHUNKER_DEFAULTS.maxBufferedBytes;
    if (Number.isNaN(max) || max < frameBytes || (Number.isFinite(max) && !Number.isInteger(max))) {
      throw invalid(`maxBufferedBytes must be an integer >= frameBytes (${frameBytes}), got ${String(max)}`);
    }
    this.frameBytes = frameBytes;
    this.maxBufferedBytes = max;
    this.#carry = Buffer.alloc(frameBytes);
  }

  /** Bytes held back waiting for a full frame (always less than `frameBytes`). */
  get buffered(): number {
    return this.#carried;
  }

  /** Total bytes dropped by the bound since construction or the last {@link Rechunker.reset}. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Appends `chunk` and returns every frame now complete, oldest first (often none). */
  write(chunk: Uint8Array): Buffer[] {
    const frames: Buffer[] = [];
    const length = chunk.length;
    if (length === 0) return frames;
    const frameBytes = this.frameBytes;
    let offset = 0;

    const total = this.#carried + length;
    if (total > this.maxBufferedBytes) {
      // Whole frames, so at least frameBytes > carried: the carry always goes first.
      const drop = Math.ceil((total - this.maxBufferedBytes) / frameBytes) * frameBytes;
      this.#dropped += drop;
      offset = drop - this.#carried;
      this.#carried = 0;
    }

    if (this.#carried > 0) {
      const need = frameBytes - this.#carried;
      if (length - offset < need) {
        this.#carry.set(chunk.subarray(offset), this.#carried);
        this.#carried += length - offset;
        return frames;
      }
      const frame = Buffer.allocUnsafe(frameBytes);
      frame.set(this.#carry.subarray(0, this.#carried));
      frame.set(chunk.subarray(offset, offset + need), this.#carried);
      frames.push(frame);
      offset += need;
      this.#carried = 0;
    }

    if (length - offset >= frameBytes) {
      const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (; length - offset >= frameBytes; offset += frameBytes) frames.push(view.subarray(offset, offset + frameBytes));
    }
    if (offset < length) {
      this.#carry.set(chunk.subarray(offset), 0);
      this.#carried = length - offset;
    }
    return frames;
  }

  /**
   * Returns the buffered remainder (a new Buffer), optionally padded, and empties the buffer.
   *
   * @returns `null` when nothing is buffered.
   * @throws {@link CodecError} `invalid_argument` for a non-positive `padTo` or a `padByte` outside 0–255.
   */
  flush(options: RechunkerFlushOptions = {}): Buffer | null {
    const padTo = options.padTo ?? 1;
    const padByte = options.padByte ?? 0;
    if (!Number.isSafeInteger(padTo) || padTo <= 0) throw invalid(`padTo must be a positive integer, got ${String(padTo)}`);
    if (!Number.isInteger(padByte) || padByte < 0 || padByte > 255) {
      throw invalid(`padByte must be an integer 0-255, got ${String(padByte)}`);
    }
    if (this.#carried === 0) return null;
    const out = Buffer.alloc(Math.ceil(this.#carried / padTo) * padTo, padByte);
    out.set(this.#carry.subarray(0, this.#carried));
    this.#carried = 0;
    return out;
  }

  /** Discards buffered bytes and zeroes the {@link Rechunker.dropped} counter. */
  reset(): void {
    this.#carried = 0;
    this.#dropped = 0;
  }
}
