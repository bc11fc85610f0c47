/**
 * Text PostgreSQL cannot store (NUL, unpaired UTF-16 surrogates) from the network, through the
 * embedded product: REST bodies and queries are refused 400 `validation_failed`, a stream URL or
 * `start` carrying it is refused 4400 (its run, if one was minted, ends failed and frees its quota
 * slot), and a provider `stop` reason carrying it still ends the run.
 */
import { randomUUID } from 'node:crypto';
import { CloudonixMediaClient, startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalRun, newestRun, setupCloudonix, startCall, type CloudonixSetup } from '../harness/cloudonix.ts';
import { ProductProcess } from '../harness/product.ts';

const TOKEN = `cx-token-${randomUUID()}`;
const UNSAFE = 'contains NUL or an unpaired UTF-16 surrogate';
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

const url = (query: Record<string, string>) => product.streamUrl(setup.agentUuid, { provider: 'cloudonix', Domain: 'acme', ...query });
const runCount = async () => ((await product.api('GET', `/runs?agent_uuid=${setup.agentUuid}&limit=100`)).body.data as unknown[]).length;

describe('REST', () => {
  it('a NUL in a name is 400 validation_failed naming the field, never 500', async () => {
    expect(await product.api('POST', '/agents', { name: 'Echo\u0000', engine: { type: 'echo' } })).toEqual({
      status: 400,
      body: { error: { code: 'validation_failed', message: `name: ${UNSAFE}` } },
    });
    const config = await product.api('PATCH', `/telephony-configurations/${setup.configId}`, { name: 'Acme \uD800' });
    expect(config).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', message: `name: ${UNSAFE}` } } });
    expect((await product.api('GET', '/runs?agent_uuid=%00')).status).toBe(400);
  });
});

describe('Agent Stream', () => {
  it('a query parameter holding NUL closes 4400 and mints no run', async () => {
    const before = await runCount();
    const client = await CloudonixMediaClient.connect(url({ from: '+1555\u0000' }));
    expect(await client.waitForClose(5000)).toEqual({ code: 4400, reason: 'malformed handshake' });
    expect(await runCount()).toBe(before);
  });

  it('a start holding NUL closes 4400, fails its run malformed_handshake and frees the quota slot', async () => {
    expect((await product.api('PUT', `/users/${userId}/quota`, { max_concurrent_calls: 1, monthly_call_seconds: null })).status).toBe(200);
    try {
      const client = await CloudonixMediaClient.connect(url({ callId: 'unsafe-start' }));
      client.sendConnected();
      client.sendStart({ session: `s-${randomUUID()}`, customParameters: { note: 'a\u0000b' } });
      expect(await client.waitForClose(5000)).toEqual({ code: 4400, reason: 'malformed handshake' });
      const run = await finalRun(product, (await newestRun(product, setup.agentUuid)).id);
      expect(run).toMatchObject({ state: 'failed', end_reason: 'malformed_handshake', gathered_context: { call_id: 'unsafe-start' } });
      expect(run.logs.inbound_webhook.start).toBeUndefined();

      // The only slot is free again: the next call is admitted and runs.
      const call = await startCall(product, api, setup);
      call.client.sendStop();
      expect((await call.client.waitForClose(5000)).code).toBe(1000);
      expect(await finalRun(product, call.runId)).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    } finally {
      await product.api('PUT', `/users/${userId}/quota`, { max_concurrent_calls: null, monthly_call_seconds: null });
    }
  });

  it('a start with an unpaired surrogate in its numbers closes 4400', async () => {
    const client = await CloudonixMediaClient.connect(url({ callId: 'unsafe-from' }));
    client.sendConnected();
    client.sendStart({ session: `s-${randomUUID()}`, from: '+1555\uDC00' });
    expect(await client.waitForClose(5000)).toEqual({ code: 4400, reason: 'malformed handshake' });
    expect(await finalRun(product, (await newestRun(product, setup.agentUuid)).id)).toMatchObject({ state: 'failed', end_reason: 'malformed_handshake' });
  });

  it('a stop reason holding NUL, or cut inside a surrogate pair, still ends the run', async () => {
    for (const reason of ['caller\u0000hung up', `${'a'.repeat(63)}😀😀`]) {
      const call = await startCall(product, api, setup);
      call.client.sendRaw(JSON.stringify({ event: 'stop', streamSid: call.streamSid, stop: { reason } }));
      expect((await call.client.waitForClose(5000)).code).toBe(1000);
      const run = await finalRun(product, call.runId);
      expect(run).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    }
  });
});
