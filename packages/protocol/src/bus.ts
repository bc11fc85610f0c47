/**
 * The control bus between media-edge pods and control-plane replicas. NATS implements it in
 * distributed mode; {@link createInProcessBus} implements it inside one process. Payloads are JSON.
 */
export interface Bus {
  /**
   * Sends a request and resolves with the first answer. Rejects with a `BusError`:
   * `bus_timeout` after `timeoutMs`, `bus_no_responders` when nobody listens,
   * `bus_remote_error` when the responder threw.
   */
  request<Res = unknown>(subject: string, data: unknown, options: RequestOptions): Promise<Res>;
  /** Answers requests on `subject`. With a `queue`, each request reaches one member of the group. */
  respond(subject: string, handler: RequestHandler, options?: SubscribeOptions): Subscription;
  /** Fire-and-forget message to every subscriber of `subject`. */
  publish(subject: string, data: unknown): void;
  /** Receives published messages on `subject` (exact match, or a trailing `.>` wildcard). */
  subscribe(subject: string, handler: MessageHandler, options?: SubscribeOptions): Subscription;
  /** Stops all subscriptions; pending requests reject with `bus_closed`. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link Bus.request}. */
export interface RequestOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Options of {@link Bus.respond} and {@link Bus.subscribe}. */
export interface SubscribeOptions {
  queue?: string;
}

/** Answers one request; a thrown error reaches the requester as `bus_remote_error`. */
export type RequestHandler = (data: unknown, subject: string) => unknown | Promise<unknown>;

/** Receives one published message. */
export type MessageHandler = (data: unknown, subject: string) => void;

/** A live subscription. */
export interface Subscription {
  unsubscribe(): void;
}
