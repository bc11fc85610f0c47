import type { Bus } from '@vr3/protocol';
import { LIVE_STREAM_DEFAULTS, type LiveStream, type LiveStreamOptions } from './live-stream.ts';
import { LivePresence } from './presence.ts';

/** Options of {@link LiveStreams}. */
export interface LiveStreamsOptions extends LiveStreamOptions {
  /** Open live-calls streams one replica serves at most; past it a new one is refused 503 `too_many_live_streams`. */
  maxStreams: number;
}

/** Defaults of {@link LiveStreamsOptions}. */
export const LIVE_STREAMS_DEFAULTS: LiveStreamsOptions = { ...LIVE_STREAM_DEFAULTS, maxStreams: 1000 };

/**
 * The live-calls streams a replica serves: bounded in number, and all ended by {@link close}
 * (shutdown), so that no stream holds the HTTP server open; browsers reconnect elsewhere. Tells
 * the other replicas when streams are open ({@link LivePresence}): call changes are published
 * only while somebody listens.
 */
export class LiveStreams {
  readonly options: LiveStreamsOptions;
  readonly #streams = new Set<LiveStream>();
  readonly #presence: LivePresence;
  #closed = false;

  constructor(bus: Bus, options: Partial<LiveStreamsOptions> = {}) {
    this.options = { ...LIVE_STREAMS_DEFAULTS, ...options };
    this.#presence = new LivePresence(bus, () => this.#streams.size);
  }

  /** Whether a live-calls stream is open here or on another replica: call changes are worth publishing. */
  get listening(): boolean {
    return this.#presence.listening;
  }

  get size(): number {
    return this.#streams.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** True when another stream may open now. */
  get hasRoom(): boolean {
    return this.#streams.size < this.options.maxStreams;
  }

  /** Tracks `stream` until it ends; ends it at once when the registry is closed. */
  add(stream: LiveStream): void {
    if (this.#closed) return stream.close();
    this.#streams.add(stream);
    this.#presence.announce();
    void stream.done.then(() => this.#streams.delete(stream));
  }

  /** Ends every stream and refuses new ones. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#presence.close();
    for (const stream of this.#streams) stream.close();
    this.#streams.clear();
  }
}
