import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as a fake API received it. */
export interface RecordedRequest {
  method: string;
  /** Path and query as sent (still URL-encoded). */
  path: string;
  headers: IncomingHttpHeaders;
  /** Body as UTF-8 text (`''` when none). */
  body: string;
}

/** An answer: a status and an optional JSON body. */
export interface FakeAnswer {
  status: number;
  body?: unknown;
}

/** The recording HTTP server under every fake provider API. */
export interface FakeHttpServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Forces every later `method` request to answer `status` (no routing, no side effect); `null` restores. */
  setResponse(method: string, status: number | null): void;
  /** Delays every answer by `ms` (0 = none). */
  setDelay(ms: number): void;
  /**
   * Answers every later `method` request 200 with a JSON body that never ends (64 KiB writes as
   * fast as the client reads, until it disconnects); `false` restores normal behaviour.
   */
  setEndlessBody(method: string, enabled: boolean): void;
  /** Connections accepted so far (a refused client never adds one). */
  readonly connections: number;
  /** Stops the server, drops open connections and pending delayed answers. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link startFakeHttpServer}. */
export interface FakeHttpOptions {
  /** Interface to bind. Default 127.0.0.1. */
  host?: string | undefined;
  /** Port; 0 picks a free one. Default 0. */
  port?: number | undefined;
  /** Larger request bodies answer 413. Default 1 MiB. */
  maxBodyBytes?: number | undefined;
  /** Keep every request (headers included) in `requests`. Default true; false keeps none. */
  recordRequests?: boolean | undefined;
  /** Answers a request before routing, without delay or forced statuses (control routes); `undefined` routes it. */
  intercept?: ((req: RecordedRequest) => FakeAnswer | undefined) | undefined;
  /** Called once an answer was sent (after any delay). */
  onAnswered?: ((req: RecordedRequest, answer: FakeAnswer) => void) | undefined;
}

const MAX_BODY_BYTES = 1 << 20;
const ENDLESS_CHUNK = Buffer.alloc(64 * 1024, '0,');

/** Writes `[0,0,0,…` to `res` until the client goes away. */
function streamEndlessBody(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('[');
  const pump = (): void => {
    while (!res.destroyed && res.write(ENDLESS_CHUNK));
    if (!res.destroyed) res.once('drain', pump);
  };
  res.on('error', () => {});
  pump();
}

/**
 * Starts a real HTTP server on `127.0.0.1:0` (or `options.host`/`port`) that records every request
 * and answers with `route` (after any forced status and delay). Bodies over 1 MiB (or
 * `options.maxBodyBytes`) answer 413.
 */
export async function startFakeHttpServer(route: (req: RecordedRequest) => FakeAnswer, options: FakeHttpOptions = {}): Promise<FakeHttpServer> {
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const recordRequests = options.recordRequests ?? true;
  const requests: RecordedRequest[] = [];
  const forced = new Map<string, number>();
  const endless = new Set<string>();
  let connections = 0;
  const sockets = new Set<Socket>();
  const pending = new Set<NodeJS.Timeout>();
  let delayMs = 0;
  let closing: Promise<void> | undefined;

  function answer(res: ServerResponse, req: RecordedRequest, a: FakeAnswer, immediate = false): void {
    const send = (): void => {
      if (res.destroyed || res.writableEnded) return;
      if (a.body === undefined) res.writeHead(a.status).end();
      else {
        const text = JSON.stringify(a.body);
        res.writeHead(a.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
      }
      options.onAnswered?.(req, a);
    };
    if (immediate || delayMs <= 0) return send();
    const timer = setTimeout(() => {
      pending.delete(timer);
      send();
    }, delayMs);
    pending.add(timer);
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const recorded: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers }, body: Buffer.concat(chunks).toString('utf8') };
      if (recordRequests) requests.push(recorded);
      if (size > maxBodyBytes) return answer(res, recorded, { status: 413, body: { error: 'body too large' } });
      const intercepted = options.intercept?.(recorded);
      if (intercepted !== undefined) return answer(res, recorded, intercepted, true);
      if (endless.has(recorded.method)) return streamEndlessBody(res);
      const status = forced.get(recorded.method);
      if (status !== undefined) return answer(res, recorded, { status, body: { error: 'forced', status } });
      let a: FakeAnswer;
      try {
        a = route(recorded);
      } catch {
        a = { status: 500, body: { error: 'fake route failed' } };
      }
      answer(res, recorded, a);
    });
  });
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    requests,
    setResponse(method, status) {
      if (status === null) forced.delete(method);
      else forced.set(method, status);
    },
    setDelay(ms) {
      delayMs = Math.max(0, ms);
    },
    setEndlessBody(method, enabled) {
      if (enabled) endless.add(method);
      else endless.delete(method);
    },
    get connections() {
      return connections;
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
