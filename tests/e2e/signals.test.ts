import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulawEncode } from '@vr3/codec';
import { sine } from '@vr3/codec/testing';
import { startFakeCloudonixApi, type CloudonixMediaClient, type FakeCloudonixApi } from '@vr3/providers/testing';
import { ProductProcess, eventually, type ProductOptions } from '../harness/product.ts';
import { DOMAIN, finalRun, setupCloudonix, startCall } from '../harness/cloudonix.ts';

const TOKEN = `cx-token-${randomUUID()}`;
const FRAME_MS = 20;
const started: Array<{ product: ProductProcess; group: boolean }> = [];
let api: FakeCloudonixApi;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function start(options: ProductOptions): Promise<ProductProcess> {
  const product = await ProductProcess.start(options);
  started.push({ product, group: options.ownProcessGroup === true || options.npmStart === true });
  return product;
}

/** Streams 20 ms μ-law frames of a tone, paced in real time, until stopped or the socket closes. */
function streamAudio(client: CloudonixMediaClient): { stop(): Promise<number> } {
  const frame = mulawEncode(sine(440, 8000, FRAME_MS));
  const begun = Date.now();
  let sent = 0;
  let stopped = false;
  const done = (async () => {
    while (!stopped && client.isOpen) {
      while (sent < Math.floor((Date.now() - begun) / FRAME_MS) && client.isOpen) {
        client.sendMedia(frame);
        sent++;
      }
      await sleep(5);
    }
    return sent;
  })();
  return {
    stop: () => {
      stopped = true;
      return done;
    },
  };
}

beforeAll(async () => {
  api = await startFakeCloudonixApi({ bearerToken: TOKEN });
});

afterAll(async () => {
  // SIGTERM to each group still running (npm's included: npm alone would not pass it on).
  for (const { product, group } of started) {
    if (product.child.exitCode !== null || product.child.signalCode !== null) continue;
    if (group) product.signalGroup('SIGTERM');
    else product.child.kill('SIGTERM');
  }
  await Promise.all(started.map(({ product }) => product.exited));
  await api?.close();
  // Every product stopped its database server: none is left running after the suite.
  for (const { product } of started) {
    await eventually(async () => {
      const pid = product.databasePid();
      return pid === undefined || !isAlive(pid);
    }, 15_000);
  }
});

describe('embedded product under a terminal’s Ctrl-C (SIGINT to the whole process group)', () => {
  it('drains (a relayed repeat of the same Ctrl-C included): the database outlives the drain, a call hanging up during it is completed with its media stats, exit 0', async () => {
    const product = await start({ ownProcessGroup: true, env: { VR3_DRAIN_TIMEOUT_MS: '10000' } });
    const setup = await setupCloudonix(product, api, TOKEN);
    const call = await startCall(product, api, setup);
    const callStarted = Date.now();
    const audio = streamAudio(call.client);
    await sleep(1000);

    const databasePid = product.databasePid()!;
    expect(isAlive(databasePid)).toBe(true);
    const signalled = Date.now();
    product.signalGroup('SIGINT');
    // A launcher relaying the same Ctrl-C to the product (npm or tsx when the shell execs them)
    // is not a second Ctrl-C: the drain goes on.
    await sleep(30);
    product.child.kill('SIGINT');
    await sleep(470);
    // The database server is not part of the terminal's process group: it still runs.
    expect(isAlive(databasePid)).toBe(true);
    expect(call.client.isOpen).toBe(true);
    expect((await fetch(`${product.baseUrl}/readyz`)).status).toBe(503);

    await sleep(2000);
    const frames = await audio.stop();
    call.client.sendStop();
    const callEnded = Date.now();
    expect((await call.client.waitForClose(5000)).code).toBe(1000);

    expect(await product.exited).toBe(0);
    // The drain ended with the last call, long before its 10 s deadline.
    expect(Date.now() - signalled).toBeLessThan(8000);
    // The server was stopped cleanly by the product (postmaster.pid removed), after the drain.
    expect(product.databasePid()).toBeUndefined();
    expect(isAlive(databasePid)).toBe(false);

    const next = await start({ dataDir: product.dataDir, apiKey: product.apiKey });
    const run = await finalRun(next, call.runId);
    expect(run).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    const streamedMs = callEnded - callStarted;
    const runMs = Date.parse(run.ended_at) - Date.parse(run.started_at);
    expect(Math.abs(runMs - streamedMs)).toBeLessThan(500);
    // Whole seconds, truncated: the call's true length (~3.5 s), not the drain deadline.
    expect(run.duration_seconds).toBeGreaterThanOrEqual(3);
    expect(runMs - run.duration_seconds * 1000).toBeGreaterThan(-2);
    expect(runMs - run.duration_seconds * 1000).toBeLessThan(1001);
    expect(run.media_stats.frames_in).toBe(frames);
    expect(Math.abs(run.media_stats.audio_in_ms - frames * FRAME_MS)).toBeLessThanOrEqual(FRAME_MS);
  });

  it('a second Ctrl-C ends live calls at once: failed/edge_shutdown with media stats, database stopped, exit 0 within seconds', async () => {
    const product = await start({ ownProcessGroup: true, env: { VR3_DRAIN_TIMEOUT_MS: '30000' } });
    const setup = await setupCloudonix(product, api, TOKEN);
    const call = await startCall(product, api, setup);
    const audio = streamAudio(call.client);
    await sleep(1000);

    product.signalGroup('SIGINT');
    await sleep(1000);
    expect(call.client.isOpen).toBe(true);
    const forced = Date.now();
    product.signalGroup('SIGINT');

    expect((await call.client.waitForClose(5000)).code).toBe(1013);
    const frames = await audio.stop();
    expect(await product.exited).toBe(0);
    expect(Date.now() - forced).toBeLessThan(5000);
    expect(product.databasePid()).toBeUndefined();
    // Ended calls are hung up through the provider.
    expect(api.requests.some((r) => r.method === 'DELETE' && r.path === `/customers/self/domains/${DOMAIN}/sessions/${call.session}`)).toBe(true);

    // Finalized by the stopping process itself, not reaped as edge_lost by the next one.
    const next = await start({ dataDir: product.dataDir, apiKey: product.apiKey });
    const run = await finalRun(next, call.runId);
    expect(run).toMatchObject({ state: 'failed', end_reason: 'edge_shutdown' });
    expect(run.media_stats.frames_in).toBeGreaterThan(0);
    expect(run.media_stats.frames_in).toBeLessThanOrEqual(frames);
    expect(run.media_stats.audio_in_ms).toBeGreaterThanOrEqual(1900);
  });

  it('`npm start` (npm, sh and tsx in between): one Ctrl-C drains, and npm returns only once the product and its database have stopped', async () => {
    const product = await start({ npmStart: true, env: { VR3_DRAIN_TIMEOUT_MS: '10000' } });
    const setup = await setupCloudonix(product, api, TOKEN);
    const call = await startCall(product, api, setup);
    const audio = streamAudio(call.client);
    await sleep(1000);

    product.signalGroup('SIGINT');
    await sleep(1500);
    expect(call.client.isOpen).toBe(true);
    const frames = await audio.stop();
    call.client.sendStop();
    expect((await call.client.waitForClose(5000)).code).toBe(1000);

    // npm returns once the product has stopped, database included.
    await product.exited;
    expect(product.databasePid()).toBeUndefined();

    const next = await start({ dataDir: product.dataDir, apiKey: product.apiKey });
    const run = await finalRun(next, call.runId);
    expect(run).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    expect(run.media_stats.frames_in).toBe(frames);
  });
});
