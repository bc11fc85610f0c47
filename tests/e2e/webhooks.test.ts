/**
 * Customer webhooks against the embedded product: a receiver that is down through a run's start
 * and end and through a crash of the product gets both events once it is back, each attempt
 * recorded and numbered across the restart, every request signed.
 */
import { randomUUID } from 'node:crypto';
import { startWebhookReceiver, verifyWebhookSignature, type WebhookReceiver } from '@vr3/control-plane/testing';
import { startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { finalRun, setupCloudonix, startCall } from '../harness/cloudonix.ts';
import { ProductProcess, eventually, makeInitializedDataDir } from '../harness/product.ts';

const TOKEN = `cx-token-${randomUUID()}`;
const SECRET = `whsec_${randomUUID()}`;
/** Short retries: 300 ms doubling up to 1 s, enough attempts to outlast the test's outage. */
const WEBHOOK_ENV = { VR3_WEBHOOK_BACKOFF_MS: '300', VR3_WEBHOOK_MAX_BACKOFF_MS: '1000', VR3_WEBHOOK_ATTEMPTS: '100', VR3_WEBHOOK_TIMEOUT_MS: '2000' };
const started: ProductProcess[] = [];
let api: FakeCloudonixApi | undefined;
let receiver: WebhookReceiver | undefined;

afterAll(async () => {
  for (const p of started) await p.stop();
  await receiver?.close();
  await api?.close();
});

const start = async (dataDir: string, apiKey?: string): Promise<ProductProcess> => {
  const p = await ProductProcess.start({ dataDir, ...(apiKey ? { apiKey } : {}), env: WEBHOOK_ENV });
  started.push(p);
  return p;
};

interface Attempt {
  delivery_id: string;
  event: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  next_attempt_at: string | null;
  delivered_at: string | null;
}

/** Every attempt of the run's deliveries, oldest first. */
async function attempts(product: ProductProcess, runId: string): Promise<Attempt[]> {
  const all: Attempt[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: { data: Attempt[]; next_cursor: string | null } } = await product.api('GET', `/runs/${runId}/webhook-deliveries?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    all.push(...res.body.data);
    cursor = res.body.next_cursor;
  } while (cursor);
  return all.reverse();
}

const ofEvent = (list: Attempt[], event: string) => list.filter((a) => a.event === event);

describe('webhooks', () => {
  it('retries across a receiver outage and a control-plane restart, losing nothing', async () => {
    api = await startFakeCloudonixApi({ bearerToken: TOKEN });
    receiver = await startWebhookReceiver();
    const dataDir = await makeInitializedDataDir();
    const first = await start(dataDir);
    const setup = await setupCloudonix(first, api, TOKEN);
    const patched = await first.api('PATCH', `/agents/${setup.agentUuid}`, { webhook_url: receiver.url, webhook_secret: SECRET });
    expect(patched.body).toMatchObject({ webhook_url: receiver.url, webhook_secret_set: true });
    expect(JSON.stringify(patched.body)).not.toContain(SECRET);

    // The receiver is down for the whole call.
    await receiver.down();
    const call = await startCall(first, api, setup);
    call.client.sendStop();
    expect(await finalRun(first, call.runId)).toMatchObject({ state: 'completed' });

    // Both events are tried and fail, with a next attempt announced.
    const before = await eventually(async () => {
      const list = await attempts(first, call.runId);
      return ofEvent(list, 'run.started').length >= 2 && ofEvent(list, 'run.ended').length >= 2 && list;
    }, 20_000);
    for (const a of before) {
      expect(a).toMatchObject({ status_code: null, error: 'connection_refused', delivered_at: null });
      expect(a.next_attempt_at).not.toBeNull();
    }

    // The product crashes and comes back; the receiver is still down.
    await first.kill();
    const second = await start(dataDir, first.apiKey);
    const during = await eventually(async () => {
      const list = await attempts(second, call.runId);
      return list.length >= before.length + 2 && list;
    }, 20_000);
    expect(during.every((a) => a.delivered_at === null)).toBe(true);
    expect(receiver.received).toHaveLength(0);

    // The receiver is back: each event is delivered once more, signed, under its delivery id.
    await receiver.up();
    const after = await eventually(async () => {
      const list = await attempts(second, call.runId);
      return ['run.started', 'run.ended'].every((e) => ofEvent(list, e).some((a) => a.delivered_at !== null)) && list;
    }, 20_000);
    for (const event of ['run.started', 'run.ended']) {
      const tries = ofEvent(after, event);
      // Numbered 1…n across the restart, one delivery id, only the last delivered, nothing after it.
      expect(tries.map((a) => a.attempt)).toEqual(tries.map((_, i) => i + 1));
      expect(new Set(tries.map((a) => a.delivery_id)).size).toBe(1);
      expect(tries.slice(0, -1).every((a) => a.delivered_at === null)).toBe(true);
      expect(tries.at(-1)).toMatchObject({ status_code: 200, error: null, next_attempt_at: null });

      const hooks = receiver.received.filter((w) => w.headers['x-vr3-event'] === event);
      expect(hooks).toHaveLength(1);
      const [hook] = hooks;
      expect(hook!.headers['x-vr3-delivery']).toBe(tries[0]!.delivery_id);
      expect(hook!.headers['x-vr3-attempt']).toBe(String(tries.length));
      expect(verifyWebhookSignature(SECRET, hook!.headers, hook!.body)).toBe(true);
      const body = JSON.parse(hook!.body);
      expect(body).toMatchObject({ id: tries[0]!.delivery_id, type: event, run: { id: call.runId, agent_uuid: setup.agentUuid, state: 'completed', from: '+15555550100', to: '+15555550199' } });
    }
    const ended = JSON.parse(receiver.received.find((w) => w.headers['x-vr3-event'] === 'run.ended')!.body);
    expect(ended.run).toMatchObject({ end_reason: expect.any(String), duration_seconds: expect.any(Number) });
    // The secret is never logged.
    expect(first.log() + second.log()).not.toContain(SECRET);
  }, 120_000);
});
