import { Events, type NatsConnection } from 'nats';
import type { BusLogger } from './nats-bus.ts';

/** What the app needs to know about its NATS connection (readiness, liveness judgements). */
export interface ConnectionState {
  /** True while connected (false between a disconnect and the next reconnect, and once closed). */
  readonly connected: boolean;
  /** `Date.now()` of the latest (re)connect; while disconnected, of the disconnect. */
  readonly since: number;
  /** Reconnects seen so far. */
  readonly reconnects: number;
  /** Stops watching (the status iterator ends when the connection closes anyway). */
  stop(): void;
}

/** Options of {@link watchConnection}. */
export interface WatchConnectionOptions {
  /** Logs disconnects at `warn`, reconnects and server errors. */
  logger?: BusLogger & { info(obj: object, msg: string): void };
  /** Called on every change of `connected`. */
  onChange?: (connected: boolean) => void;
}

/**
 * Follows an open connection's status events: the client reconnects by itself (subscriptions
 * included); this only tells the app whether it is connected now, and since when.
 */
export function watchConnection(nc: NatsConnection, options: WatchConnectionOptions = {}): ConnectionState {
  const log = options.logger;
  let connected = !nc.isClosed();
  let since = Date.now();
  let reconnects = 0;
  let stopped = false;
  const set = (value: boolean): void => {
    since = Date.now();
    if (connected === value) return;
    connected = value;
    options.onChange?.(value);
  };
  void (async () => {
    for await (const status of nc.status()) {
      if (stopped) break;
      switch (status.type) {
        case Events.Disconnect:
          log?.warn({ server: String(status.data) }, 'nats disconnected');
          set(false);
          break;
        case Events.Reconnect:
          reconnects += 1;
          log?.info({ server: String(status.data), reconnects }, 'nats reconnected');
          set(true);
          break;
        case Events.LDM:
          log?.warn({ server: String(status.data) }, 'nats server entering lame duck mode');
          break;
        case Events.Error:
          log?.error({ err: status.data }, 'nats async error');
          break;
        default:
          break;
      }
    }
  })();
  void nc.closed().then(() => {
    if (!stopped) set(false);
  });
  return {
    get connected() {
      return connected && !nc.isClosed();
    },
    get since() {
      return since;
    },
    get reconnects() {
      return reconnects;
    },
    stop() {
      stopped = true;
    },
  };
}
