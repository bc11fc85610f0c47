/**
 * Outbound calls on the distributed topology: two control-planes (the placement job runs on
 * BullMQ, on whichever replica takes it) and one media-edge behind a front door that routes stream
 * upgrades to the edge and everything else to the control-planes in turn, as the deployment's
 * load balancer does. The stand-in provider dials back through the public URL: the run-bound
 * stream (its upgrade signed as Twilio signs it, and checked) lands on the edge, the status
 * callbacks on either replica, and the run ends completed with every callback merged; a busy call
 * ends failed/busy and gives its quota slot back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dominantFrequency } from '@vr3/codec/testing';
import { startFakeProviderApi, type FakeProviderApi, type StandInDial } from '@vr3/providers/testing';
import { DistributedStack } from '../harness/distributed.ts';
import { startFrontDoor, type FrontDoor } from '../harness/front-door.ts';
import { eventually } from '../harness/product.ts';
import { finalRun, setupProvider, type ProviderSetup } from '../harness/providers.ts';

const BUSY = '+15550000486';
const FROM = '+15550000100';

let frontDoor: FrontDoor;
let stack: DistributedStack;
let twilio: FakeProviderApi;
let setup: ProviderSetup;
let turn = 0;

beforeAll(async () => {
  twilio = await startFakeProviderApi('twilio', { dialBack: { outcome: (to: string) => (to === BUSY ? 'busy' : 'answer'), holdMs: 800 } });
  frontDoor = await startFrontDoor({
    controlPlanePort: () => stack.controlPlanes[turn++ % stack.controlPlanes.length]!.port,
    edgePort: () => stack.edges[0]!.port,
  });
  // The edge knows the public URL too, so it has the Twilio signature of each stream's upgrade checked.
  const publicUrl = { VR3_PUBLIC_URL: frontDoor.url };
  stack = await DistributedStack.start({ controlPlanes: 2, edges: 1, controlPlaneEnv: publicUrl, edgeEnv: publicUrl });
  setup = await setupProvider(stack.via(stack.edges[0]!), twilio);
});

afterAll(async () => {
  await stack?.stop();
  await Promise.all([frontDoor?.close(), twilio?.close()]);
});

/** The stand-in's dial of the call to `to`, once it is over. */
async function dialTo(to: string): Promise<StandInDial> {
  const dial = await eventually(async () => twilio.dials.find((d) => d.placement.to === to), 10_000);
  await dial.done;
  return dial;
}

describe('outbound calls, distributed', () => {
  it('placed by a replica through BullMQ, streamed into the edge through the public URL, completed with its callbacks', async () => {
    const to = '+15550002001';
    const placed = await stack.api('POST', `/agents/${setup.agentUuid}/calls`, { telephony_configuration_id: setup.configId, to, from: FROM });
    expect(placed).toMatchObject({ status: 201, body: { call_type: 'outbound', state: 'initialized', dial_status: 'queued' } });

    const dial = await dialTo(to);
    expect(dial.error).toBeUndefined();
    expect(dial.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${frontDoor.port}/api/v1/agent-stream/twilio/${setup.agentUuid}/[A-Za-z0-9_-]{43}$`));
    expect(dial.close?.code, stack.logs()).toBe(1000);
    expect(Math.abs(dominantFrequency(dial.heardPcm!.subarray(800), dial.heardRate!) - 440)).toBeLessThan(10);
    expect(dial.callbacks.map((c) => c.httpStatus)).toEqual([204, 204, 204]);
    expect(frontDoor.counts.edge).toBeGreaterThanOrEqual(1);

    const run = await finalRun(stack.via(stack.edges[0]!), placed.body.id, 10_000);
    expect(run).toMatchObject({ state: 'completed', call_type: 'outbound', dial_status: 'completed', provider_call_id: dial.callId });
    expect(run.edge_id).toBe('edge-1');
    expect((run.logs.provider_callbacks as any[]).map((c) => c.status)).toEqual(['ringing', 'in-progress', 'completed']);
    expect(run.logs.provider_actions).toEqual([expect.objectContaining({ action: 'place', outcome: 'succeeded' })]);
  });

  it('a busy call ends failed/busy and its quota slot is free again on every replica', async () => {
    const placed = await stack.api('POST', `/agents/${setup.agentUuid}/calls`, { telephony_configuration_id: setup.configId, to: BUSY, from: FROM });
    expect(placed.status).toBe(201);
    const dial = await dialTo(BUSY);
    expect(dial.streamUrl).toBeUndefined();
    expect(await finalRun(stack.via(stack.edges[0]!), placed.body.id, 10_000)).toMatchObject({ state: 'failed', end_reason: 'busy', started_at: null });
    const userId = (await stack.api('GET', '/me')).body.user_id;
    for (const cp of [0, 1]) {
      expect(await eventually(async () => (await stack.api('GET', `/users/${userId}/quota`, undefined, cp)).body.usage.active_calls === 0, 5000)).toBe(true);
    }
  });
});
