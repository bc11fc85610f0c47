/**
 * Fast path for the commonest inbound frame of Twilio-style sockets, `media`, read from the socket's
 * bytes without `JSON.parse` (no object graph, no strings but the payload and the fields used).
 *
 * It is a strict validating scanner for a subset of JSON: one object whose values are strings
 * without escapes and with ASCII characters only, numbers, or (one level) objects of such values.
 * (The payload's characters are checked by the base64 decoder instead: a control character or
 * non-ASCII byte there is `malformed_frame` on both paths, with a different message.)
 * Anything else — escapes, non-ASCII text, arrays, `true`/`false`/`null`, deeper nesting, a frame
 * that is not a `media` event, a missing or non-string payload, trailing bytes — returns
 * {@link FALLBACK}, and the caller parses the frame with `JSON.parse` as before. So a frame the fast
 * path accepts is valid JSON, and yields exactly what the general path yields (duplicate keys: the
 * last one wins, as in `JSON.parse`).
 * Internal to the package.
 */
import type { MediaEvent } from '@vr3/protocol';
import { decodeBase64Bytes } from '../base64-bytes.ts';

const EMPTY = Buffer.alloc(0);

/** "Not handled here": parse the frame the general way. */
export const FALLBACK: unique symbol = Symbol('fallback');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;

/** `{"event":"media"` as bytes: the frames worth trying. */
const PREFIX = Buffer.from('{"event":"media"', 'latin1');

const KEY_EVENT = Buffer.from('event', 'latin1');
const KEY_SEQUENCE = Buffer.from('sequenceNumber', 'latin1');
const KEY_SEQUENCE_SNAKE = Buffer.from('sequence_number', 'latin1');
const KEY_MEDIA = Buffer.from('media', 'latin1');
const KEY_PAYLOAD = Buffer.from('payload', 'latin1');
const KEY_TRACK = Buffer.from('track', 'latin1');
const KEY_TIMESTAMP = Buffer.from('timestamp', 'latin1');
const VALUE_MEDIA = KEY_MEDIA;
const VALUE_OUTBOUND = Buffer.from('outbound', 'latin1');
const VALUE_OUTBOUND_TRACK = Buffer.from('outbound_track', 'latin1');

/** Which known key a key is (none: 0). */
const enum Key {
  Other,
  Event,
  Sequence,
  SequenceSnake,
  Media,
  Payload,
  Track,
  Timestamp,
}


/** A value read by {@link Scanner}: a number, a string (as a byte range), or an object. */
const enum Kind {
  None,
  Number,
  String,
  Object,
}

class Scanner {
  pos = 0;
  /** Last value read: kind, and its number or string bounds. */
  kind = Kind.None;
  num = 0;
  start = 0;
  end = 0;
  /** The media object's fields (last `media` key wins). */
  mediaSeen = false;
  payloadStart = -1;
  payloadEnd = -1;
  outbound = false;
  /** Counts as `readCount` reads them: undefined when the key is absent, null when not a count. */
  timestamp: number | null | undefined = undefined;
  /** Top-level fields. */
  isMediaEvent = false;
  sequence: number | null | undefined = undefined;
  sequenceSnake: number | null | undefined = undefined;

  b: Buffer = EMPTY;

  /** Ready for `b` (one scanner serves every frame: parsing is synchronous). */
  reset(b: Buffer): this {
    this.b = b;
    this.pos = 0;
    this.kind = Kind.None;
    this.mediaSeen = false;
    this.payloadStart = -1;
    this.payloadEnd = -1;
    this.outbound = false;
    this.timestamp = undefined;
    this.isMediaEvent = false;
    this.sequence = undefined;
    this.sequenceSnake = undefined;
    return this;
  }

  ws(): void {
    const b = this.b;
    let p = this.pos;
    for (; p < b.length; p++) {
      const c = b[p]!;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    }
    this.pos = p;
  }

