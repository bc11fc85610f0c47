/**
 * Customer webhooks on the distributed topology (BullMQ): with two control-planes, a receiver down
 * through a call and through the loss of one replica gets each event once it is back, delivered
 * by whichever replica holds the job, signed, every attempt recorded and numbered.
 */
import { randomUUID } from 'node:crypto';
import { startWebhookReceiver, verifyWebhookSignature, type WebhookReceiver } from '@vr3/control-plane/testing';
import { startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalRun, setupCloudonix, startCall } from '../harness/cloudonix.ts';
import { DistributedStack } from '../harness/distributed.ts';
import { eventually } from '../harness/product.ts';

const TOKEN = `cx-token-${randomUUID()}`;
const SECRET = `whsec_${randomUUID()}`;
/** Short retries: 300 ms doubling up to 1 s, enough attempts to outlast the outage. */
const WEBHOOK_ENV = { VR3_WEBHOOK_BACKOFF_MS: '300', VR3_WEBHOOK_MAX_BACKOFF_MS: '1000', VR3_WEBHOOK_ATTEMPTS: '100', VR3_WEBHOOK_TIMEOUT_MS: '2000' };

let stack: DistributedStack;
let api: FakeCloudonixApi;
let receiver: WebhookReceiver;

beforeAll(async () => {
  [api, receiver] = await Promise.all([startFakeCloudonixApi({ bearerToken: TOKEN }), startWebhookReceiver()]);
  stack = await DistributedStack.start({ controlPlanes: 2, edges: 1, controlPlaneEnv: WEBHOOK_ENV });
});

afterAll(async () => {
  await stack?.stop();
  await Promise.all([receiver?.close(), api?.close()]);
});

interface Attempt {
  delivery_id: string;
  event: string;
  attempt: number;
  delivered_at: string | null;
}

/** Every attempt of the run's deliveries, oldest first (read on the live replica). */
async function attempts(runId: string): Promise<Attempt[]> {
  const res = await stack.api<{ data: Attempt[] }>('GET', `/runs/${runId}/webhook-deliveries?limit=200`);
  expect(res.status).toBe(200);
  return res.body.data.reverse();
}

describe('webhooks, distributed', () => {
  it('survive a receiver outage and the loss of a replica: each event delivered once, signed, attempts numbered', async () => {
    const target = stack.via(stack.edges[0]!);
    const setup = await setupCloudonix(target, api, TOKEN);
    expect((await stack.api('PATCH', `/agents/${setup.agentUuid}`, { webhook_url: receiver.url, webhook_secret: SECRET })).status).toBe(200);

    await receiver.down();
    const call = await startCall(target, api, setup);
    call.client.sendStop();
    expect(await finalRun(target, call.runId, 10_000)).toMatchObject({ state: 'completed' });
    await eventually(async () => {
      const list = await attempts(call.runId);
      return ['run.started', 'run.ended'].every((e) => list.filter((a) => a.event === e).length >= 2) || undefined;
    }, 20_000);

    // One replica is lost while the receiver is still down; the other carries on.
    await stack.controlPlanes[0]!.kill();
    const before = (await attempts(call.runId)).length;
    await eventually(async () => ((await attempts(call.runId)).length >= before + 2 ? true : undefined), 20_000);
    expect(receiver.received).toHaveLength(0);

    await receiver.up();
    const after = await eventually(async () => {
      const list = await attempts(call.runId);
      return ['run.started', 'run.ended'].every((e) => list.some((a) => a.event === e && a.delivered_at !== null)) && list;
    }, 20_000);
    for (const event of ['run.started', 'run.ended']) {
      const tries = after.filter((a) => a.event === event);
      expect(tries.map((a) => a.attempt)).toEqual(tries.map((_, i) => i + 1));
      expect(new Set(tries.map((a) => a.delivery_id)).size).toBe(1);
      expect(tries.slice(0, -1).every((a) => a.delivered_at === null)).toBe(true);
      const hooks = receiver.received.filter((w) => w.headers['x-vr3-event'] === event);
      expect(hooks).toHaveLength(1);
      expect(hooks[0]!.headers['x-vr3-delivery']).toBe(tries[0]!.delivery_id);
      expect(verifyWebhookSignature(SECRET, hooks[0]!.headers, hooks[0]!.body)).toBe(true);
      expect(JSON.parse(hooks[0]!.body)).toMatchObject({ type: event, run: { id: call.runId, state: 'completed' } });
    }
  }, 120_000);
});
