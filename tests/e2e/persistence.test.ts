import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { ProductProcess, eventually, makeDataDir } from '../harness/product.ts';
import { finalRun, setupCloudonix, startCall } from '../harness/cloudonix.ts';

const TOKEN = `cx-token-${randomUUID()}`;
const started: ProductProcess[] = [];
let api: FakeCloudonixApi | undefined;

const start = async (options: Parameters<typeof ProductProcess.start>[0]) => {
  const p = await ProductProcess.start(options);
  started.push(p);
  return p;
};

afterAll(async () => {
  for (const p of started) await p.stop();
  await api?.close();
});

describe('embedded persistence', () => {
  it('keeps agents, configurations and runs across a restart; a killed process leaves no run live', async () => {
    api = await startFakeCloudonixApi({ bearerToken: TOKEN });
    const dataDir = makeDataDir();
    const first = await start({ dataDir });
    const setup = await setupCloudonix(first, api, TOKEN);
    const call = await startCall(first, api, setup);
    call.client.sendStop();
    await finalRun(first, call.runId);

    // A second process on the same data dir refuses to start.
    await expect(ProductProcess.start({ dataDir, apiKey: first.apiKey })).rejects.toThrow(/exited with 3/);

    expect(await first.stop()).toBe(0);

    const second = await start({ dataDir, apiKey: first.apiKey });
    expect((await second.api('GET', `/agents/${setup.agentUuid}`)).body.uuid).toBe(setup.agentUuid);
    const cfg = await second.api('GET', `/telephony-configurations/${setup.configId}`);
    expect(cfg.body).toMatchObject({ id: setup.configId, domain_id: 'acme.cloudonix.net', has_bearer_token: true });
    expect(cfg.body).not.toHaveProperty('bearer_token');
    expect((await second.api('GET', `/runs/${call.runId}`)).body).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });

    // The stored token still decrypts: a new call validates against the fake API.
    const live = await startCall(second, api, setup);
    await new Promise((r) => setTimeout(r, 5_500)); // at least one edge heartbeat while the call is live
    const killedAt = Date.now();
    await second.kill();
    await new Promise((r) => setTimeout(r, 1_500)); // the restart comes well after the crash

    const restartedAt = Date.now();
    const third = await start({ dataDir, apiKey: first.apiKey });
    const ended = await finalRun(third, live.runId);
    expect(ended).toMatchObject({ state: 'failed', end_reason: 'edge_lost' });
    // Ended at its edge's last heartbeat, not at the restart: billed for the time it was known live.
    const endedAt = Date.parse(ended.ended_at);
    expect(endedAt).toBeGreaterThanOrEqual(Date.parse(ended.started_at));
    expect(endedAt).toBeLessThanOrEqual(killedAt);
    expect(endedAt).toBeLessThan(restartedAt - 1_000);
    expect(ended.duration_seconds).toBeGreaterThanOrEqual(0);
    expect(ended.duration_seconds).toBeLessThanOrEqual(6);
    // Its quota slot is free (counters reconciled at start) and the provider is told to hang up.
    const me = await third.api('GET', '/me');
    expect((await third.api('GET', `/users/${me.body.user_id}/quota`)).body.usage.active_calls).toBe(0);
    await eventually(async () => api!.requests.some((r) => r.method === 'DELETE' && r.path.includes(`/sessions/${live.session}`)));
    await eventually(async () => {
      const logs = (await third.api('GET', `/runs/${live.runId}`)).body.logs;
      return (logs?.provider_actions ?? []).some((a: any) => a.action === 'hangup' && a.source === 'control-plane' && a.outcome === 'succeeded');
    });
  });

  it('the first start without a bootstrap key creates one and prints it once', async () => {
    const dataDir = makeDataDir();
    const first = await start({ dataDir, apiKey: null });
    // The banner follows the `listening` line.
    const key = await eventually(async () => first.log().match(/\b(vr3_[A-Za-z0-9_-]{20,})\b/)?.[1]);
    const me = await first.api('GET', '/me', undefined, key);
    expect(me.status).toBe(200);
    expect(me.body).toHaveProperty('organization_id');
    expect((await first.api('GET', '/me', undefined, 'vr3_wrong')).status).toBe(401);
    await first.stop();

    const second = await start({ dataDir, apiKey: null });
    expect(second.log()).not.toContain(key);
    expect((await second.api('GET', '/me', undefined, key)).status).toBe(200);
  });
});
