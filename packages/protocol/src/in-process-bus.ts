import type { Bus, MessageHandler, RequestHandler, RequestOptions, SubscribeOptions, Subscription } from './bus.ts';
import { BusError, BusErrorCode } from './errors.ts';

interface Entry<H> {
  handler: H;
  queue: string | undefined;
}

/**
 * A {@link Bus} inside one process: the embedded default's wiring between control-plane and
 * media-edge. Payloads are JSON round-tripped so they behave as on the wire; queue groups
 * deliver each message to one member, round-robin.
 */
export function createInProcessBus(): Bus {
  const responders = new Map<string, Entry<RequestHandler>[]>();
  const subscribers = new Map<string, Entry<MessageHandler>[]>();
  const cursors = new Map<string, number>();
  const pending = new Set<(err: BusError) => void>();
  let closed = false;

  const add = <H>(map: Map<string, Entry<H>[]>, subject: string, entry: Entry<H>): Subscription => {
    const list = map.get(subject) ?? [];
    list.push(entry);
    map.set(subject, list);
    return {
      unsubscribe() {
        const current = map.get(subject);
        if (!current) return;
        const next = current.filter((e) => e !== entry);
        if (next.length === 0) map.delete(subject);
        else map.set(subject, next);
      },
    };
  };

  /** One entry per queue group (round-robin) plus every entry without a group. */
  const pick = <H>(key: string, entries: Entry<H>[]): Entry<H>[] => {
    const out: Entry<H>[] = [];
    const groups = new Map<string, Entry<H>[]>();
    for (const e of entries) {
      if (e.queue === undefined) out.push(e);
      else groups.set(e.queue, [...(groups.get(e.queue) ?? []), e]);
    }
    for (const [queue, members] of groups) {
      const cursorKey = `${key}\u0000${queue}`;
      const n = cursors.get(cursorKey) ?? 0;
      cursors.set(cursorKey, n + 1);
      out.push(members[n % members.length]!);
    }
    return out;
  };

  const matching = <H>(map: Map<string, Entry<H>[]>, subject: string): Entry<H>[] => {
    const out: Entry<H>[] = [];
    for (const [pattern, entries] of map) {
      if (pattern === subject || (pattern.endsWith('.>') && subject.startsWith(pattern.slice(0, -1)))) {
        out.push(...pick(pattern, entries));
      }
    }
    return out;
  };

  const wire = (data: unknown): unknown => (data === undefined ? undefined : JSON.parse(JSON.stringify(data)));

  return {
    request<Res>(subject: string, data: unknown, options: RequestOptions): Promise<Res> {
      if (closed) return Promise.reject(new BusError(BusErrorCode.Closed, 'bus closed'));
      const [target] = matching(responders, subject);
      if (!target) return Promise.reject(new BusError(BusErrorCode.NoResponders, `no responders for ${subject}`, { retryable: true }));
      const payload = wire(data);
      return new Promise<Res>((resolve, reject) => {
        let settled = false;
        const finish = (fn: () => void): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          pending.delete(fail);
          options.signal?.removeEventListener('abort', onAbort);
          fn();
        };
        const fail = (err: BusError): void => finish(() => reject(err));
        const onAbort = (): void => fail(new BusError(BusErrorCode.Timeout, `request to ${subject} aborted`, { cause: options.signal?.reason }));
        const timer = setTimeout(() => fail(new BusError(BusErrorCode.Timeout, `request to ${subject} timed out`, { retryable: true })), options.timeoutMs);
        pending.add(fail);
        options.signal?.addEventListener('abort', onAbort, { once: true });
        queueMicrotask(() => {
          Promise.resolve()
            .then(() => target.handler(payload, subject))
            .then(
              (res) => finish(() => resolve(wire(res) as Res)),
              (err: unknown) => fail(new BusError(BusErrorCode.Remote, `responder for ${subject} failed`, { cause: err })),
            );
        });
      });
    },
    respond(subject: string, handler: RequestHandler, options: SubscribeOptions = {}): Subscription {
      return add(responders, subject, { handler, queue: options.queue });
    },
    publish(subject: string, data: unknown): void {
      if (closed) return;
      const payload = wire(data);
      for (const entry of matching(subscribers, subject)) {
        queueMicrotask(() => entry.handler(payload, subject));
      }
    },
    subscribe(subject: string, handler: MessageHandler, options: SubscribeOptions = {}): Subscription {
      return add(subscribers, subject, { handler, queue: options.queue });
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
