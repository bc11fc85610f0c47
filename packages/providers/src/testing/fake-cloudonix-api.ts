import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { normalizeCloudonixDomain } from '../cloudonix/domain.ts';

/** One request as the fake API received it. */
export interface RecordedRequest {
  method: string;
  /** Path and query as sent (still URL-encoded). */
  path: string;
  headers: IncomingHttpHeaders;
  /** Body as UTF-8 text (`''` when none). */
  body: string;
}

/** HTTP methods of the Cloudonix routes the fake serves. */
export type FakeCloudonixMethod = 'GET' | 'DELETE' | 'POST';

/** A running fake of the Cloudonix REST API. */
export interface FakeCloudonixApi {
  /** Base URL, e.g. `http://127.0.0.1:41234`: pass it as `baseUrl` to the client. */
  readonly url: string;
  /** The token the fake accepts (`Authorization: Bearer <token>`). */
  readonly bearerToken: string;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Makes a session live. `domain` is normalized like the client does (`acme` = `acme.cloudonix.net`). */
  addSession(domain: string, session: string): void;
  /** Ends a session (as if the caller hung up). */
  endSession(domain: string, session: string): void;
  /** True while the session is live. */
  hasSession(domain: string, session: string): boolean;
  /**
   * Forces every later `method` request to answer `status` (no auth check, no side effect);
   * `null` restores normal behaviour.
   */
  setResponse(method: FakeCloudonixMethod, status: number | null): void;
  /** Delays every answer by `ms` (0 = none), to simulate a slow or hung provider. */
  setDelay(ms: number): void;
  /** Stops the server, drops open connections and pending delayed answers. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link startFakeCloudonixApi}. */
export interface FakeCloudonixApiOptions {
  /** Token the fake accepts. Default `'test-cloudonix-token'`. */
  bearerToken?: string;
}

const MAX_BODY_BYTES = 1 << 20;
const SESSION_PATH = /^\/customers\/self\/domains\/([^/]+)\/sessions\/([^/]+)$/;
const APPLICATION_PATH = /^\/calls\/([^/]+)\/sessions\/([^/]+)\/application$/;

/**
 * Starts a real HTTP server on `127.0.0.1:0` serving the Cloudonix session routes the client uses:
 * - `GET /customers/self/domains/{domain}/sessions/{session}` → 200 + session JSON when live,
 *   401 with a wrong/missing token, 404 otherwise;
 * - `DELETE` on the same path → 204 and the session ends, 404 when unknown;
 * - `POST /calls/{domain}/sessions/{session}/application` with `{"cxml"}` → 200 when live,
 *   400 without a `cxml` string, 404 when unknown.
 * Other paths answer 404, other methods 405. Every request is recorded.
 */
export async function startFakeCloudonixApi(opts: FakeCloudonixApiOptions = {}): Promise<FakeCloudonixApi> {
  const bearerToken = opts.bearerToken ?? 'test-cloudonix-token';
  const requests: RecordedRequest[] = [];
  const sessions = new Set<string>();
  const forced = new Map<string, number>();
  const sockets = new Set<Socket>();
  const pending = new Set<NodeJS.Timeout>();
  let delayMs = 0;
  let closing: Promise<void> | undefined;

  const key = (domain: string, session: string): string => `${canonicalDomain(domain)}\u0000${session}`;

  function answer(res: ServerResponse, status: number, body?: unknown): void {
    const send = (): void => {
      if (res.destroyed || res.writableEnded) return;
      if (body === undefined) {
        res.writeHead(status).end();
      } else {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
      }
    };
    if (delayMs <= 0) return send();
    const timer = setTimeout(() => {
      pending.delete(timer);
      send();
    }, delayMs);
    pending.add(timer);
  }

  function route(req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest): void {
    const method = recorded.method;
    const forcedStatus = forced.get(method);
    if (forcedStatus !== undefined) return answer(res, forcedStatus, { error: 'forced', status: forcedStatus });

    const path = recorded.path.split('?')[0] ?? '';
    const sessionMatch = SESSION_PATH.exec(path);
    const appMatch = sessionMatch === null ? APPLICATION_PATH.exec(path) : null;
    const match = sessionMatch ?? appMatch;
    if (match === null) return answer(res, 404, { error: 'not found' });
    if ((sessionMatch !== null && method !== 'GET' && method !== 'DELETE') || (appMatch !== null && method !== 'POST')) {
      return answer(res, 405, { error: 'method not allowed' });
    }
    if (req.headers.authorization !== `Bearer ${bearerToken}`) return answer(res, 401, { error: 'unauthorized' });

    let domain: string;
    let session: string;
    try {
      domain = decodeURIComponent(match[1] ?? '');
      session = decodeURIComponent(match[2] ?? '');
    } catch {
      return answer(res, 400, { error: 'bad path' });
    }
    const k = key(domain, session);
    if (!sessions.has(k)) return answer(res, 404, { error: 'session not found' });

    if (method === 'GET') {
      return answer(res, 200, { token: session, domain: canonicalDomain(domain), status: 'connected', direction: 'inbound' });
    }
    if (method === 'DELETE') {
      sessions.delete(k);
      return answer(res, 204);
    }
    let cxml: unknown;
    try {
      cxml = (JSON.parse(recorded.body) as { cxml?: unknown } | null)?.cxml;
    } catch {
      cxml = undefined;
    }
    if (typeof cxml !== 'string' || cxml === '') return answer(res, 400, { error: 'cxml required' });
    return answer(res, 200, { token: session, domain: canonicalDomain(domain), status: 'processing' });
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: { ...req.headers },
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      if (tooLarge) return answer(res, 413, { error: 'body too large' });
      route(req, res, recorded);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    bearerToken,
    requests,
    addSession: (domain, session) => void sessions.add(key(domain, session)),
    endSession: (domain, session) => void sessions.delete(key(domain, session)),
    hasSession: (domain, session) => sessions.has(key(domain, session)),
    setResponse(method, status) {
      if (status === null) forced.delete(method);
      else forced.set(method, status);
    },
    setDelay(ms) {
      delayMs = Math.max(0, ms);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const t of pending) clearTimeout(t);
        pending.clear();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}

function canonicalDomain(domain: string): string {
  try {
    return normalizeCloudonixDomain(domain);
  } catch {
    return domain.trim().toLowerCase();
  }
}
