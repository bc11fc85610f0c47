import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createRpc, RemoteCallError } from './rpc.ts';

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});
function ends() {
  const channel = new MessageChannel();
  channels.push(channel);
  return [createRpc(channel.port1), createRpc(channel.port2)] as const;
}

describe('rpc between threads', () => {
  it('calls a handler of the other end, both ways, with structured-cloned values', async () => {
    const [main, worker] = ends();
    worker.handle('metrics', () => 'vr3_x 1');
    main.handle('reveal', (key) => `seen ${String(key)}`);
    worker.handle('bootstrap', async () => worker.call<string>('reveal', 'k1'));
    expect(await main.call('metrics')).toBe('vr3_x 1');
    expect(await main.call('bootstrap')).toBe('seen k1');
  });

  it("rejects with the handler's message and code, and for a method nobody handles", async () => {
    const [main, worker] = ends();
    worker.handle('start', () => {
      throw Object.assign(new Error('port taken'), { code: 'EADDRINUSE' });
    });
    const err = await main.call('start').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteCallError);
    expect(err).toMatchObject({ message: 'start: port taken', code: 'EADDRINUSE' });
    await expect(main.call('nothing')).rejects.toThrow('no handler for nothing');
  });

  it('fails every waiting call on abort (the other thread is gone)', async () => {
    const [main, worker] = ends();
    worker.handle('close', () => new Promise(() => undefined));
    const waiting = main.call('close');
    main.abort(new Error('thread exited'));
    await expect(waiting).rejects.toThrow('thread exited');
  });
});
