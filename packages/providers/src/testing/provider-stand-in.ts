/**
 * The provider REST stand-in: one real HTTP server that serves every registered provider's call
 * API (validation, hangup, transfer) from the routes in each provider folder
 * (`src/<provider>/stand-in-routes.ts`). The unit and e2e tests (`startFakeProviderApi`,
 * `startFakeCloudonixApi`) and the simulator (`vr3-sim provider-api`) all run on it.
 */
import { PROVIDER_NAMES } from '../registry.ts';
import type { ProviderName } from '../provider-name.ts';
import { startFakeHttpServer } from './fake-http.ts';
import type { FakeAnswer, FakeHttpServer, RecordedRequest } from './fake-http.ts';
import { startDialBack, type DialBackOptions, type StandInDial } from './dial-back.ts';
import { startStreamBack, type StandInStream, type StreamBackOptions } from './stream-back.ts';
import { STAND_IN_ROUTES } from './stand-in-registry.ts';
import { presentedCredentials } from './stand-in-routes.ts';
import type { StandInMatch, StandInOperation, StandInRequest, StandInRoutes } from './stand-in-routes.ts';

/** The one account a provider accepts, and its secrets (keyed by the provider's credential fields). */
export interface StandInAccount {
  /** The account in request paths; `undefined` accepts any (Cloudonix domains). */
  readonly accountId?: string | undefined;
  readonly credentials: Readonly<Record<string, string>>;
}

/** One provider request as the stand-in saw it (credentials are never kept). */
export interface StandInRecord {
  /** Milliseconds since the stand-in started. */
  atMs: number;
  method: string;
  /** Path without the query string. */
  path: string;
  provider: ProviderName | null;
  operation: StandInOperation | null;
  account: string | null;
  call: string | null;
  /** True when the request carried the expected credentials. */
  authorized: boolean;
  status: number;
  /** Body as text (transfer targets), cut at 2 KiB. */
  body: string;
}

/** A transfer a provider accepted. */
export interface StandInTransfer {
  readonly provider: ProviderName;
  readonly account: string;
  readonly callId: string;
  readonly target: string;
}

/** Options of {@link startProviderStandIn}. */
export interface ProviderStandInOptions {
  /** Interface to bind. Default 127.0.0.1. */
  host?: string | undefined;
  /** Port; 0 picks a free one. Default 0. */
  port?: number | undefined;
  /** Providers whose routes are served. Default: every registered provider. */
  providers?: readonly ProviderName[] | undefined;
  /**
   * Credentials accepted. `{ token }`: every provider accepts any account and user name with
   * `token` as the secret (the simulator). `{ accounts }`: each provider accepts its one account
   * and secrets; a provider left out uses its routes' test account. Default `{ accounts: {} }`.
   */
  auth?: { readonly token: string } | { readonly accounts: Partial<Record<ProviderName, StandInAccount>> } | undefined;
  /** Calls never added or ended are live. Default false: only added calls are. */
  unknownCallsLive?: boolean | undefined;
  /** A successful transfer ends the call (the stream moves on). Default false. */
  transferEndsCall?: boolean | undefined;
  /** Keep raw requests (headers included) in `requests`. Default true. */
  recordRequests?: boolean | undefined;
  /** Provider requests kept in `records` (and raw ones in `requests`); older ones are dropped. Default 10 000. */
  maxRecords?: number | undefined;
  /** Larger request bodies answer 413. Default 1 MiB. */
  maxBodyBytes?: number | undefined;
  /** Answers a request before the provider routes, without delay (control routes). */
  intercept?: ((req: RecordedRequest) => FakeAnswer | undefined) | undefined;
  /** Called after every provider request is answered. */
  onRequest?: ((record: StandInRecord) => void) | undefined;
  /** How placed calls are answered (the dial-back): outcome per number, ring and hold times. */
  dialBack?: DialBackOptions | undefined;
  /** How streams opened on live calls play (the stream-back): longest stream, tone. */
  streamBack?: StreamBackOptions | undefined;
}

/** A running stand-in. */
export interface ProviderStandIn extends FakeHttpServer {
  /** The provider requests answered by the routes, oldest first (never forced or intercepted ones). */
  readonly records: StandInRecord[];
  /** Transfers accepted, in order. */
  readonly transfers: readonly StandInTransfer[];
  /** Calls placed through the stand-in (create-call requests accepted), in order, with their dial-back. */
  readonly dials: readonly StandInDial[];
  /** Streams opened on live calls (Vobiz/Plivo `…/Stream/` requests accepted), in order, with their stream-back. */
  readonly streams: readonly StandInStream[];
  /** The account and secrets `provider` accepts (`undefined` in token mode or for a provider not served). */
  accountOf(provider: ProviderName): StandInAccount | undefined;
  /** Makes a call known with `status` (default `in-progress`; `completed`, `ringing`… are not live). */
  addCall(provider: ProviderName, account: string, call: string, status?: string): void;
  /** Ends a call as if the caller hung up: the provider keeps it `completed` or forgets it. */
  endCall(provider: ProviderName, account: string, call: string): void;
  /** The call's status, `undefined` when the provider does not know it. */
  callStatus(provider: ProviderName, account: string, call: string): string | undefined;
}

