import type { Bus, MessageHandler, RequestHandler, RequestOptions, SubscribeOptions, Subscription } from './bus.ts';
import { BusError, BusErrorCode } from './errors.ts';
import { pendingRequest } from './pending-request.ts';
import { SubjectTable } from './subject-table.ts';

/**
 * A {@link Bus} inside one process: the embedded default's wiring between control-plane and
 * media-edge. Payloads are JSON round-tripped so they behave as on the wire; queue groups
 * deliver each message to one member, round-robin.
 */
export function createInProcessBus(): Bus {
  const responders = new SubjectTable<RequestHandler>();
  const subscribers = new SubjectTable<MessageHandler>();
  const pending = new Set<(err: BusError) => void>();
  let closed = false;

  const wire = (data: unknown): unknown => (data === undefined ? undefined : JSON.parse(JSON.stringify(data)));

  return {
    request<Res>(subject: string, data: unknown, options: RequestOptions): Promise<Res> {
      if (closed) return Promise.reject(new BusError(BusErrorCode.Closed, 'bus closed'));
      const [target] = responders.match(subject);
      if (!target) return Promise.reject(new BusError(BusErrorCode.NoResponders, `no responders for ${subject}`, { retryable: true }));
      const payload = wire(data);
      return pendingRequest<Res>(subject, options, pending, (reply) => {
        queueMicrotask(() => {
          Promise.resolve()
            .then(() => target(payload, subject))
            .then(
              (res) => reply.resolve(wire(res) as Res),
              (err: unknown) => reply.fail(new BusError(BusErrorCode.Remote, `responder for ${subject} failed`, { cause: err })),
            );
        });
      });
    },
    respond(subject: string, handler: RequestHandler, options: SubscribeOptions = {}): Subscription {
      return responders.add(subject, handler, options.queue);
    },
    publish(subject: string, data: unknown): void {
      if (closed) return;
      const payload = wire(data);
      for (const handler of subscribers.match(subject)) {
        queueMicrotask(() => handler(payload, subject));
      }
    },
    subscribe(subject: string, handler: MessageHandler, options: SubscribeOptions = {}): Subscription {
      return subscribers.add(subject, handler, options.queue);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      responders.clear();
      subscribers.clear();
      for (const fail of [...pending]) fail(new BusError(BusErrorCode.Closed, 'bus closed'));
    },
  };
}
