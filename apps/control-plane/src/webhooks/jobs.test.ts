/**
 * Webhooks end to end inside the control-plane: agent settings over REST, the trigger queuing
 * `run.started` / `run.ended` with the state change, signed deliveries to a real receiver, the retry
 * schedule, 410 and giving up, and the attempt list. A real database and the durable job queue.
 */
import { EndReason, RunState, Subjects, type RunStartResponse } from '@vr3/protocol';
import { startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma, type Db } from '../db/prisma.ts';
import { finalizeRun } from '../db/runs.ts';
import { createDurableJobQueue, type DurableJobQueue } from '../jobs/durable-queue.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture, type AgentStreamFixture } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { startWebhookReceiver, verifyWebhookSignature, type ReceivedWebhook, type WebhookReceiver } from '../testing/webhook-receiver.ts';

const TOKEN = 'webhook-cloudonix-token';
const SECRET = 'whsec_unit_test_secret_0123456789';
const TRANSCRIPT_LINE = 'my card number is four four four';
let server: TestPostgres;
let api: FakeCloudonixApi;
let jobsPrisma: Db;
let jobs: DurableJobQueue;
let cp: TestControlPlane;
let fx: AgentStreamFixture;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
  api = await startFakeCloudonixApi({ bearerToken: TOKEN });
  const databaseUrl = await server.createDatabase();
  jobsPrisma = createPrisma(databaseUrl);
  jobs = createDurableJobQueue({ prisma: jobsPrisma, logger: pino({ level: 'silent' }), sweepIntervalMs: 100 });
  cp = await startTestControlPlane({
    databaseUrl,
    jobs,
    config: { webhookAttempts: 4, webhookBackoffMs: 200, webhookMaxBackoffMs: 400, webhookTimeoutMs: 1_000 },
  });
  fx = await createAgentStreamFixture(cp, { domain: 'hooks', bearerToken: TOKEN, apiBaseUrl: api.url });
});
afterAll(async () => {
  await cp?.close();
  await jobs?.close();
  await jobsPrisma?.$disconnect();
  for (const r of receivers) await r.close();
  await api?.close();
  await server?.stop();
});

async function receiver(): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver();
  receivers.push(r);
  await cp.api('PATCH', `/agents/${fx.agentUuid}`, { webhook_url: r.url, webhook_secret: SECRET });
  return r;
}

let sessions = 0;
/** A run of the fixture's agent moved to `running` through `RunStart`. */
async function runningRun(): Promise<string> {
  const session = `hook-${++sessions}`;
  api.addSession('hooks', session);
  const res = await admitStream(cp, fx.agentUuid, { Domain: fx.domain, from: '+15555550100', to: '+15555550199' });
  if (!res.ok) throw new Error('not admitted');
  const started = await cp.bus.request<RunStartResponse>(
    Subjects.RunStart,
    { run_id: res.run.id, edge_id: 'edge-1', start: { stream_id: 'MZ', session_id: session, custom_parameters: {}, media_format: { encoding: 'mulaw', sampleRate: 8000 }, metadata: {} } },
    { timeoutMs: 5000 },
  );
  if (!started.ok) throw new Error('not started');
  return res.run.id;
}