  /**
   * A string (the frame holds no backslash: no escapes); sets start/end (content bounds). With
   * `check`, control characters and non-ASCII text fall back; without it (the payload) they are left
   * to the base64 decoder, which rejects them (`malformed_frame`, as JSON.parse would).
   */
  string(check: boolean): boolean {
    const b = this.b;
    let p = this.pos;
    if (b[p] !== QUOTE) return false;
    const start = ++p;
    let end: number;
    if (check) {
      // Short strings (keys, ids, counters): one pass.
      for (; p < b.length; p++) {
        const c = b[p]!;
        if (c === QUOTE) break;
        if (c < 0x20 || c >= 0x80) return false;
      }
      if (p >= b.length) return false;
      end = p;
    } else {
      end = b.indexOf(QUOTE, start);
      if (end < 0) return false;
    }
    this.start = start;
    this.end = end;
    this.pos = end + 1;
    this.kind = Kind.String;
    return true;
  }

  /** A JSON number (strict grammar); sets num. */
  number(): boolean {
    const b = this.b;
    const start = this.pos;
    let p = start;
    let simple = true;
    let n = 0;
    if (b[p] === 0x2d) {
      p++;
      simple = false;
    }
    if (b[p] === 0x30) p++;
    else if (b[p]! >= 0x31 && b[p]! <= 0x39) {
      for (; b[p]! >= 0x30 && b[p]! <= 0x39; p++) n = n * 10 + b[p]! - 0x30;
    } else return false;
    if (simple && p - start <= 15 && b[p] !== 0x2e && b[p] !== 0x65 && b[p] !== 0x45) {
      // A non-negative integer of up to 15 digits: exact as computed.
      this.num = n;
      this.pos = p;
      this.kind = Kind.Number;
      return true;
    }
    if (b[p] === 0x2e) {
      p++;
      if (!(b[p]! >= 0x30 && b[p]! <= 0x39)) return false;
      while (b[p]! >= 0x30 && b[p]! <= 0x39) p++;
    }
    if (b[p] === 0x65 || b[p] === 0x45) {
      p++;
      if (b[p] === 0x2b || b[p] === 0x2d) p++;
      if (!(b[p]! >= 0x30 && b[p]! <= 0x39)) return false;
      while (b[p]! >= 0x30 && b[p]! <= 0x39) p++;
    }
    this.num = Number(this.b.toString('latin1', start, p));
    this.pos = p;
    this.kind = Kind.Number;
    return true;
  }

  /** A string or a number (`depth` 1) or also an object of those (`depth` 0). */
  value(depth: number, key: Key): boolean {
    const c = this.b[this.pos];
    if (c === QUOTE) return this.string(key !== Key.Payload);
    if (c === OPEN && depth === 0) return this.object(1, key === Key.Media);
    if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return this.number();
    return false;
  }

  /** Whether the last string equals `word`. */
  is(word: Buffer): boolean {
    const len = this.end - this.start;
    if (len !== word.length) return false;
    const b = this.b;
    for (let i = 0, p = this.start; i < len; i++, p++) if (b[p] !== word[i]) return false;
    return true;
  }

  /** The last string as one of the keys the fast path keeps. */
  key(depth: number): Key {
    if (depth === 0) {
      switch (this.end - this.start) {
        case 5:
          return this.is(KEY_EVENT) ? Key.Event : this.is(KEY_MEDIA) ? Key.Media : Key.Other;
        case 14:
          return this.is(KEY_SEQUENCE) ? Key.Sequence : Key.Other;
        case 15:
          return this.is(KEY_SEQUENCE_SNAKE) ? Key.SequenceSnake : Key.Other;
        default:
          return Key.Other;
      }
    }
    switch (this.end - this.start) {
      case 7:
        return this.is(KEY_PAYLOAD) ? Key.Payload : Key.Other;
      case 5:
        return this.is(KEY_TRACK) ? Key.Track : Key.Other;
      case 9:
        return this.is(KEY_TIMESTAMP) ? Key.Timestamp : Key.Other;
      default:
        return Key.Other;
    }
  }

  /**
   * The last value through `readCount` (a count, or null when it is none), without making a string:
   * a safe non-negative integer number, or a string of 1–15 ASCII digits.
   */
  count(): number | null {
    if (this.kind === Kind.Number) return Number.isSafeInteger(this.num) && this.num >= 0 ? this.num : null;
    if (this.kind !== Kind.String) return null;
    const len = this.end - this.start;
    if (len === 0 || len > 15) return null;
    const b = this.b;
    let n = 0;
    for (let p = this.start; p < this.end; p++) {
      const d = b[p]! - 48;
      if (d < 0 || d > 9) return null;
      n = n * 10 + d;
    }
    return n;
  }


