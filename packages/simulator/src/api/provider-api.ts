/**
 * A local stand-in for the telephony providers' REST APIs (call validation, hangup, transfer), so
 * the whole product runs on one machine without a provider account. A real HTTP server on
 * 127.0.0.1 that records every request.
 *
 * Calls are live unless ended (by a hangup, or `DELETE /_sim/calls/…`); with `strict`, only calls
 * registered through `POST /_sim/calls` are live, as on a real provider where the call exists
 * before its stream does. Control routes (`/_sim/…`) need no credentials.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { authorized, PROVIDER_ROUTES, type ApiOperation, type ProviderRoutes } from './routes.ts';

/** One provider REST request as the stand-in saw it (credentials are never kept). */
export interface ApiRequestRecord {
  /** Milliseconds since the stand-in started. */
  atMs: number;
  method: string;
  /** Path without the query string. */
  path: string;
  provider: string | null;
  operation: ApiOperation | null;
  account: string | null;
  call: string | null;
  /** True when the request carried the expected credentials. */
  authorized: boolean;
  status: number;
  /** Body as text (transfer targets), cut at 2 KiB. */
  body: string;
}

/** Options of {@link startProviderApi}. */
export interface ProviderApiOptions {
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 picks a free one. Default 0. */
  port?: number;
  /**
   * The credential every provider's requests must carry: the Bearer token (Cloudonix), the Basic
   * password (Twilio, Plivo, Exotel; any user name) or `X-Auth-Token` (Vobiz). Default `vr3-sim-token`.
   */
  token?: string;
  /** Only registered calls are live. Default false. */
  strict?: boolean;
  /** Delay before every provider answer, ms (a slow provider). Default 0. */
  delayMs?: number;
  /** Requests kept in {@link ProviderApi.requests}; older ones are dropped. Default 10 000. */
  maxRecords?: number;
  /** Called after every provider request is answered. */
  onRequest?: (record: ApiRequestRecord) => void;
}

/** A running stand-in. */
export interface ProviderApi {
  /** Base URL, e.g. `http://127.0.0.1:41234`: the telephony configuration's `api_base_url`. */
  readonly url: string;
  readonly token: string;
  /** The most recent provider requests, oldest first. */
  readonly requests: readonly ApiRequestRecord[];
  /** Makes a call live. */
  addCall(provider: string, account: string, call: string): void;
  /** Ends a call: it answers 404 from now on. */
  endCall(provider: string, account: string, call: string): void;
  /** Stops the server and drops open connections. Idempotent. */
  close(): Promise<void>;
}

/** Defaults of {@link ProviderApiOptions}. */
export const PROVIDER_API_DEFAULTS = { host: '127.0.0.1', port: 0, token: 'vr3-sim-token', strict: false, delayMs: 0, maxRecords: 10_000 } as const;

const MAX_BODY_BYTES = 64 * 1024;
const CALLS_PATH = /^\/_sim\/calls(?:\/([^/]+)\/([^/]+)\/([^/]+))?$/;

