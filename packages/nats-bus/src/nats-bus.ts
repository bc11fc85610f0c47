import { BusError, BusErrorCode, pendingRequest, replyErrorCodeOf, type Bus, type MessageHandler, type RequestHandler, type RequestOptions, type SubscribeOptions, type Subscription } from '@vr3/protocol';
import { ErrorCode, headers, type Msg, type NatsConnection, type NatsError, type Subscription as NatsSubscription } from 'nats';
import { decodePayload, encodePayload, ERROR_HEADER } from './codec.ts';

/** The few logger methods the bus uses (pino-compatible). */
export interface BusLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Options of {@link createNatsBus}. */
export interface NatsBusOptions {
  /** Receives responder and subscriber failures (with their cause). Silent when absent. */
  logger?: BusLogger;
}

/**
 * A {@link Bus} over an already-open NATS connection: requests are NATS request/reply (a
 * `bus_no_responders` answer comes back at once when nobody listens, `bus_timeout` after
 * `timeoutMs` otherwise), queue groups are NATS queue groups, payloads are JSON.
 *
 * The connection belongs to the caller: {@link Bus.close} unsubscribes what this bus subscribed
 * and rejects its pending requests with `bus_closed`, but neither drains nor closes the
 * connection. Reconnects are the client's: subscriptions are restored by it, and a request made
 * while disconnected fails with `bus_timeout` unless the connection returns in time.
 */
export function createNatsBus(nc: NatsConnection, options: NatsBusOptions = {}): Bus {
  const log = options.logger;
  const subscriptions = new Set<NatsSubscription>();
  const pending = new Set<(err: BusError) => void>();
  let closed = false;

  const track = (sub: NatsSubscription): Subscription => {
    subscriptions.add(sub);
    return {
      unsubscribe() {
        if (!subscriptions.delete(sub)) return;
        try {
          sub.unsubscribe();
        } catch (err) {
          log?.warn({ err, subject: sub.getSubject() }, 'nats unsubscribe failed');
        }
      },
    };
  };

  const reply = (msg: Msg, data: unknown, errorCode?: string): void => {
    if (!msg.reply) return;
    try {
      if (errorCode === undefined) {
        msg.respond(encodePayload(data));
      } else {
        const h = headers();
        h.set(ERROR_HEADER, errorCode);
        msg.respond(encodePayload(undefined), { headers: h });
      }
    } catch (err) {
      log?.warn({ err, subject: msg.subject }, 'nats reply failed');
    }
  };

  const answer = async (msg: Msg, handler: RequestHandler): Promise<void> => {
    try {
      const result = await handler(decodePayload(msg.data, msg.subject), msg.subject);
      reply(msg, result);
    } catch (err) {
      log?.error({ err, subject: msg.subject }, 'bus responder failed');
      reply(msg, undefined, replyErrorCodeOf(err));
    }
  };

  return {
    request<Res>(subject: string, data: unknown, opts: RequestOptions): Promise<Res> {
      if (closed) return Promise.reject(new BusError(BusErrorCode.Closed, 'bus closed'));
      return pendingRequest<Res>(subject, opts, pending, (reply) => {
        let sent: Promise<Msg>;
        try {
          sent = nc.request(subject, encodePayload(data), { timeout: Math.max(1, Math.floor(opts.timeoutMs)) });
        } catch (err) {
          reply.fail(toBusError(err, subject));
          return;
        }
        sent.then(
          (msg) => {
            const remote = msg.headers?.get(ERROR_HEADER);
            if (remote) return reply.fail(new BusError(BusErrorCode.Remote, `responder for ${subject} failed`, { cause: { code: remote } }));
            try {
              reply.resolve(decodePayload(msg.data, subject) as Res);
            } catch (err) {
              reply.fail(err instanceof BusError ? err : new BusError(BusErrorCode.BadMessage, `bad reply on ${subject}`, { cause: err }));
            }
          },
          (err: unknown) => reply.fail(toBusError(err, subject)),
        );
      });
    },

    respond(subject: string, handler: RequestHandler, opts: SubscribeOptions = {}): Subscription {
      if (closed) throw new BusError(BusErrorCode.Closed, 'bus closed');
      const sub = nc.subscribe(subject, {
        ...(opts.queue === undefined ? {} : { queue: opts.queue }),
        callback: (err, msg) => {
          if (err) return log?.warn({ err, subject }, 'nats subscription error');
          void answer(msg, handler);
        },
      });
      return track(sub);
    },

    publish(subject: string, data: unknown): void {
      if (closed) return;
      nc.publish(subject, encodePayload(data));
    },

    subscribe(subject: string, handler: MessageHandler, opts: SubscribeOptions = {}): Subscription {
      if (closed) throw new BusError(BusErrorCode.Closed, 'bus closed');
      const sub = nc.subscribe(subject, {
        ...(opts.queue === undefined ? {} : { queue: opts.queue }),
        callback: (err, msg) => {
          if (err) return log?.warn({ err, subject }, 'nats subscription error');
          try {
            handler(decodePayload(msg.data, msg.subject), msg.subject);
          } catch (handlerErr) {
            log?.error({ err: handlerErr, subject: msg.subject }, 'bus subscriber failed');
          }
        },
      });
      return track(sub);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const sub of [...subscriptions]) {
        subscriptions.delete(sub);
        try {
          sub.unsubscribe();
        } catch (err) {
          log?.warn({ err }, 'nats unsubscribe failed');
        }
      }
      for (const fail of [...pending]) fail(new BusError(BusErrorCode.Closed, 'bus closed'));
    },
  };
}

/** Maps a NATS client error to the bus error table. */
function toBusError(err: unknown, subject: string): BusError {
  const code = (err as Partial<NatsError> | null)?.code;
  switch (code) {
    case ErrorCode.NoResponders:
      return new BusError(BusErrorCode.NoResponders, `no responders for ${subject}`, { retryable: true, cause: err });
    case ErrorCode.Timeout:
      return new BusError(BusErrorCode.Timeout, `request to ${subject} timed out`, { retryable: true, cause: err });
    case ErrorCode.ConnectionClosed:
    case ErrorCode.ConnectionDraining:
      return new BusError(BusErrorCode.Closed, 'nats connection closed', { cause: err });
    default:
      // Disconnected, stale connection and the like: the caller may try again.
      return new BusError(BusErrorCode.Timeout, `request to ${subject} failed`, { retryable: true, cause: err });
  }
}
