/**
 * A frame sequence marker carried *in the audio* so that an echoed frame can be matched to the frame
 * it echoes, even after μ-law decode → resample → resample → μ-law encode has changed every byte.
 *
 * Layout (at 8 kHz; every length scales with `sampleRate / 8000`): 20 bits, most significant first,
 * each bit a run of 5 samples at +A (1) or −A (0), starting at sample 4 — 12 bits of sequence number
 * (mod 4096, 82 s of 20 ms frames) then an 8-bit CRC of it. The rest of the frame is left as given
 * (silence in the load generator). A bit is read from the *sign* of the sample in the middle of its
 * run: the product's resamplers are low-pass filters with a 3.6 kHz cutoff and ~2 samples of step
 * response, so a 5-sample run keeps its sign at its centre, and G.711 keeps signs exactly.
 *
 * The echo path delays the signal by a fixed number of samples (2 × 2.5 ms of resampler group delay
 * when the engine runs at 16 kHz, none at 8 kHz). {@link MarkerReader} finds that delay itself: it
 * tries every delay up to {@link MarkerLayout.maxDelay} until two frames in a row decode, with a
 * valid CRC, to increasing sequence numbers at the same delay, then reads at that delay.
 */
import type { AudioEncoding } from '@vr3/protocol';
import { frameSamples, sampleAt, type WireFormat } from './wire-format.ts';

/** Sequence numbers wrap at this value. */
export const MARKER_SEQ_MODULO = 4096;
const SEQ_BITS = 12;
const CHECK_BITS = 8;
const BITS = SEQ_BITS + CHECK_BITS;
/** XORed into the CRC so that neither an all-positive nor an all-negative frame decodes. */
const CHECK_SALT = 0x5a;
/** Default marker level: −12 dBFS. */
export const MARKER_AMPLITUDE = 8000;

/** Where the marker sits in a frame of a given format. */
export interface MarkerLayout {
  /** First sample of the first bit. */
  readonly offset: number;
  /** Samples per bit. */
  readonly samplesPerBit: number;
  /** Samples per frame. */
  readonly frameSamples: number;
  /** Largest echo-path delay (samples) at which the marker still lies inside one frame. */
  readonly maxDelay: number;
}

/** The marker layout for frames of `format`. */
export function markerLayout(format: WireFormat): MarkerLayout {
  const scale = format.sampleRate / 8000;
  const offset = Math.round(4 * scale);
  const samplesPerBit = Math.round(5 * scale);
  const samples = frameSamples(format);
  return { offset, samplesPerBit, frameSamples: samples, maxDelay: samples - offset - BITS * samplesPerBit };
}

const CRC_TABLE = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  CRC_TABLE[i] = c;
}

/** CRC-8 (polynomial 0x07) of the 12-bit sequence number, salted. */
export function markerCheck(seq: number): number {
  const hi = CRC_TABLE[(seq >> 8) & 0x0f]!;
  return CRC_TABLE[hi ^ (seq & 0xff)]! ^ CHECK_SALT;
}

/** Writes the marker of `seq` (taken mod 4096) into `frame` (PCM16, one frame of the layout). */
export function writeMarker(frame: Int16Array, seq: number, layout: MarkerLayout, amplitude = MARKER_AMPLITUDE): void {
  const s = ((seq % MARKER_SEQ_MODULO) + MARKER_SEQ_MODULO) % MARKER_SEQ_MODULO;
  const word = (s << CHECK_BITS) | markerCheck(s);
  for (let b = 0; b < BITS; b++) {
    const level = (word >> (BITS - 1 - b)) & 1 ? amplitude : -amplitude;
    const start = layout.offset + b * layout.samplesPerBit;
    frame.fill(level, start, start + layout.samplesPerBit);
  }
}

/**
 * Reads the marker at `delay` from wire bytes of one frame.
 * @returns the sequence number, or −1 when the check fails.
 */
export function readMarkerAt(encoding: AudioEncoding, bytes: Uint8Array, layout: MarkerLayout, delay: number): number {
  const centre = layout.offset + delay + (layout.samplesPerBit >> 1);
  let word = 0;
  for (let b = 0; b < BITS; b++) {
    word = (word << 1) | (sampleAt(encoding, bytes, centre + b * layout.samplesPerBit) >= 0 ? 1 : 0);
  }
  const seq = word >>> CHECK_BITS;
  return markerCheck(seq) === (word & 0xff) ? seq : -1;
}

/** Forward distance from `a` to `b` on the 4096 circle. */
export function seqDistance(a: number, b: number): number {
  return (b - a + MARKER_SEQ_MODULO) % MARKER_SEQ_MODULO;
}

/** How far ahead a relock may find the sequence after a frame that did not decode. */
const RELOCK_WINDOW = 64;

/**
 * Reads markers from the frames of one echoed stream, finding the echo path's delay on its own.
 * Per frame cost once locked: 20 sample reads.
 */
export class MarkerReader {
  /** Where the marker is read: the echo path delay in samples, to within half a bit; −1 until locked. */
  delay = -1;
  readonly layout: MarkerLayout;
  readonly #encoding: AudioEncoding;
  /** Valid (delay → seq) pairs of the previous frame, while unlocked. */
  #candidates = new Map<number, number>();
  #last = -1;

  constructor(format: WireFormat) {
    this.#encoding = format.encoding;
    this.layout = markerLayout(format);
  }

  /** The sequence number in this frame, or −1 (not yet locked, or the marker did not survive). */
  read(bytes: Uint8Array): number {
    if (this.delay >= 0) {
      const seq = readMarkerAt(this.#encoding, bytes, this.layout, this.delay);
      if (seq >= 0) return (this.#last = seq);
      return this.#relock(bytes);
    }
    const next = new Map<number, number>();
    const confirmed: number[] = [];
    let confirmedSeq = -1;
    for (let d = 0; d <= this.layout.maxDelay; d++) {
      const seq = readMarkerAt(this.#encoding, bytes, this.layout, d);
      if (seq < 0) continue;
      const previous = this.#candidates.get(d);
      const ahead = previous === undefined ? -1 : seqDistance(previous, seq);
      if (ahead >= 1 && ahead <= RELOCK_WINDOW && (confirmedSeq < 0 || seq === confirmedSeq)) {
        confirmed.push(d);
        confirmedSeq = seq;
      }
      next.set(d, seq);
    }
    if (confirmed.length > 0) {
      // Every delay within a bit's run decodes: take the middle one, furthest from the bit edges.
      this.delay = confirmed[confirmed.length >> 1]!;
      this.#candidates.clear();
      return (this.#last = confirmedSeq);
    }
    this.#candidates = next;
    return -1;
  }

  /** After a miss at the locked delay: a delay where the sequence continues plausibly. */
  #relock(bytes: Uint8Array): number {
    if (this.#last < 0) return -1;
    for (let d = 0; d <= this.layout.maxDelay; d++) {
      if (d === this.delay) continue;
      const seq = readMarkerAt(this.#encoding, bytes, this.layout, d);
      const ahead = seq < 0 ? -1 : seqDistance(this.#last, seq);
      if (ahead >= 1 && ahead <= RELOCK_WINDOW) {
        this.delay = d;
        return (this.#last = seq);
      }
    }
    return -1;
  }
}