/** Starts the stand-in. */
export async function startProviderApi(options: ProviderApiOptions = {}): Promise<ProviderApi> {
  const token = options.token ?? PROVIDER_API_DEFAULTS.token;
  const strict = options.strict ?? PROVIDER_API_DEFAULTS.strict;
  const delayMs = options.delayMs ?? PROVIDER_API_DEFAULTS.delayMs;
  const maxRecords = options.maxRecords ?? PROVIDER_API_DEFAULTS.maxRecords;
  const started = performance.now();
  const requests: ApiRequestRecord[] = [];
  /** provider \0 account \0 call → live? (absent: live unless strict). */
  const calls = new Map<string, boolean>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const routesOf = (provider: string): ProviderRoutes | undefined => PROVIDER_ROUTES.find((r) => r.provider === provider);
  const key = (routes: ProviderRoutes, account: string, call: string): string => `${routes.provider}\0${routes.canonicalAccount(account)}\0${call}`;
  const isLive = (k: string): boolean => calls.get(k) ?? !strict;

  function send(res: ServerResponse, status: number, body?: unknown): void {
    if (res.destroyed || res.writableEnded) return;
    if (body === undefined) {
      res.writeHead(status).end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  }

  function control(req: IncomingMessage, res: ServerResponse, path: string, body: string): void {
    if (path === '/_sim/health') return send(res, 200, { status: 'ok' });
    if (path === '/_sim/requests') {
      if (req.method === 'GET') return send(res, 200, { requests });
      if (req.method === 'DELETE') {
        requests.length = 0;
        return send(res, 204);
      }
      return send(res, 405, { error: 'method not allowed' });
    }
    const m = CALLS_PATH.exec(path);
    if (!m) return send(res, 404, { error: 'not found' });
    if (req.method === 'POST' && m[1] === undefined) {
      let parsed: { provider?: unknown; account?: unknown; call?: unknown };
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        return send(res, 400, { error: 'body must be JSON {provider, account, call}' });
      }
      const routes = typeof parsed.provider === 'string' ? routesOf(parsed.provider) : undefined;
      if (!routes || typeof parsed.account !== 'string' || typeof parsed.call !== 'string') {
        return send(res, 400, { error: 'body must be JSON {provider, account, call} with a known provider' });
      }
      calls.set(key(routes, parsed.account, parsed.call), true);
      return send(res, 201, { live: true });
    }
    if (req.method === 'DELETE' && m[1] !== undefined) {
      const routes = routesOf(decodeURIComponent(m[1]));
      if (!routes) return send(res, 404, { error: 'unknown provider' });
      calls.set(key(routes, decodeURIComponent(m[2]!), decodeURIComponent(m[3]!)), false);
      return send(res, 204);
    }
    return send(res, 405, { error: 'method not allowed' });
  }

  function provider(req: IncomingMessage, res: ServerResponse, path: string, body: string): void {
    const method = req.method ?? '';
    const record: ApiRequestRecord = {
      atMs: Math.round(performance.now() - started),
      method,
      path,
      provider: null,
      operation: null,
      account: null,
      call: null,
      authorized: false,
      status: 404,
      body: body.slice(0, 2048),
    };
    let status = 404;
    let answer: unknown = { error: 'not found' };
    for (const routes of PROVIDER_ROUTES) {
      const m = routes.match(method, path, body);
      if (m === null) continue;
      record.provider = routes.provider;
      if (m === 'method') {
        status = 405;
        answer = { error: 'method not allowed' };
        break;
      }
      record.operation = m.operation;
      record.account = m.account;
      record.call = m.call;
      record.authorized = authorized(routes.auth, req.headers, token);
      const k = key(routes, m.account, m.call);
      if (!record.authorized) {
        status = 401;
        answer = { error: 'unauthorized' };
      } else if (!isLive(k)) {
        ({ status, body: answer } = routes.notFound());
      } else if (m.operation === 'transfer' && routes.transferTarget(body) === null) {
        status = 400;
        answer = { error: 'transfer target required' };
      } else {
        ({ status, body: answer } = routes.success(m.operation, m));
        if (m.operation === 'hangup' || m.operation === 'transfer') calls.set(k, false);
      }
      break;
    }
    record.status = status;
    requests.push(record);
    if (requests.length > maxRecords) requests.splice(0, requests.length - maxRecords);
    const reply = (): void => {
      send(res, status, answer);
      options.onRequest?.(record);
    };
    if (delayMs <= 0) return reply();
    const timer = setTimeout(() => {
      timers.delete(timer);
      reply();
    }, delayMs);
    timers.add(timer);
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return send(res, 413, { error: 'body too large' });
      const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      if (path.startsWith('/_sim/')) control(req, res, path, body);
      else provider(req, res, path, body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? PROVIDER_API_DEFAULTS.port, options.host ?? PROVIDER_API_DEFAULTS.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${address.address}:${address.port}`,
    token,
    requests,
    addCall(p, account, call) {
      const routes = routesOf(p);
      if (routes) calls.set(key(routes, account, call), true);
    },
    endCall(p, account, call) {
      const routes = routesOf(p);
      if (routes) calls.set(key(routes, account, call), false);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}
