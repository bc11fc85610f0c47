import type { Bus, Subscription } from '@vr3/protocol';

/** Subject on which replicas serving live-calls streams say so. */
export const PRESENCE_SUBJECT = 'vr3.live.presence';
/** A replica with open streams says so this often, in milliseconds. */
export const PRESENCE_EVERY_MS = 5000;
/** A replica publishes call changes for this long after it last heard of an open stream, in milliseconds. */
export const PRESENCE_TTL_MS = 3 * PRESENCE_EVERY_MS;

/**
 * Whether anybody, on this replica or another, follows live calls: publishing a call change costs a
 * database read, which nobody should pay while no console is open. A replica with open streams
 * publishes on {@link PRESENCE_SUBJECT} when a stream opens and every {@link PRESENCE_EVERY_MS}
 * after; every replica publishes changes while it has streams of its own or heard of some within
 * {@link PRESENCE_TTL_MS}. `close()` is idempotent.
 */
export class LivePresence {
  #heardAt = Number.NEGATIVE_INFINITY;
  readonly #subscription: Subscription;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly bus: Bus,
    private readonly localStreams: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#subscription = bus.subscribe(PRESENCE_SUBJECT, () => {
      this.#heardAt = this.now();
    });
    this.#timer = setInterval(() => {
      if (this.localStreams() > 0) this.announce();
    }, PRESENCE_EVERY_MS);
    this.#timer.unref();
  }

  /** Tells every replica a stream is open here. */
  announce(): void {
    this.bus.publish(PRESENCE_SUBJECT, {});
  }

  /** True while a stream is open here or was open elsewhere recently. */
  get listening(): boolean {
    return this.localStreams() > 0 || this.now() - this.#heardAt < PRESENCE_TTL_MS;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#subscription.unsubscribe();
  }
}
