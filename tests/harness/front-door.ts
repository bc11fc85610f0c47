/**
 * The load balancer in front of a distributed deployment, for tests: one HTTP port that sends
 * stream upgrades (`/api/v1/agent-stream…`) to a media-edge and every other request to a
 * control-plane, as deploy/haproxy.cfg routes them. Targets are asked per request, so the proxy can
 * start before the processes it fronts (their `VR3_PUBLIC_URL` is its address).
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** Where a request goes: a port on 127.0.0.1. */
export interface FrontDoorTargets {
  controlPlanePort(): number;
  edgePort(): number;
}

/** A running front door. */
export interface FrontDoor {
  /** `http://127.0.0.1:<port>`: the deployment's public base URL. */
  url: string;
  port: number;
  /** Requests proxied so far, by target kind. */
  counts: { controlPlane: number; edge: number };
  close(): Promise<void>;
}

const isStreamPath = (url: string | undefined): boolean => (url ?? '').startsWith('/api/v1/agent-stream');

/** Starts a front door on 127.0.0.1 (a free port). */
export async function startFrontDoor(targets: FrontDoorTargets): Promise<FrontDoor> {
  const counts = { controlPlane: 0, edge: 0 };
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    counts.controlPlane++;
    const upstream = http.request(
      { host: '127.0.0.1', port: targets.controlPlanePort(), method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(upstream);
  });
  server.on('upgrade', (req, client: net.Socket, head: Buffer) => {
    const toEdge = isStreamPath(req.url);
    if (toEdge) counts.edge++;
    else counts.controlPlane++;
    const upstream = net.connect(toEdge ? targets.edgePort() : targets.controlPlanePort(), '127.0.0.1');
    sockets.add(client).add(upstream);
    const forget = (): void => {
      sockets.delete(client);
      sockets.delete(upstream);
    };
    upstream.once('connect', () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      client.pipe(upstream).pipe(client);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('close', () => {
      client.destroy();
      forget();
    });
    client.on('close', () => {
      upstream.destroy();
      forget();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    counts,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
