import { normalizeCloudonixDomain } from '../cloudonix/domain.ts';
import { decodeSegment, startFakeHttpServer } from './fake-http.ts';
import type { FakeAnswer, RecordedRequest } from './fake-http.ts';

export type { RecordedRequest } from './fake-http.ts';

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
  /** Answers every later `method` request 200 with a body that never ends; `false` restores. */
  setEndlessBody(method: FakeCloudonixMethod, enabled: boolean): void;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Stops the server, drops open connections and pending delayed answers. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link startFakeCloudonixApi}. */
export interface FakeCloudonixApiOptions {
  /** Token the fake accepts. Default `'test-cloudonix-token'`. */
  bearerToken?: string;
}

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
  const sessions = new Set<string>();
  const key = (domain: string, session: string): string => `${canonicalDomain(domain)}\u0000${session}`;

  const route = (req: RecordedRequest): FakeAnswer => {
    const method = req.method;
    const path = req.path.split('?')[0] ?? '';
    const sessionMatch = SESSION_PATH.exec(path);
    const appMatch = sessionMatch === null ? APPLICATION_PATH.exec(path) : null;
    const match = sessionMatch ?? appMatch;
    if (match === null) return { status: 404, body: { error: 'not found' } };
    if ((sessionMatch !== null && method !== 'GET' && method !== 'DELETE') || (appMatch !== null && method !== 'POST')) {
      return { status: 405, body: { error: 'method not allowed' } };
    }
    if (req.headers.authorization !== `Bearer ${bearerToken}`) return { status: 401, body: { error: 'unauthorized' } };
    const domain = decodeSegment(match[1]);
    const session = decodeSegment(match[2]);
    if (domain === undefined || session === undefined) return { status: 400, body: { error: 'bad path' } };
    const k = key(domain, session);
    if (!sessions.has(k)) return { status: 404, body: { error: 'session not found' } };

    if (method === 'GET') return { status: 200, body: { token: session, domain: canonicalDomain(domain), status: 'connected', direction: 'inbound' } };
    if (method === 'DELETE') {
      sessions.delete(k);
      return { status: 204 };
    }
    let cxml: unknown;
    try {
      cxml = (JSON.parse(req.body) as { cxml?: unknown } | null)?.cxml;
    } catch {
      cxml = undefined;
    }
    if (typeof cxml !== 'string' || cxml === '') return { status: 400, body: { error: 'cxml required' } };
    return { status: 200, body: { token: session, domain: canonicalDomain(domain), status: 'processing' } };
  };

  const server = await startFakeHttpServer(route);
  return {
    url: server.url,
    bearerToken,
    requests: server.requests,
    addSession: (domain, session) => void sessions.add(key(domain, session)),
    endSession: (domain, session) => void sessions.delete(key(domain, session)),
    hasSession: (domain, session) => sessions.has(key(domain, session)),
    setResponse: (method, status) => server.setResponse(method, status),
    setDelay: (ms) => server.setDelay(ms),
    setEndlessBody: (method, enabled) => server.setEndlessBody(method, enabled),
    get connections() {
      return server.connections;
    },
    close: () => server.close(),
  };
}

function canonicalDomain(domain: string): string {
  try {
    return normalizeCloudonixDomain(domain);
  } catch {
    return domain.trim().toLowerCase();
  }
}
