/**
 * A customer's webhook receiver for tests: a real HTTP server on 127.0.0.1 that records every
 * request (headers and raw body), answers a scripted status, and can go down (connections refused)
 * and come back on the same port. {@link verifyWebhookSignature} checks a request as docs/webhooks.md
 * tells receivers to.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface ReceivedWebhook {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status it was answered with. */
  status: number;
}

/** Chooses the status of a request (default 200). */
export type WebhookResponder = (req: Omit<ReceivedWebhook, 'status'>) => number;

export interface WebhookReceiver {
  /** `http://127.0.0.1:{port}/hooks/vr3`. */
  readonly url: string;
  readonly received: ReceivedWebhook[];
  respond(responder: WebhookResponder): void;
  /** Stops listening and drops open connections: new attempts are refused. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a {@link WebhookReceiver} answering 200. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let responder: WebhookResponder = () => 200;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const status = responder(request);
      received.push({ ...request, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  let listening = true;
  const stop = async (): Promise<void> => {
    if (!listening) return;
    listening = false;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `http://127.0.0.1:${port}/hooks/vr3`,
    received,
    respond(next) {
      responder = next;
    },
    down: stop,
    async up() {
      if (listening) return;
      await listen(port);
      listening = true;
    },
    close: stop,
  };
}

/**
 * True when `X-VR3-Signature` of a request is `t=<unix>,v1=<hex>` with the HMAC-SHA256 under
 * `secret` of `t + "." + body`, and `t` is within `toleranceSec` of now.
 */
export function verifyWebhookSignature(secret: string, headers: IncomingHttpHeaders, body: string, toleranceSec = 300): boolean {
  const header = headers['x-vr3-signature'];
  if (typeof header !== 'string') return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts['t']);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSec) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts['v1'] ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
