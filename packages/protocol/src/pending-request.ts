import type { RequestOptions } from './bus.ts';
import { BusError, BusErrorCode } from './errors.ts';

/** How a request's answer comes back: `resolve` with the reply, or `fail`. */
export interface ReplyHandle<Res> {
  resolve(value: Res): void;
  fail(err: BusError): void;
}

/**
 * One request waiting for its answer: settles once, with the reply, a `bus_timeout` after
 * `options.timeoutMs` or when `options.signal` aborts, or the error passed to `fail`. While it
 * waits, its `fail` is in `pending` (the bus fails them all with `bus_closed` when it closes).
 * `send` is called once the request is armed.
 */
export function pendingRequest<Res>(
  subject: string,
  options: RequestOptions,
  pending: Set<(err: BusError) => void>,
  send: (reply: ReplyHandle<Res>) => void,
): Promise<Res> {
  if (options.signal?.aborted) return Promise.reject(new BusError(BusErrorCode.Timeout, `request to ${subject} aborted`, { cause: options.signal.reason }));
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
    send({ resolve: (value) => finish(() => resolve(value)), fail });
  });
}

/**
 * The code a failed responder's error travels with to the requester (`cause.code` of its
 * `bus_remote_error`): the error's own `code` when it is a short identifier, else `internal`.
 */
export function replyErrorCodeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[a-z0-9_.-]{1,64}$/i.test(code) ? code : 'internal';
}
