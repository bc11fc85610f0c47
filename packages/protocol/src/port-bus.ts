import type { Bus, MessageHandler, RequestHandler, RequestOptions, SubscribeOptions, Subscription } from './bus.ts';
import { BusError, BusErrorCode } from './errors.ts';
import { pendingRequest, replyErrorCodeOf } from './pending-request.ts';
import { SubjectTable, subjectMatches } from './subject-table.ts';

/** One end of a message channel (a `worker_threads` `MessagePort` fits). */
export interface BusPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  close(): void;
}

/** What the two ends of a port bus tell each other. Payloads travel as JSON text, as on the wire. */
type PortMessage =
  | { t: 'sub'; kind: 'respond' | 'subscribe'; id: number; subject: string }
  | { t: 'unsub'; kind: 'respond' | 'subscribe'; id: number }
  | { t: 'req'; id: number; subject: string; data: string | undefined }
  | { t: 'res'; id: number; data: string | undefined; error?: string }
  | { t: 'pub'; subject: string; data: string | undefined };

const encode = (data: unknown): string | undefined => (data === undefined ? undefined : JSON.stringify(data));
const decode = (text: string | undefined): unknown => (text === undefined ? undefined : JSON.parse(text));

/**
 * A {@link Bus} split across two threads: each end serves its own responders and subscribers and
 * reaches the other end's over `port`. A request goes to a responder on this end if there is one,
 * else to the other end; a message is delivered on both ends. Each end tells the other which
 * subjects it listens on, so nothing crosses the port that nobody there would take. A queue group
 * balances within one end: keep each group's members on one end.
 * Errors travel as on NATS: a responder's failure arrives as `bus_remote_error` with `cause.code`.
 */
export function createPortBus(port: BusPort): Bus {
  const responders = new SubjectTable<RequestHandler>();
  const subscribers = new SubjectTable<MessageHandler>();
  /** The other end's listeners, by the id it gave them. */
  const remote = { respond: new Map<number, string>(), subscribe: new Map<number, string>() };
  const pending = new Set<(err: BusError) => void>();
  const replies = new Map<number, { resolve(value: unknown): void; fail(err: BusError): void }>();
  let nextId = 1;
  let closed = false;

  const post = (message: PortMessage): void => {
    if (!closed) port.postMessage(message);
  };
  const remoteListens = (kind: 'respond' | 'subscribe', subject: string): boolean => {
    for (const pattern of remote[kind].values()) if (subjectMatches(pattern, subject)) return true;
    return false;
  };
  const listen = <H>(kind: 'respond' | 'subscribe', table: SubjectTable<H>, subject: string, handler: H, queue: string | undefined): Subscription => {
    if (closed) throw new BusError(BusErrorCode.Closed, 'bus closed');
    const id = nextId++;
    const local = table.add(subject, handler, queue);
    post({ t: 'sub', kind, id, subject });
    return {
      unsubscribe() {
        local.unsubscribe();
        post({ t: 'unsub', kind, id });
      },
    };
  };
  const answer = (id: number, subject: string, data: string | undefined): void => {
    const [target] = responders.match(subject);
    if (!target) {
      post({ t: 'res', id, data: undefined, error: BusErrorCode.NoResponders });
      return;
    }
    Promise.resolve()
      .then(() => target(decode(data), subject))
      .then(
        (res) => post({ t: 'res', id, data: encode(res) }),
        (err: unknown) => post({ t: 'res', id, data: undefined, error: replyErrorCodeOf(err) }),
      );
  };
  const deliver = (subject: string, data: string | undefined): void => {
    const handlers = subscribers.match(subject);
    if (handlers.length === 0) return;
    const payload = decode(data);
    for (const handler of handlers) handler(payload, subject);
  };
  const shutDown = (): void => {
    if (closed) return;
    closed = true;
    responders.clear();
    subscribers.clear();
    remote.respond.clear();
    remote.subscribe.clear();
    for (const fail of [...pending]) fail(new BusError(BusErrorCode.Closed, 'bus closed'));
  };

  port.on('message', (raw) => {
    if (closed) return;
    const message = raw as PortMessage;
    switch (message.t) {
      case 'sub':
        remote[message.kind].set(message.id, message.subject);
        return;
      case 'unsub':
        remote[message.kind].delete(message.id);
        return;
      case 'req':
        answer(message.id, message.subject, message.data);
        return;
      case 'res': {
        const reply = replies.get(message.id);
        if (!reply) return;
        if (message.error === BusErrorCode.NoResponders) reply.fail(new BusError(BusErrorCode.NoResponders, 'no responders', { retryable: true }));
        else if (message.error !== undefined) reply.fail(new BusError(BusErrorCode.Remote, 'responder failed', { cause: { code: message.error } }));
        else {
          try {
            reply.resolve(decode(message.data));
          } catch (err) {
            reply.fail(new BusError(BusErrorCode.BadMessage, 'bad reply', { cause: err }));
          }
        }
        return;
      }
      case 'pub':
        deliver(message.subject, message.data);
        return;
    }
  });
  port.on('close', shutDown);

  return {
    request<Res>(subject: string, data: unknown, options: RequestOptions): Promise<Res> {
      if (closed) return Promise.reject(new BusError(BusErrorCode.Closed, 'bus closed'));
      const [local] = responders.match(subject);
      if (local) {
        const payload = decode(encode(data));
        return pendingRequest<Res>(subject, options, pending, (reply) => {
          Promise.resolve()
            .then(() => local(payload, subject))
            .then(
              (res) => reply.resolve(decode(encode(res)) as Res),
              (err: unknown) => reply.fail(new BusError(BusErrorCode.Remote, `responder for ${subject} failed`, { cause: err })),
            );
        });
      }
      if (!remoteListens('respond', subject)) return Promise.reject(new BusError(BusErrorCode.NoResponders, `no responders for ${subject}`, { retryable: true }));
      const id = nextId++;
      const text = encode(data);
      const sent = pendingRequest<Res>(subject, options, pending, (reply) => {
        replies.set(id, reply as { resolve(value: unknown): void; fail(err: BusError): void });
        post({ t: 'req', id, subject, data: text });
      });
      const forget = (): void => {
        replies.delete(id);
      };
      sent.then(forget, forget);
      return sent;
    },
    respond(subject: string, handler: RequestHandler, options: SubscribeOptions = {}): Subscription {
      return listen('respond', responders, subject, handler, options.queue);
    },
    publish(subject: string, data: unknown): void {
      if (closed) return;
      const text = encode(data);
      const handlers = subscribers.match(subject);
      if (handlers.length > 0) {
        const payload = decode(text);
        for (const handler of handlers) queueMicrotask(() => handler(payload, subject));
      }
      if (remoteListens('subscribe', subject)) post({ t: 'pub', subject, data: text });
    },
    subscribe(subject: string, handler: MessageHandler, options: SubscribeOptions = {}): Subscription {
      return listen('subscribe', subscribers, subject, handler, options.queue);
    },
    async close(): Promise<void> {
      if (closed) return;
      shutDown();
      port.close();
    },
  };
}
