/**
 * Gathers the caller's key presses into one message: the digits go out together
 * `debounceMs` after the last key, at once on `#`, or when `maxDigits` were pressed. One owned
 * timer, cleared by {@link DtmfCollector.close}.
 */

/** Options of {@link DtmfCollector}. */
export interface DtmfCollectorOptions {
  debounceMs: number;
  maxDigits: number;
}

/** See the module comment. */
export class DtmfCollector {
  readonly #send: (digits: string) => void;
  readonly #options: DtmfCollectorOptions;
  #digits = '';
  #timer: NodeJS.Timeout | undefined;

  constructor(send: (digits: string) => void, options: DtmfCollectorOptions) {
    this.#send = send;
    this.#options = options;
  }

  /** A key was pressed. */
  press(digit: string): void {
    this.#digits += digit;
    this.#stopTimer();
    if (digit === '#' || this.#digits.length >= this.#options.maxDigits) return this.flush();
    this.#timer = setTimeout(() => this.flush(), this.#options.debounceMs);
  }

  /** Sends the digits pressed so far, if any. */
  flush(): void {
    this.#stopTimer();
    const digits = this.#digits;
    this.#digits = '';
    if (digits !== '') this.#send(digits);
  }

  /** Drops what was pressed and the timer. Idempotent. */
  close(): void {
    this.#stopTimer();
    this.#digits = '';
  }

  #stopTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
