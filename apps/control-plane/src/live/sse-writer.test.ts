import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openEventStream } from '../testing/sse-client.ts';
import { SseWriter } from './sse-writer.ts';

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: (res: http.ServerResponse) => void): Promise<number> {
  server = http.createServer((_req, res) => handler(res));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('SseWriter', () => {
  it('writes the retry field, named events with JSON data, and comments, as an EventSource reads them', async () => {
    const port = await serve((res) => {
      const w = new SseWriter(res, 1 << 20);
      w.open();
      w.event('snapshot', { calls: [], text: 'two\nlines' });
      w.comment('keep-alive');
      w.event('call.ended', { id: 'r1' });
      w.close();
      w.event('late', {});
    });
    const s = await openEventStream(`http://127.0.0.1:${port}/`);
    await s.ended;
    expect(s.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(s.retryMs).toBe(3000);
    expect(s.events).toEqual([
      { event: 'snapshot', data: { calls: [], text: 'two\nlines' } },
      { event: 'call.ended', data: { id: 'r1' } },
    ]);
    expect(s.comments).toEqual(['keep-alive']);
  });

  it('ends the answer once more than its bound waits unsent for a client that does not read', async () => {
    let overflowed = false;
    let written = 0;
    const done = new Promise<void>((resolve) => {
      void serve((res) => {
        const w = new SseWriter(res, 256 * 1024, () => {
          overflowed = true;
          resolve();
        });
        w.open();
        const chunk = 'x'.repeat(64 * 1024);
        const pump = () => {
          for (let i = 0; i < 64 && !w.closed; i++, written++) w.event('blob', chunk);
          if (!w.closed && written < 4000) setImmediate(pump);
          else resolve();
        };
        pump();
      }).then((port) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
          socket.pause();
        });
        socket.on('error', () => {});
      });
    });
    await done;
    expect(overflowed).toBe(true);
    // Cut off long before everything was written: the bound held.
    expect(written).toBeLessThan(4000);
  });
});
