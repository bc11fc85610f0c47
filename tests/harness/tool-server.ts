/**
 * The agent's HTTP tools' far end for the tool e2e suites: a local server where `/orders` answers
 * `{"eta":"Friday"}` at once and `/slow` answers only after 3 s (past a 300 ms tool timeout),
 * recording every request; and the two tool definitions that call it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the tool server received. */
export interface ToolRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** `performance.now()` when its body was in. */
  at: number;
}

/** A running tool server. */
export interface ToolServer {
  url: string;
  /** The secret header value the `lookup` tool sends (`X-Api-Key`). */
  secret: string;
  readonly requests: ToolRequest[];
  /** `lookup` (POST `/orders` with the secret header) and `slow` (`/slow`, 300 ms timeout). */
  tools(): Record<string, unknown>;
  close(): Promise<void>;
}

/** Starts the tool server on 127.0.0.1. */
export async function startToolServer(): Promise<ToolServer> {
  const requests: ToolRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at: performance.now() });
      if (req.url === '/slow') return void setTimeout(() => res.destroyed || res.end('{}'), 3000).unref();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"eta":"Friday"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const secret = `tool-${randomUUID()}`;
  return {
    url,
    secret,
    requests,
    tools: () => ({
      lookup: {
        type: 'http',
        description: 'Looks an order up',
        parameters: { type: 'object', properties: { order: { type: 'string' } }, required: ['order'] },
        url: `${url}/orders`,
        headers: { 'X-Api-Key': secret },
      },
      slow: { type: 'http', description: 'A slow system', parameters: { type: 'object' }, url: `${url}/slow`, timeout_ms: 300 },
    }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
