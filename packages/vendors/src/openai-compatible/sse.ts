/**
 * Incremental Server-Sent Events decoder: fed bytes as they arrive, returns the `data` of each
 * complete event. Pure (no I/O, no timers). Lines end in LF, CRLF or CR; `data:` lines of one
 * event are joined with LF; comments (`:` keep-alives), `id`, `retry` and `event` are ignored.
 * A line, or an event's joined data, longer than the cap throws {@link SseLineTooLongError} without
 * buffering more than the cap plus one chunk.
 */

/** A line or event longer than the decoder's cap. */
export class SseLineTooLongError extends Error {
  constructor(readonly maxLineBytes: number) {
    super(`SSE line exceeds ${maxLineBytes} bytes`);
    this.name = 'SseLineTooLongError';
  }
}

const LF = 0x0a;
const CR = 0x0d;

/** Decodes one SSE stream. Not reusable across streams without {@link SseDecoder.reset}. */
export class SseDecoder {
  readonly #maxLineBytes: number;
  readonly #utf8 = new TextDecoder('utf-8');
  /** Bytes of the line in progress, in arrival order. */
  #partial: Buffer[] = [];
  #partialBytes = 0;
  /** The previous chunk ended in CR: a leading LF of the next one belongs to it. */
  #afterCr = false;
  /** `data` values of the event in progress. */
  #data: string[] = [];
  #dataBytes = 0;

  constructor(maxLineBytes: number) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes <= 0) throw new RangeError('maxLineBytes must be a positive integer');
    this.#maxLineBytes = maxLineBytes;
  }

  /** Feeds `chunk`; returns the data of every event it completed (possibly none). */
  write(chunk: Uint8Array): string[] {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const events: string[] = [];
    let start = 0;
    if (this.#afterCr && bytes.length > 0) {
      this.#afterCr = false;
      if (bytes[0] === LF) start = 1;
    }
    for (let i = start; i < bytes.length; i++) {
      const b = bytes[i];
      if (b !== LF && b !== CR) continue;
      this.#line(bytes.subarray(start, i), events);
      if (b === CR) {
        if (i + 1 < bytes.length) {
          if (bytes[i + 1] === LF) i++;
        } else this.#afterCr = true;
      }
      start = i + 1;
    }
    if (start < bytes.length) {
      const rest = bytes.subarray(start);
      this.#partialBytes += rest.length;
      if (this.#partialBytes > this.#maxLineBytes) throw new SseLineTooLongError(this.#maxLineBytes);
      this.#partial.push(rest);
    }
    return events;
  }

  /** The end of the stream: a last line without its terminator and an undispatched event count. */
  flush(): string[] {
    const events: string[] = [];
    if (this.#partialBytes > 0) this.#line(Buffer.alloc(0), events);
    if (this.#data.length > 0) this.#dispatch(events);
    this.reset();
    return events;
  }

  /** Forgets everything buffered. */
  reset(): void {
    this.#partial = [];
    this.#partialBytes = 0;
    this.#afterCr = false;
    this.#data = [];
    this.#dataBytes = 0;
  }

  #line(tail: Buffer, events: string[]): void {
    let line: Buffer = tail;
    if (this.#partialBytes > 0) {
      if (this.#partialBytes + tail.length > this.#maxLineBytes) throw new SseLineTooLongError(this.#maxLineBytes);
      this.#partial.push(tail);
      line = Buffer.concat(this.#partial, this.#partialBytes + tail.length);
      this.#partial = [];
      this.#partialBytes = 0;
    } else if (tail.length > this.#maxLineBytes) throw new SseLineTooLongError(this.#maxLineBytes);
    if (line.length === 0) {
      if (this.#data.length > 0) this.#dispatch(events);
      return;
    }
    if (line[0] === 0x3a /* ':' comment */) return;
    const text = this.#utf8.decode(line);
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    if (field !== 'data') return;
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    this.#dataBytes += line.length;
    if (this.#dataBytes > this.#maxLineBytes) throw new SseLineTooLongError(this.#maxLineBytes);
    this.#data.push(value);
  }

  #dispatch(events: string[]): void {
    events.push(this.#data.length === 1 ? this.#data[0]! : this.#data.join('\n'));
    this.#data = [];
    this.#dataBytes = 0;
  }
}
