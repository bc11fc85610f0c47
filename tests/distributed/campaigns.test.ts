/**
 * A campaign on the distributed topology: two control-planes share the dialer (its tick is one
 * BullMQ schedule for the fleet, its dial jobs run on whichever replica takes them) and one
 * media-edge takes the answered calls through the front door. Every contact is dialled once, at
 * the campaign's rate, never more than `max_concurrent` at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProviderApi, type FakeProviderApi } from '@vr3/providers/testing';
import { DistributedStack } from '../harness/distributed.ts';
import { startFrontDoor, type FrontDoor } from '../harness/front-door.ts';
import { eventually } from '../harness/product.ts';
import { setupProvider, type ProviderSetup } from '../harness/providers.ts';

const FROM = '+15550000100';

let frontDoor: FrontDoor;
let stack: DistributedStack;
let twilio: FakeProviderApi;
let setup: ProviderSetup;
let turn = 0;

beforeAll(async () => {
  twilio = await startFakeProviderApi('twilio', { dialBack: { holdMs: 600 } });
  frontDoor = await startFrontDoor({
    controlPlanePort: () => stack.controlPlanes[turn++ % stack.controlPlanes.length]!.port,
    edgePort: () => stack.edges[0]!.port,
  });
  stack = await DistributedStack.start({ controlPlanes: 2, edges: 1, controlPlaneEnv: { VR3_PUBLIC_URL: frontDoor.url } });
  setup = await setupProvider(stack.via(stack.edges[0]!), twilio);
});

afterAll(async () => {
  await stack?.stop();
  await Promise.all([frontDoor?.close(), twilio?.close()]);
});

describe('campaigns, distributed', () => {
  it('two replicas dial every contact once, at the rate and within max_concurrent', async () => {
    const to = Array.from({ length: 10 }, (_, i) => `+1555000${3001 + i}`);
    const created = await stack.api('POST', '/campaigns', {
      agent_uuid: setup.agentUuid,
      telephony_configuration_id: setup.configId,
      from: FROM,
      calls_per_second: 5,
      max_concurrent: 2,
      contacts: to.map((t) => ({ to: t })),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const done = await eventually(async () => {
      const c = await stack.api('GET', `/campaigns/${created.body.id}`, undefined, 1);
      return c.body.state === 'completed' ? c.body : undefined;
    }, 40_000, 200);
    expect(done.progress, stack.logs()).toMatchObject({ total: 10, completed: 10, failed: 0, dials: 10 });

    for (const number of to) expect(twilio.dials.filter((d) => d.placement.to === number)).toHaveLength(1);
    const contacts = (await stack.api('GET', `/campaigns/${created.body.id}/contacts?limit=50`)).body.data as any[];
    const runs = await Promise.all(contacts.map(async (c) => (await stack.api('GET', `/runs/${c.run_ids[0]}`)).body));
    const turns = runs.map((r) => Date.parse(r.logs.outbound.dialled_at)).sort((a, b) => a - b);
    expect(Math.min(...turns.slice(1).map((t, i) => t - turns[i]!))).toBeGreaterThanOrEqual(200);
    let most = 0;
    for (const r of runs) most = Math.max(most, runs.filter((o) => o.created_at <= r.created_at && o.ended_at > r.created_at).length);
    expect(most).toBeLessThanOrEqual(2);
    for (const r of runs) expect(r).toMatchObject({ state: 'completed', edge_id: 'edge-1' });
  });
});