  /** `{ "key": value, … }`; at depth 1 only inside `media` are fields kept. */
  object(depth: number, isMedia: boolean): boolean {
    const b = this.b;
    if (isMedia) {
      this.mediaSeen = true;
      this.payloadStart = -1;
      this.payloadEnd = -1;
      this.outbound = false;
      this.timestamp = undefined;
    }
    this.pos++; // {
    this.ws();
    if (b[this.pos] === CLOSE) {
      this.pos++;
      this.kind = Kind.Object;
      return true;
    }
    for (;;) {
      this.ws();
      if (!this.string(true)) return false;
      const key = this.key(depth);
      this.ws();
      if (b[this.pos] !== COLON) return false;
      this.pos++;
      this.ws();
      if (!this.value(depth, key)) return false;
      this.keep(depth, key, isMedia);
      this.ws();
      const c = b[this.pos];
      this.pos++;
      if (c === CLOSE) break;
      if (c !== COMMA) return false;
    }
    this.kind = Kind.Object;
    return true;
  }

  private keep(depth: number, key: Key, isMedia: boolean): void {
    if (key === Key.Other) return;
    if (depth === 0) {
      switch (key) {
        case Key.Event:
          this.isMediaEvent = this.kind === Kind.String && this.is(VALUE_MEDIA);
          return;
        case Key.Sequence:
          this.sequence = this.count();
          return;
        case Key.SequenceSnake:
          this.sequenceSnake = this.count();
          return;
        case Key.Media:
          // A later non-object `media` replaces the object: the general path reports it.
          if (this.kind !== Kind.Object) this.mediaSeen = false;
          return;
        default:
          return;
      }
    }
    if (!isMedia) return;
    switch (key) {
      case Key.Payload:
        if (this.kind === Kind.String) {
          this.payloadStart = this.start;
          this.payloadEnd = this.end;
        } else {
          this.payloadStart = -1;
        }
        return;
      case Key.Track:
        this.outbound = this.kind === Kind.String && (this.is(VALUE_OUTBOUND) || this.is(VALUE_OUTBOUND_TRACK));
        return;
      case Key.Timestamp:
        this.timestamp = this.count();
        return;
      default:
        return;
    }
  }
}

/**
 * Parses a `media` frame the fast way; {@link FALLBACK} when the frame is anything else or not in
 * the subset (see the module comment). `null` for media on the outbound track, as the general path.
 * Throws what the general path throws for an invalid base64 payload.
 */
export function parseMediaFast(data: Buffer): MediaEvent | null | typeof FALLBACK {
  if (data.length < PREFIX.length) return FALLBACK;
  for (let i = 0; i < PREFIX.length; i++) if (data[i] !== PREFIX[i]) return FALLBACK;
  // Escapes anywhere: JSON.parse (one native search instead of a check per string byte).
  if (data.indexOf(BACKSLASH) >= 0) return FALLBACK;
  const s = SCANNER.reset(data);
  const ok = s.object(0, false) && (s.ws(), s.pos === data.length) && s.isMediaEvent && s.mediaSeen && s.payloadStart >= 0;
  if (!ok) {
    s.reset(EMPTY);
    return FALLBACK;
  }
  if (s.outbound) {
    s.reset(EMPTY);
    return null;
  }
  const payload = decodeBase64Bytes(data, s.payloadStart, s.payloadEnd);
  const event: MediaEvent = { type: 'media', payload };
  // `pick(frame, 'sequenceNumber', 'sequence_number')`: the camelCase key wins when present.
  const sequence = s.sequence === undefined ? s.sequenceSnake : s.sequence;
  if (sequence !== undefined && sequence !== null) event.sequence = sequence;
  if (s.timestamp !== undefined && s.timestamp !== null) event.timestampMs = s.timestamp;
  s.reset(EMPTY);
  return event;
}

const SCANNER = new Scanner();
