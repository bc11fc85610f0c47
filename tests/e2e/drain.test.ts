import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CloudonixMediaClient, startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { ProductProcess, makeDataDir } from '../harness/product.ts';
import { DOMAIN, finalRun, setupCloudonix, startCall } from '../harness/cloudonix.ts';

const TOKEN = `cx-token-${randomUUID()}`;
const started: ProductProcess[] = [];
let api: FakeCloudonixApi | undefined;

afterAll(async () => {
  for (const p of started) await p.stop();
  await api?.close();
});

describe('embedded graceful shutdown', () => {
  it('SIGTERM drains live calls, hangs them up through the provider and finalizes them before exiting', async () => {
    api = await startFakeCloudonixApi({ bearerToken: TOKEN });
    const dataDir = makeDataDir();
    const product = await ProductProcess.start({ dataDir, env: { VR3_DRAIN_TIMEOUT_MS: '1500' } });
    started.push(product);
    const setup = await setupCloudonix(product, api, TOKEN);
    const call = await startCall(product, api, setup);

    const signalledAt = Date.now();
    product.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    // Draining: the live call goes on, a new stream is refused with 1013.
    expect(call.client.isOpen).toBe(true);
    const refused = await CloudonixMediaClient.connect(product.streamUrl(setup.agentUuid, { provider: 'cloudonix', Domain: 'acme' }));
    expect(await refused.waitForClose(3000)).toEqual({ code: 1013, reason: 'try again later' });

    const close = await call.client.waitForClose(5000);
    expect(close.code).toBe(1013);
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(1400);
    expect(await product.exited).toBe(0);
    expect(api.requests.some((r) => r.method === 'DELETE' && r.path === `/customers/self/domains/${DOMAIN}/sessions/${call.session}`)).toBe(true);

    // Finalized by the draining process itself, not reaped as edge_lost by the next one.
    const next = await ProductProcess.start({ dataDir, apiKey: product.apiKey });
    started.push(next);
    expect(await finalRun(next, call.runId)).toMatchObject({ state: 'failed', end_reason: 'edge_shutdown' });
  });
});
