import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudonixMediaClient, startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { ProductProcess } from '../harness/product.ts';
import { DOMAIN, finalRun, setupCloudonix, startCall, type CloudonixSetup } from '../harness/cloudonix.ts';

const TOKEN = `cx-token-${randomUUID()}`;
let product: ProductProcess;
let api: FakeCloudonixApi;
let setup: CloudonixSetup;
let userId: string;

beforeAll(async () => {
  api = await startFakeCloudonixApi({ bearerToken: TOKEN });
  product = await ProductProcess.start();
  setup = await setupCloudonix(product, api, TOKEN);
  userId = (await product.api('GET', '/me')).body.user_id;
});

afterAll(async () => {
  await product?.stop();
  await api?.close();
});

const setQuota = (max_concurrent_calls: number | null, monthly_call_seconds: number | null) =>
  product.api('PUT', `/users/${userId}/quota`, { max_concurrent_calls, monthly_call_seconds });

describe('quota', () => {
  it('a user over the monthly seconds is refused', async () => {
    expect((await setQuota(null, 1)).status).toBe(200);
    const call = await startCall(product, api, setup);
    await new Promise((r) => setTimeout(r, 1200));
    call.client.sendStop();
    await call.client.waitForClose(5000);
    expect((await finalRun(product, call.runId)).duration_seconds).toBeGreaterThanOrEqual(1);
    const refused = await CloudonixMediaClient.connect(product.streamUrl(setup.agentUuid, { provider: 'cloudonix', Domain: 'acme' }));
    expect(await refused.waitForClose(3000)).toEqual({ code: 1008, reason: 'quota exceeded' });
    expect((await setQuota(null, null)).body).toMatchObject({ max_concurrent_calls: null, monthly_call_seconds: null });
  });

  it('simultaneous admissions never both take the last slot', async () => {
    expect((await setQuota(1, null)).status).toBe(200);
    const attempts = 8;
    const clients = await Promise.all(
      Array.from({ length: attempts }, async (_, i) => {
        const session = `race-${i}-${randomUUID()}`;
        api.addSession(DOMAIN, session);
        const c = await CloudonixMediaClient.connect(product.streamUrl(setup.agentUuid, { provider: 'cloudonix', Domain: 'acme', callId: `race-${i}` }));
        c.sendConnected();
        c.sendStart({ session });
        return c;
      }),
    );
    const outcomes = await Promise.all(clients.map((c) => c.waitForClose(3000).catch(() => 'open' as const)));
    const open = outcomes.filter((o) => o === 'open');
    const refused = outcomes.filter((o) => o !== 'open' && o.code === 1008 && o.reason === 'quota exceeded');
    expect(open).toHaveLength(1);
    expect(refused).toHaveLength(attempts - 1);

    // Ending the live call frees the slot.
    const live = clients[outcomes.indexOf('open')]!;
    live.sendStop();
    await live.waitForClose(5000);
    const next = await startCall(product, api, setup);
    next.client.sendStop();
    await next.client.waitForClose(5000);
  });
});
