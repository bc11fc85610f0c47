import type { MessagePort } from 'node:worker_threads';

/** The end of a channel between the product's threads (a `Worker` or `parentPort` fits). */
export interface RpcPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

type RpcMessage =
  | { rpc: 'call'; id: number; method: string; arg: unknown }
  | { rpc: 'return'; id: number; value: unknown }
  | { rpc: 'throw'; id: number; message: string; code: string | undefined };

/** An error thrown by the other thread's handler: its message and `code` cross, not its stack. */
export class RemoteCallError extends Error {
  readonly code: string | undefined;
  constructor(method: string, message: string, code: string | undefined) {
    super(`${method}: ${message}`);
    this.name = 'RemoteCallError';
    this.code = code;
  }
}

/** Calls between two threads: each end handles named methods and calls the other's. */
export interface Rpc {
  handle(method: string, handler: (arg: unknown) => unknown): void;
  call<T>(method: string, arg?: unknown): Promise<T>;
  /** Fails every call still waiting (the other thread is gone). */
  abort(reason: Error): void;
}

/** See {@link Rpc}. Values cross by structured clone. */
export function createRpc(port: RpcPort | MessagePort): Rpc {
  const handlers = new Map<string, (arg: unknown) => unknown>();
  const waiting = new Map<number, { method: string; resolve(value: unknown): void; reject(err: Error): void }>();
  let nextId = 1;
  port.on('message', (raw: unknown) => {
    const message = raw as RpcMessage;
    if (typeof message !== 'object' || message === null || !('rpc' in message)) return;
    if (message.rpc === 'call') {
      const handler = handlers.get(message.method);
      Promise.resolve()
        .then(() => {
          if (!handler) throw new Error(`no handler for ${message.method}`);
          return handler(message.arg);
        })
        .then(
          (value) => port.postMessage({ rpc: 'return', id: message.id, value } satisfies RpcMessage),
          (err: unknown) => {
            const e = err as { message?: unknown; code?: unknown } | null;
            port.postMessage({
              rpc: 'throw',
              id: message.id,
              message: typeof e?.message === 'string' ? e.message : String(err),
              code: typeof e?.code === 'string' ? e.code : undefined,
            } satisfies RpcMessage);
          },
        );
      return;
    }
    const call = waiting.get(message.id);
    if (!call) return;
    waiting.delete(message.id);
    if (message.rpc === 'return') call.resolve(message.value);
    else call.reject(new RemoteCallError(call.method, message.message, message.code));
  });
  return {
    handle(method, handler) {
      handlers.set(method, handler);
    },
    call<T>(method: string, arg?: unknown): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { method, resolve: resolve as (value: unknown) => void, reject });
        port.postMessage({ rpc: 'call', id, method, arg } satisfies RpcMessage);
      });
    },
    abort(reason) {
      for (const call of waiting.values()) call.reject(reason);
      waiting.clear();
    },
  };
}
