/**
 * Timeouts on the admission and validation path of the embedded product: the edge's `RunStart`
 * wait covers the provider timeout (a slow provider is admitted; one slower than its timeout gets
 * 4400, never 1011), and the embedded reaper ends a run the edge abandoned, freeing its quota slot.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '@vr3/control-plane/testing';
import { CloudonixMediaClient, startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { ProductProcess } from '../harness/product.ts';
import { DOMAIN, finalRun, newestRun, setupCloudonix, startCall, type CloudonixSetup } from '../harness/cloudonix.ts';

const TOKEN = `cx-token-${randomUUID()}`;
let pgServer: TestPostgres;
let api: FakeCloudonixApi;

beforeAll(async () => {
  [pgServer, api] = await Promise.all([startTestPostgres(), startFakeCloudonixApi({ bearerToken: TOKEN })]);
});

afterAll(async () => {
  await api?.close();
  await pgServer?.stop();
});

describe('RunStart waits for the provider timeout (VR3_PROVIDER_TIMEOUT_MS 4000 → RunStart 7 s)', () => {
  let product: ProductProcess;
  let setup: CloudonixSetup;

  beforeAll(async () => {
    product = await ProductProcess.start({ env: { DATABASE_URL: await pgServer.createDatabase({ migrate: false }), VR3_PROVIDER_TIMEOUT_MS: '4000' } });
    setup = await setupCloudonix(product, api, TOKEN);
  });

  afterAll(async () => {
    api.setDelay(0);
    await product?.stop();
  });

  it('a provider validating in 3 s (beyond the 2 s bus timeout): the call is admitted and runs', async () => {
    api.setDelay(3_000);
    const started = Date.now();
    const call = await startCall(product, api, setup);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
    api.setDelay(0);
    call.client.sendStop();
    expect((await call.client.waitForClose(5_000)).code).toBe(1000);
    expect(await finalRun(product, call.runId)).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
  });

  it('a provider slower than VR3_PROVIDER_TIMEOUT_MS: 4400 session validation failed, not 1011', async () => {
    api.addSession(DOMAIN, 'too-slow');
    api.setDelay(6_000);
    const started = Date.now();
    const client = await CloudonixMediaClient.connect(product.streamUrl(setup.agentUuid, { provider: 'cloudonix', Domain: 'acme' }));
    client.sendConnected();
    client.sendStart({ session: 'too-slow' });
    expect(await client.waitForClose(8_000)).toEqual({ code: 4400, reason: 'session validation failed' });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(3_900);
    expect(elapsed).toBeLessThan(6_000);
    api.setDelay(0);
    const run = await finalRun(product, (await newestRun(product, setup.agentUuid)).id);
    expect(run).toMatchObject({ state: 'failed', end_reason: 'session_validation_failed' });
  });
});

describe('runs the edge abandoned: undone at once when minted late, else ended by the embedded reaper', () => {
  const INITIALIZED_TIMEOUT_MS = 5_500; // handshake 1500 + RunStart (500 + 3000) = 5000 is the floor
  let product: ProductProcess;
  let setup: CloudonixSetup;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await pgServer.createDatabase({ migrate: false });
    product = await ProductProcess.start({
      env: {
        DATABASE_URL: databaseUrl,
        VR3_PROVIDER_TIMEOUT_MS: '500',
        VR3_INITIALIZED_RUN_TIMEOUT_MS: String(INITIALIZED_TIMEOUT_MS),
        VR3_REAPER_INTERVAL_MS: '250',
      },
    });
    setup = await setupCloudonix(product, api, TOKEN);
    const me = await product.api('GET', '/me');
    expect((await product.api('PUT', `/users/${me.body.user_id}/quota`, { max_concurrent_calls: 1, monthly_call_seconds: null })).status).toBe(200);
  });

  afterAll(async () => {
    await product?.stop();
  });

  it('an admission minted well after the edge gave up (1011) is undone at once: no slot held, the next caller gets through', async () => {
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      await db.query('BEGIN');
      // The run insert waits 3.5 s: past the edge's 2 s wait and the control-plane's 0.5 s grace.
      await db.query('LOCK TABLE "workflow_runs" IN EXCLUSIVE MODE');
      const client = await CloudonixMediaClient.connect(product.streamUrl(setup.agentUuid, { provider: 'cloudonix', Domain: 'acme' }));
      client.sendConnected();
      client.sendStart({ session: 'abandoned-late' });
      expect(await client.waitForClose(5_000)).toMatchObject({ code: 1011 });
      await new Promise((r) => setTimeout(r, 1_500));
    } finally {
      await db.query('COMMIT').catch(() => undefined);
      await db.end();
    }
    const undone = await (async () => {
      for (let i = 0; i < 40; i++) {
        const run = await newestRun(product, setup.agentUuid);
        if (run && run.state !== 'initialized') return run;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the abandoned admission was not undone');
    })();
    expect(undone).toMatchObject({ state: 'failed', end_reason: 'server_error', error: 'admission abandoned: minted after the edge stopped waiting' });
    const me = await product.api('GET', '/me');
    expect((await product.api('GET', `/users/${me.body.user_id}/quota`)).body.usage.active_calls).toBe(0);
    const call = await startCall(product, api, setup);
    call.client.sendStop();
    expect((await call.client.waitForClose(5_000)).code).toBe(1000);
  });

  it('an admission answered just after the edge gave up (1011, within the grace) leaves a run initialized that holds the slot until the reaper ends it', async () => {
    // Hold off every run insert for longer than the edge's 2 s admission wait.
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    let abandonedClose: { code: number; reason: string } | undefined;
    try {
      await db.query('BEGIN');
      await db.query('LOCK TABLE "workflow_runs" IN EXCLUSIVE MODE');
      const client = await CloudonixMediaClient.connect(product.streamUrl(setup.agentUuid, { provider: 'cloudonix', Domain: 'acme' }));
      client.sendConnected();
      client.sendStart({ session: 'abandoned' }); // the handshake is complete: only admission is waited for
      abandonedClose = await client.waitForClose(5_000);
    } finally {
      await db.query('COMMIT').catch(() => undefined);
      await db.end();
    }
    expect(abandonedClose).toMatchObject({ code: 1011 });
    const minted = Date.now();
    const abandoned = await (async () => {
      for (let i = 0; i < 40; i++) {
        const run = await newestRun(product, setup.agentUuid);
        if (run) return run;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the abandoned admission minted no run');
    })();
    expect(abandoned.state).toBe('initialized');
    // No socket is open, yet the run holds the customer's only slot.
    const refused = await CloudonixMediaClient.connect(product.streamUrl(setup.agentUuid, { provider: 'cloudonix', Domain: 'acme' }));
    expect(await refused.waitForClose(5_000)).toEqual({ code: 1008, reason: 'quota exceeded' });

    const ended = await finalRun(product, abandoned.id, INITIALIZED_TIMEOUT_MS + 3_000);
    expect(ended).toMatchObject({ state: 'failed', end_reason: 'handshake_timeout' });
    expect(Date.now() - minted).toBeLessThan(INITIALIZED_TIMEOUT_MS + 2_000);
    // The slot is free again.
    const call = await startCall(product, api, setup);
    call.client.sendStop();
    expect((await call.client.waitForClose(5_000)).code).toBe(1000);
  });
});
