import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { addAcceptHandles, type AcceptHandles } from './accept-handles.ts';

const open: Array<{ server: net.Server; accept?: AcceptHandles; clients: net.Socket[] }> = [];
afterEach(async () => {
  for (const { server, accept, clients } of open.splice(0)) {
    for (const c of clients) c.destroy();
    accept?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/**
 * Event-loop iterations a server needs to accept `n` connections that arrived while its loop was
 * busy (the kernel completes their handshakes meanwhile), counted by chained `setImmediate`s.
 */
async function iterationsToAccept(extra: number, n: number): Promise<{ iterations: number; total: number; handles: number }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const entry: { server: net.Server; accept?: AcceptHandles; clients: net.Socket[] } = { server, clients: [] };
  open.push(entry);
  const accept = await addAcceptHandles(server, extra);
  entry.accept = accept;
  const { port } = server.address() as net.AddressInfo;
  for (let i = 0; i < n; i++) entry.clients.push(net.connect(port, '127.0.0.1').on('error', () => undefined));
  await new Promise((r) => process.nextTick(r)); // the connect calls are issued, none accepted yet
  const until = performance.now() + 300;
  while (performance.now() < until); // the loop is busy: connections wait in the accept queue
  let iterations = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      if (sockets.length >= n || iterations >= 200) return resolve();
      iterations++;
      setImmediate(tick);
    };
    setImmediate(tick);
  });
  return { iterations, total: sockets.length, handles: accept.count };
}

describe('addAcceptHandles', () => {
  it('a busy loop accepts one connection per iteration on one handle, several with extra handles; none is lost', async () => {
    const single = await iterationsToAccept(0, 16);
    expect(single).toMatchObject({ handles: 0, total: 16 });
    expect(single.iterations).toBeGreaterThanOrEqual(15);

    const many = await iterationsToAccept(7, 16);
    expect(many).toMatchObject({ handles: 7, total: 16 });
    expect(many.iterations).toBeLessThanOrEqual(8);
  });

  it('after close, only the server\'s own handle accepts; connections keep arriving there', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const accept = await addAcceptHandles(server, 3);
    open.push({ server, accept, clients: [] });
    accept.close();
    accept.close();
    const { port } = server.address() as net.AddressInfo;
    const client = net.connect(port, '127.0.0.1');
    open[0]!.clients.push(client);
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    const deadline = Date.now() + 2_000;
    while (sockets.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(sockets).toHaveLength(1);
  });

  it('keeps the server\'s maxConnections across every handle', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    server.maxConnections = 3;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const accept = await addAcceptHandles(server, 4);
    const entry = { server, accept, clients: [] as net.Socket[] };
    open.push(entry);
    const { port } = server.address() as net.AddressInfo;
    const closed: Promise<void>[] = [];
    for (let i = 0; i < 8; i++) {
      const client = net.connect(port, '127.0.0.1').on('error', () => undefined);
      entry.clients.push(client);
      closed.push(new Promise((resolve) => client.once('close', () => resolve())));
    }
    await Promise.race([Promise.all(closed.slice(0, 5)), new Promise((r) => setTimeout(r, 2_000))]);
    await new Promise((r) => setTimeout(r, 100));
    expect(accept.count).toBe(4);
    expect(sockets.filter((s) => !s.destroyed)).toHaveLength(3);
    expect(entry.clients.filter((c) => !c.destroyed)).toHaveLength(3);
  });
});
