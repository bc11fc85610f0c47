/**
 * A run-bound stream token expires (`VR3_OUTBOUND_STREAM_TOKEN_TTL_MS`, here 1 s): the called party
 * answers after the token expired, its stream presents the token and is closed 4400 `invalid stream
 * token` before any run is touched — no run is minted and the placed call's run never starts (its
 * `completed` callback then ends it `failed`, the call having ended before its stream connected).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProviderApi, type FakeProviderApi } from '@vr3/providers/testing';
import { eventually, ProductProcess } from '../harness/product.ts';
import { finalRun, setupProvider, type ProviderSetup } from '../harness/providers.ts';

const TTL_MS = 1000;

let product: ProductProcess;
let twilio: FakeProviderApi;
let setup: ProviderSetup;

beforeAll(async () => {
  // The called party rings well past the token's lifetime before answering.
  twilio = await startFakeProviderApi('twilio', { dialBack: { ringMs: TTL_MS + 1500, holdMs: 200 } });
  product = await ProductProcess.start({ env: { VR3_OUTBOUND_STREAM_TOKEN_TTL_MS: String(TTL_MS) } });
  setup = await setupProvider(product, twilio);
});
afterAll(async () => {
  await product?.stop();
  await twilio?.close();
});

describe('an expired stream token', () => {
  it('closes the stream 4400 and touches no run', async () => {
    const placed = await product.api('POST', `/agents/${setup.agentUuid}/calls`, { telephony_configuration_id: setup.configId, to: '+15550003001', from: '+15550000100' });
    expect(placed.status).toBe(201);
    const dial = await eventually(async () => twilio.dials[0], 5000);
    await dial.done;
    expect(dial.streamUrl).toMatch(new RegExp(`/api/v1/agent-stream/twilio/${setup.agentUuid}/[A-Za-z0-9_-]{43}$`));
    expect(dial.close).toEqual({ code: 4400, reason: 'invalid stream token' });

    const runs = (await product.api('GET', `/runs?agent_uuid=${setup.agentUuid}&limit=100`)).body.data as any[];
    expect(runs.map((r) => r.id)).toEqual([placed.body.id]);
    const run = await finalRun(product, placed.body.id);
    expect(run).toMatchObject({ state: 'failed', end_reason: 'provider_failed', started_at: null, dial_status: 'completed' });
  });
});
