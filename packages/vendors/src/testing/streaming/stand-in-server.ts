/**
 * The WebSocket server under every vendor stand-in: a real server on `127.0.0.1:0` that records
 * each upgrade (path, query, headers without the credential), checks the credential, and can refuse
 * upgrades (with the vendor's error body) or stall them (never answer). Accepted sockets go to the
 * vendor's connection class. `close()` drops everything and is idempotent.
 */
import { STATUS_CODES, createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { listenOnLoopback } from './loopback-server.ts';

/** How a stand-in answers upgrades: accept, refuse with a status, or never answer (connect timeouts). */
export type StandInUpgradeMode = { mode: 'accept' } | { mode: 'refuse'; status: number } | { mode: 'stall' };

/** Whether an upgrade carried the expected credential. */
export type CredentialCheck = 'valid' | 'invalid' | 'missing';

/** One upgrade request as the stand-in received it. */
export interface RecordedUpgrade {
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  /** Request headers, the credential header removed. */
  headers: IncomingHttpHeaders;
  credential: CredentialCheck;
}

/** What a vendor stand-in tells the shared server. */
export interface StandInServerSpec<C> {
  /** Lower-case name of the header carrying the key (`authorization`, `xi-api-key`, `x-api-key`). */
  credentialHeader: string;
  /** The key inside the header value (`Token <key>` → `<key>`), `undefined` when malformed. */
  credentialOf(value: string): string | undefined;
  /** The expected key; `undefined` accepts any non-empty one. */
  apiKey: string | undefined;
  /** Whether the vendor serves `path`. */
  servesPath(path: string): boolean;
  /** The vendor's refusal: status line code, headers and body. */
  refusal(status: number): { headers: Record<string, string>; body: string };
  /** Wraps an accepted socket. */
  accept(ws: WebSocket, upgrade: RecordedUpgrade): C;
  /** Largest message accepted from the client. Default 1 MiB. */
  maxPayloadBytes?: number | undefined;
  /**
   * The vendor's REST reads the stand-in serves besides the WebSocket (`/v1/projects`, `/voices`,
   * `/v1/user`: what a credentials check reads), by path: a GET with the right key answers 200 with
   * the JSON body, a wrong or missing key the vendor's 401 refusal.
   */
  restReads?: Readonly<Record<string, unknown>> | undefined;
}

/** The shared part of every vendor stand-in. */
export interface StandInServer<C> {
  /** `ws://127.0.0.1:<port>`: the `baseUrl` to give a client (with `addressPolicy: 'any'`). */
  readonly url: string;
  readonly port: number;
  /** Every upgrade request, in order (refused and stalled ones too). */
  readonly upgrades: readonly RecordedUpgrade[];
  /** Every REST read (`restReads` paths), in order, recorded like upgrades. */
  readonly reads: readonly RecordedUpgrade[];
  /** Accepted connections, in order. */
  readonly connections: readonly C[];
  /** How later upgrades are answered (default `accept`; a wrong or missing key is refused 401 anyway). */
  setUpgradeMode(mode: StandInUpgradeMode): void;
  /** The first connection not yet returned by this method, waiting up to `timeoutMs` for one. */
  nextConnection(timeoutMs?: number): Promise<C>;
  /** Drops every connection (and stalled upgrade) and stops listening. Idempotent. */
  close(): Promise<void>;
}

/** Starts the server of `spec` on 127.0.0.1, port 0. */
export async function startStandInServer<C extends { terminate(): void }>(spec: StandInServerSpec<C>): Promise<StandInServer<C>> {
  const upgrades: RecordedUpgrade[] = [];
  const connections: C[] = [];
  const waiters: Array<() => void> = [];
  let upgradeMode: StandInUpgradeMode = { mode: 'accept' };
  let claimed = 0;
  let closing: Promise<void> | undefined;
  const wss = new WebSocketServer({ noServer: true, maxPayload: spec.maxPayloadBytes ?? 1 << 20, perMessageDeflate: false });
  const reads: RecordedUpgrade[] = [];
  /** The request as recorded: the credential header removed, and whether it held the expected key. */
  const recordOf = (req: IncomingMessage): RecordedUpgrade => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const headers: IncomingHttpHeaders = { ...req.headers };
    const raw = headers[spec.credentialHeader];
    delete headers[spec.credentialHeader];
    const value = Array.isArray(raw) ? raw[0] : raw;
    const key = value === undefined ? undefined : spec.credentialOf(value);
    const credential: CredentialCheck = value === undefined ? 'missing' : key !== undefined && key !== '' && (spec.apiKey === undefined || key === spec.apiKey) ? 'valid' : 'invalid';
    return { path: url.pathname, query: url.searchParams, headers, credential };
  };
  const server = createServer((req, res) => {
    const read = recordOf(req);
    const body = spec.restReads !== undefined && Object.hasOwn(spec.restReads, read.path) ? spec.restReads[read.path] : undefined;
    if (body === undefined) return void res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only\n');
    reads.push(read);
    if (req.method !== 'GET') return void res.writeHead(405, { 'content-type': 'text/plain' }).end('Method Not Allowed\n');
    if (read.credential !== 'valid') {
      const refusal = spec.refusal(401);
      return void res.writeHead(401, refusal.headers).end(refusal.body);
    }
    const text = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  });

  const refuse = (socket: Socket, status: number): void => {
    const { headers, body } = spec.refusal(status);
    const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Refused'}`, 'Connection: close', `Content-Length: ${Buffer.byteLength(body)}`];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  };

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const upgrade = recordOf(req);
    upgrades.push(upgrade);
    if (upgradeMode.mode === 'stall') return; // the socket stays open until close()
    if (upgradeMode.mode === 'refuse') return refuse(socket, upgradeMode.status);
    if (!spec.servesPath(upgrade.path)) return refuse(socket, 404);
    if (upgrade.credential !== 'valid') return refuse(socket, 401);
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (closing !== undefined) {
        ws.terminate();
        return;
      }
      connections.push(spec.accept(ws, upgrade));
      waiters.splice(0).forEach((wake) => wake());
    });
  });
  const listener = await listenOnLoopback(server);
  const { port } = listener;

  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    upgrades,
    reads,
    connections,
    setUpgradeMode(mode) {
      upgradeMode = mode;
    },
    async nextConnection(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (connections.length <= claimed) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no stand-in connection in time');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return connections[claimed++]!;
    },
    close() {
      closing ??= (async () => {
        for (const c of connections) c.terminate();
        wss.close();
        await listener.stop();
      })();
      return closing;
    },
  };
}

/** A stand-in whose connections follow a script that can be changed between connections. */
export interface ScriptedStandIn<C, S> extends StandInServer<C> {
  /** Script of connections accepted from now on. */
  setScript(script: S): void;
}

/**
 * Starts the server of `spec`, whose accepted sockets become `accept(ws, upgrade, script)` with the
 * script current at that moment (`initial`, or `{}`, until {@link ScriptedStandIn.setScript}).
 */
export async function startScriptedStandIn<C extends { terminate(): void }, S extends object>(
  spec: Omit<StandInServerSpec<C>, 'accept'>,
  initial: S | undefined,
  accept: (ws: WebSocket, upgrade: RecordedUpgrade, script: S) => C,
): Promise<ScriptedStandIn<C, S>> {
  let script = initial ?? ({} as S);
  const server = await startStandInServer<C>({ ...spec, accept: (ws, upgrade) => accept(ws, upgrade, script) });
  return Object.assign(server, {
    setScript(next: S) {
      script = next;
    },
  });
}