/** Defaults of {@link ProviderStandInOptions}. */
export const PROVIDER_STAND_IN_DEFAULTS = Object.freeze({ maxRecords: 10_000, recordBodyChars: 2048 });

const LIVE = 'in-progress';

/** Starts the stand-in on `127.0.0.1:0` (or `host`/`port`). */
export async function startProviderStandIn(options: ProviderStandInOptions = {}): Promise<ProviderStandIn> {
  const served: readonly StandInRoutes[] = (options.providers ?? PROVIDER_NAMES).map((p) => STAND_IN_ROUTES[p]);
  const auth = options.auth ?? { accounts: {} };
  const accounts = new Map<ProviderName, StandInAccount>(
    'accounts' in auth ? served.map((r) => [r.provider, auth.accounts[r.provider] ?? { accountId: r.testAccount, credentials: r.testCredentials }]) : [],
  );
  const maxRecords = options.maxRecords ?? PROVIDER_STAND_IN_DEFAULTS.maxRecords;
  const started = performance.now();
  const records: StandInRecord[] = [];
  const transfers: StandInTransfer[] = [];
  const dials: StandInDial[] = [];
  const streams: StandInStream[] = [];
  /** provider \0 account \0 call → status; `null`: ended and forgotten. */
  const calls = new Map<string, string | null>();
  const pending = new WeakMap<RecordedRequest, StandInRecord>();
  /** The server's raw request log, trimmed with the records (set once the server runs). */
  let requests: RecordedRequest[] = [];

  const key = (routes: StandInRoutes, account: string, call: string): string => `${routes.provider}\0${routes.canonicalAccount(account)}\0${call}`;
  const statusOf = (k: string): string | undefined => {
    const status = calls.has(k) ? calls.get(k) : options.unknownCallsLive ? LIVE : null;
    return status ?? undefined;
  };

  function authorized(routes: StandInRoutes, headers: RecordedRequest['headers'], m: StandInMatch): boolean {
    const presented = presentedCredentials(routes.auth.scheme, headers);
    if (presented === undefined) return false;
    if ('token' in auth) return presented.secret === auth.token;
    const account = accounts.get(routes.provider);
    if (account === undefined) return false;
    if (account.accountId !== undefined && routes.canonicalAccount(m.account) !== routes.canonicalAccount(account.accountId)) return false;
    const user = routes.auth.user === 'account' ? account.accountId ?? m.account : routes.auth.user === undefined ? undefined : account.credentials[routes.auth.user];
    return presented.user === user && presented.secret === account.credentials[routes.auth.secret];
  }

  function route(raw: RecordedRequest): FakeAnswer {
    const [path = '', query = ''] = raw.path.split('?');
    const req: StandInRequest = { method: raw.method, path, query: new URLSearchParams(query), body: raw.body, headers: raw.headers };
    const record: StandInRecord = {
      atMs: Math.round(performance.now() - started),
      method: raw.method,
      path,
      provider: null,
      operation: null,
      account: null,
      call: null,
      authorized: false,
      status: 404,
      body: raw.body.slice(0, PROVIDER_STAND_IN_DEFAULTS.recordBodyChars),
    };
    records.push(record);
    if (records.length > maxRecords) records.splice(0, records.length - maxRecords);
    if (requests.length > maxRecords) requests.splice(0, requests.length - maxRecords);
    pending.set(raw, record);
    for (const routes of served) {
      const read = readAccount(routes, raw, req, record);
      if (read !== null) return read;
      const placed = routes.dialing === undefined ? null : place(routes, routes.dialing, raw, req, record);
      if (placed !== null) return placed;
      const streamed = routes.streaming === undefined ? null : stream(routes, routes.streaming, raw, req, record);
      if (streamed !== null) return streamed;
      const m = routes.match(req);
      if (m === null) continue;
      record.provider = routes.provider;
      if (m === 'method') return { status: 405, body: { error: 'method not allowed' } };
      if (m === 'bad-path') return { status: 400, body: { error: 'bad path' } };
      record.operation = m.operation;
      record.account = m.account;
      record.call = m.call;
      record.authorized = authorized(routes, raw.headers, m);
      if (!record.authorized) return { status: 401, body: { error: 'unauthorized' } };
      const k = key(routes, m.account, m.call);
      const outcome = routes.operate(m, statusOf(k), req);
      if (outcome.next !== undefined) calls.set(k, outcome.next);
      if (outcome.transferredTo !== undefined) {
        transfers.push({ provider: routes.provider, account: m.account, callId: m.call, target: outcome.transferredTo });
        if (options.transferEndsCall) calls.set(k, routes.endedStatus);
      }
      return outcome.answer;
    }
    return { status: 404, body: { error: 'not found' } };
  }

  /** An account read (a credentials check) of `routes`' provider; `null` for another request. */
  function readAccount(routes: StandInRoutes, raw: RecordedRequest, req: StandInRequest, record: StandInRecord): FakeAnswer | null {
    const m = routes.accountRead.match(req);
    if (m === null) return null;
    record.provider = routes.provider;
    if (m === 'method') return { status: 405, body: { error: 'method not allowed' } };
    if (m === 'bad-path') return { status: 400, body: { error: 'bad path' } };
    record.operation = 'account';
    record.account = m.account;
    record.authorized = authorized(routes, raw.headers, { operation: 'account', account: m.account, call: '' });
    if (!record.authorized) return { status: 401, body: { error: 'unauthorized' } };
    return routes.accountRead.answer(m.account);
  }

  /** A create-call request of `routes`' provider, answered and dialled back; `null` for another request. */
  function place(routes: StandInRoutes, dialing: NonNullable<StandInRoutes['dialing']>, raw: RecordedRequest, req: StandInRequest, record: StandInRecord): FakeAnswer | null {
    const m = dialing.match(req);
    if (m === null) return null;
    record.provider = routes.provider;
    if (m === 'method') return { status: 405, body: { error: 'method not allowed' } };
    if (m === 'bad-path') return { status: 400, body: { error: 'bad path' } };
    record.operation = 'place';
    record.account = m.account;
    record.authorized = authorized(routes, raw.headers, { operation: 'place', account: m.account, call: '' });
    if (!record.authorized) return { status: 401, body: { error: 'unauthorized' } };
    const placement = dialing.read(req);
    if ('refusal' in placement) return placement.refusal;
    const callId = dialing.newCallId();
    record.call = callId;
    const k = key(routes, m.account, callId);
    calls.set(k, 'queued');
    const dial = startDialBack(
      {
        provider: routes.provider,
        dialing,
        options: options.dialBack ?? {},
        endedStatus: routes.endedStatus,
        setStatus: (status) => calls.set(k, status),
        credentials: accounts.get(routes.provider)?.credentials ?? {},
      },
      m.account,
      callId,
      placement,
    );
    dials.push(dial);
    if (dials.length > maxRecords) dials.splice(0, dials.length - maxRecords);
    return dialing.accepted(m.account, callId, placement);
  }

  /** A request to open or stop a stream on a call of `routes`' provider; `null` for another request. */
  function stream(routes: StandInRoutes, streaming: NonNullable<StandInRoutes['streaming']>, raw: RecordedRequest, req: StandInRequest, record: StandInRecord): FakeAnswer | null {
    const m = streaming.match(req);
    if (m === null) return null;
    record.provider = routes.provider;
    if (m === 'method') return { status: 405, body: { error: 'method not allowed' } };
    if (m === 'bad-path') return { status: 400, body: { error: 'bad path' } };
    record.operation = m.operation;
    record.account = m.account;
    record.call = m.call;
    record.authorized = authorized(routes, raw.headers, { operation: m.operation, account: m.account, call: m.call });
    if (!record.authorized) return { status: 401, body: { error: 'unauthorized' } };
    if (m.operation === 'detach') {
      const open = streams.find((s) => s.provider === routes.provider && s.callId === m.call && s.streamId === m.streamId && !s.stopped);
      if (open === undefined) return { status: 404, body: { error: 'stream not found' } };
      open.stop();
      return { status: 204 };
    }
    if (statusOf(key(routes, m.account, m.call)) !== LIVE) return { status: 404, body: { error: 'call not found' } };
    const request = streaming.read(req);
    if ('refusal' in request) return request.refusal;
    const streamId = streaming.newStreamId();
    streams.push(startStreamBack({ provider: routes.provider, streaming, options: options.streamBack ?? {} }, m.account, m.call, streamId, request));
    if (streams.length > maxRecords) streams.splice(0, streams.length - maxRecords);
    return streaming.accepted(streamId);
  }

  const server = await startFakeHttpServer(route, {
    host: options.host,
    port: options.port,
    maxBodyBytes: options.maxBodyBytes,
    recordRequests: options.recordRequests,
    intercept: options.intercept,
    onAnswered(raw, answer) {
      const record = pending.get(raw);
      if (record === undefined) return;
      pending.delete(raw);
      record.status = answer.status;
      options.onRequest?.(record);
    },
  });
  requests = server.requests;
  const routesOf = (provider: ProviderName): StandInRoutes | undefined => served.find((r) => r.provider === provider);
  const close = server.close.bind(server);
  return Object.assign(server, {
    records,
    transfers,
    dials,
    streams,
    /** Stops every stream, waits for every dial-back and stream-back to finish, then closes the server. */
    async close() {
      for (const s of streams) if (!s.stopped) s.stop();
      await Promise.allSettled([...dials.map((d) => d.done), ...streams.map((s) => s.done)]);
      await close();
    },
    accountOf: (provider: ProviderName) => accounts.get(provider),
    addCall(provider: ProviderName, account: string, call: string, status = LIVE) {
      const routes = routesOf(provider);
      if (routes) calls.set(key(routes, account, call), status);
    },
    endCall(provider: ProviderName, account: string, call: string) {
      const routes = routesOf(provider);
      if (routes) calls.set(key(routes, account, call), routes.endedStatus);
    },
    callStatus(provider: ProviderName, account: string, call: string) {
      const routes = routesOf(provider);
      return routes ? statusOf(key(routes, account, call)) : undefined;
    },
  });
}