async function until<T>(fn: () => T | undefined | false, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const ofRun = (r: WebhookReceiver, runId: string, event: string): ReceivedWebhook[] =>
  r.received.filter((w) => w.headers['x-vr3-event'] === event && (JSON.parse(w.body) as { run: { id: string } }).run.id === runId);

const deliveries = async (runId: string): Promise<any[]> => (await cp.api('GET', `/runs/${runId}/webhook-deliveries`)).body.data;

/** The run's attempts once `count` are recorded, oldest first. */
async function settled(runId: string, count: number): Promise<any[]> {
  const deadline = Date.now() + 8_000;
  for (;;) {
    const rows = await deliveries(runId);
    if (rows.length >= count) return rows.reverse();
    if (Date.now() > deadline) throw new Error(`expected ${count} attempts, got ${rows.length}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('agent webhook settings', () => {
  it('needs a secret with a URL, keeps the secret write-only and sealed, and removes both with null', async () => {
    const name = 'settings';
    expect((await cp.api('POST', '/agents', { name, engine: { type: 'echo' }, webhook_url: 'http://127.0.0.1:9/x' })).body.error.code).toBe('webhook_secret_required');
    const short = await cp.api('POST', '/agents', { name, engine: { type: 'echo' }, webhook_url: 'http://127.0.0.1:9/x', webhook_secret: 'short' });
    expect(short).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    const created = await cp.api('POST', '/agents', { name, engine: { type: 'echo' }, webhook_url: 'http://127.0.0.1:9/x', webhook_secret: SECRET });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ webhook_url: 'http://127.0.0.1:9/x', webhook_secret_set: true });
    expect(JSON.stringify(created.body)).not.toContain(SECRET);
    const row = await cp.prisma.agent.findUniqueOrThrow({ where: { uuid: created.body.uuid } });
    expect(row.webhookSecretCiphertext).toMatch(/^v1\./);
    expect(row.webhookSecretCiphertext).not.toContain(SECRET);

    // A new URL keeps the stored secret; a secret alongside a removal is refused.
    const moved = await cp.api('PATCH', `/agents/${created.body.uuid}`, { webhook_url: 'http://127.0.0.1:10/y/' });
    expect(moved.body).toMatchObject({ webhook_url: 'http://127.0.0.1:10/y/', webhook_secret_set: true });
    expect((await cp.api('PATCH', `/agents/${created.body.uuid}`, { webhook_url: null, webhook_secret: SECRET })).status).toBe(400);
    const removed = await cp.api('PATCH', `/agents/${created.body.uuid}`, { webhook_url: null });
    expect(removed.body).toMatchObject({ webhook_url: null, webhook_secret_set: false });
    expect((await cp.api('PATCH', `/agents/${created.body.uuid}`, { webhook_url: 'ftp://x.example/' })).body.error.code).toBe('invalid_webhook_url');
  });
});

describe('webhook deliveries', () => {
  it('POSTs run.started and run.ended, signed, with the run, its numbers and its transcript', async () => {
    const r = await receiver();
    const runId = await runningRun();
    const [started] = await until(() => ofRun(r, runId, 'run.started').length > 0 && ofRun(r, runId, 'run.started'));
    await cp.prisma.workflowRun.update({ where: { id: runId }, data: { gatheredContext: { transcript: [{ role: 'caller', text: TRANSCRIPT_LINE }] } } });
    await finalizeRun(cp.prisma, { runId, state: RunState.Completed, endReason: EndReason.CallerHangup });
    const [ended] = await until(() => ofRun(r, runId, 'run.ended').length > 0 && ofRun(r, runId, 'run.ended'));

    for (const hook of [started!, ended!]) {
      expect(hook.method).toBe('POST');
      expect(hook.path).toBe('/hooks/vr3');
      expect(hook.headers['content-type']).toBe('application/json');
      expect(hook.headers['x-vr3-attempt']).toBe('1');
      expect(verifyWebhookSignature(SECRET, hook.headers, hook.body)).toBe(true);
      expect(verifyWebhookSignature('another-secret-0123456789', hook.headers, hook.body)).toBe(false);
      expect(verifyWebhookSignature(SECRET, hook.headers, hook.body.replace('"run"', '"run" '))).toBe(false);
      expect(JSON.parse(hook.body).id).toBe(hook.headers['x-vr3-delivery']);
    }
    const endedBody = JSON.parse(ended!.body);
    expect(endedBody).toMatchObject({
      type: 'run.ended',
      run: { id: runId, state: 'completed', end_reason: 'caller_hangup', from: '+15555550100', to: '+15555550199', agent_uuid: fx.agentUuid, provider: 'cloudonix' },
    });
    expect(endedBody.run.duration_seconds).toBeGreaterThanOrEqual(0);
    expect(endedBody.run.transcript).toEqual([{ role: 'caller', text: TRANSCRIPT_LINE }]);
    expect(JSON.parse(started!.body)).toMatchObject({ type: 'run.started', run: { id: runId } });
    expect(started!.headers['x-vr3-delivery']).not.toBe(ended!.headers['x-vr3-delivery']);

    const rows = await settled(runId, 2);
    expect(rows.map((d) => [d.event, d.attempt, d.status_code, d.error, d.next_attempt_at])).toEqual(
      expect.arrayContaining([
        ['run.started', 1, 200, null, null],
        ['run.ended', 1, 200, null, null],
      ]),
    );
    expect(rows.every((d) => d.delivered_at !== null)).toBe(true);
    // Neither the secret nor the transcript reaches the logs.
    expect(cp.logLines.join('\n')).not.toContain(SECRET);
    expect(cp.logLines.join('\n')).not.toContain(TRANSCRIPT_LINE);
    expect(cp.logLines.some((l) => l.includes('"webhook delivered"'))).toBe(true);
  });

  it('retries a failing receiver with exponential backoff, the same delivery id each time', async () => {
    const r = await receiver();
    const runId = await runningRun();
    // run.ended fails twice (500, then 503), then is taken.
    let endedTries = 0;
    r.respond((req) => (req.headers['x-vr3-event'] === 'run.ended' && ++endedTries <= 2 ? (endedTries === 1 ? 500 : 503) : 200));
    await finalizeRun(cp.prisma, { runId, state: RunState.Failed, endReason: EndReason.ServerError, error: 'test' });
    const hooks = await until(() => ofRun(r, runId, 'run.ended').length >= 3 && ofRun(r, runId, 'run.ended'));
    expect(hooks.map((h) => h.headers['x-vr3-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(hooks.map((h) => h.headers['x-vr3-delivery'])).size).toBe(1);
    expect(hooks.every((h) => verifyWebhookSignature(SECRET, h.headers, h.body))).toBe(true);

    const rows = (await settled(runId, 4)).filter((d) => d.event === 'run.ended');
    expect(rows.map((d) => [d.attempt, d.status_code, d.error])).toEqual([
      [1, 500, 'http_status'],
      [2, 503, 'http_status'],
      [3, 200, null],
    ]);
    const at = rows.map((d) => Date.parse(d.attempted_at));
    // 200 ms, then 400 ms (doubled) after the failures; each retry no earlier than announced.
    expect(Date.parse(rows[0].next_attempt_at) - at[0]!).toBe(200);
    expect(Date.parse(rows[1].next_attempt_at) - at[1]!).toBe(400);
    expect(at[1]!).toBeGreaterThanOrEqual(Date.parse(rows[0].next_attempt_at));
    expect(at[2]!).toBeGreaterThanOrEqual(Date.parse(rows[1].next_attempt_at));
    expect(rows[2].delivered_at).not.toBeNull();
    expect(rows[2].next_attempt_at).toBeNull();
  });

  it('stops at 410 Gone, and gives up after the last attempt', async () => {
    const r = await receiver();
    r.respond((req) => (req.headers['x-vr3-event'] === 'run.started' ? 410 : 503));
    const runId = await runningRun();
    await finalizeRun(cp.prisma, { runId, state: RunState.Completed, endReason: EndReason.CallerHangup });
    // 4 attempts at run.ended, 200 + 400 + 400 ms apart.
    const rows = await settled(runId, 5);
    const started = rows.filter((d) => d.event === 'run.started');
    const ended = rows.filter((d) => d.event === 'run.ended');
    expect(started.map((d) => [d.attempt, d.status_code, d.next_attempt_at, d.delivered_at])).toEqual([[1, 410, null, null]]);
    expect(ended.map((d) => [d.attempt, d.status_code, d.next_attempt_at === null])).toEqual([
      [1, 503, false],
      [2, 503, false],
      [3, 503, false],
      [4, 503, true],
    ]);
    // Nothing more comes.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(ofRun(r, runId, 'run.started')).toHaveLength(1);
    expect(ofRun(r, runId, 'run.ended')).toHaveLength(4);
    expect(cp.logLines.some((l) => l.includes('"webhook delivery given up"'))).toBe(true);
  });

  it('lists attempts newest first, paged, and 404s other runs', async () => {
    const r = await receiver();
    r.respond(() => 500);
    const runId = await runningRun();
    await settled(runId, 2);
    const first = await cp.api('GET', `/runs/${runId}/webhook-deliveries?limit=1`);
    expect(first.body.data).toHaveLength(1);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await cp.api('GET', `/runs/${runId}/webhook-deliveries?limit=1&cursor=${first.body.next_cursor}`);
    expect(second.body.data).toHaveLength(1);
    expect(second.body.data[0].attempt).toBe(first.body.data[0].attempt - 1);
    expect((await cp.api('GET', '/runs/00000000-0000-4000-8000-000000000000/webhook-deliveries')).body.error.code).toBe('run_not_found');
    expect((await cp.api('GET', `/runs/${runId}/webhook-deliveries?limit=0`)).status).toBe(400);
    await finalizeRun(cp.prisma, { runId, state: RunState.Completed, endReason: EndReason.CallerHangup });
  });
});
