/**
 * A run-bound stream token expires (`VR3_OUTBOUND_STREAM_TOKEN_TTL_MS`, here 1 s): the called party
 * answers after the token expired, its stream presents the token and is closed 4400 `invalid stream
 * token` before any run is touched — no run is minted and the placed call's run never starts (its
 * `completed` callback then ends it `failed`, the call having ended before its stream connected).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeProviderApi } from '@vr3/providers/testing';
import { dialOf, placeCall, startOutboundRig, type OutboundRig } from '../harness/outbound.ts';
import type { ProductProcess } from '../harness/product.ts';
import { finalRun, type ProviderSetup } from '../harness/providers.ts';

const TTL_MS = 1000;

let rig: OutboundRig<'twilio'>;
let product: ProductProcess;
let twilio: FakeProviderApi;
let setup: ProviderSetup;

beforeAll(async () => {
  // The called party rings well past the token's lifetime before answering.
  rig = await startOutboundRig(['twilio'], { standIn: { dialBack: { ringMs: TTL_MS + 1500, holdMs: 200 } }, product: { env: { VR3_OUTBOUND_STREAM_TOKEN_TTL_MS: String(TTL_MS) } } });
  ({ product } = rig);
  setup = rig.setups.twilio;
  twilio = setup.api;
});
afterAll(async () => {
  await rig?.close();
});

describe('an expired stream token', () => {
  it('closes the stream 4400 and touches no run', async () => {
    const placed = await placeCall(product, setup, '+15550003001');
    const dial = await dialOf(twilio, '+15550003001');
    expect(dial.streamUrl).toMatch(new RegExp(`/api/v1/agent-stream/twilio/${setup.agentUuid}/[A-Za-z0-9_-]{43}$`));
    expect(dial.close).toEqual({ code: 4400, reason: 'invalid stream token' });

    const runs = (await product.api('GET', `/runs?agent_uuid=${setup.agentUuid}&limit=100`)).body.data as any[];
    expect(runs.map((r) => r.id)).toEqual([placed.id]);
    const run = await finalRun(product, placed.id);
    expect(run).toMatchObject({ state: 'failed', end_reason: 'provider_failed', started_at: null, dial_status: 'completed' });
  });
});
