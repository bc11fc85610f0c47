/**
 * The campaign dialer on a real database with the provider stand-in (calls ring, then are not
 * answered: their runs end `failed`/`no_answer` through the status callbacks): two control-plane
 * replicas ticking the same campaigns never dial a contact twice nor exceed the rate or
 * `max_concurrent`; a quota refusal leaves the contact queued without counting the attempt; a
 * campaign that cannot dial is paused with the reason; a lost claim is recovered.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProviderApi, type FakeProviderApi } from '@vr3/providers/testing';
import { createApiKey } from '../db/api-keys.ts';
import { poolOf } from '../db/prisma.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { recoverStaleClaims } from './dialer-store.ts';

const FROM = '+15550000100';
const TICK_MS = 200;

let server: TestPostgres;
let replicas: TestControlPlane[];
let cp: TestControlPlane;
let twilio: FakeProviderApi;
let agentUuid: string;
let configId: string;

beforeAll(async () => {
  server = await startTestPostgres();
  twilio = await startFakeProviderApi('twilio', { dialBack: { outcome: () => 'no-answer', ringMs: 400 } });
  const databaseUrl = await server.createDatabase();
  cp = await startTestControlPlane({ databaseUrl, config: { campaignTickMs: TICK_MS } });
  const second = await startTestControlPlane({ databaseUrl, secretKey: cp.secretKey, config: { campaignTickMs: TICK_MS } });
  replicas = [cp, second];
  // The stand-in posts its callbacks to the public URL; either replica answers them.
  for (const r of replicas) r.controlPlane.setPublicUrl(cp.baseUrl);
  agentUuid = await createAgent('campaigns');
  configId = (await cp.api('POST', '/telephony-configurations', { provider: 'twilio', name: 'tw', account_sid: twilio.accountId, ...twilio.credentials, api_base_url: twilio.url })).body.id;
});
afterAll(async () => {
  for (const r of replicas ?? []) await r.close();
  await twilio?.close();
  await server?.stop();
});

/** An echo agent's UUID (the agent resource itself is another suite's subject). */
async function createAgent(name: string): Promise<string> {
  const res = await fetch(`${cp.baseUrl}/api/v1/agents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${cp.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, engine: { type: 'echo' } }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { uuid: string }).uuid;
}

const numbers = (base: number, n: number): string[] => Array.from({ length: n }, (_, i) => `+1555${String(base + i).padStart(7, '0')}`);

async function create(settings: Record<string, unknown>, to: string[]): Promise<any> {
  const res = await cp.api('POST', '/campaigns', { agent_uuid: agentUuid, telephony_configuration_id: configId, from: FROM, contacts: to.map((t) => ({ to: t })), ...settings });
  expect(res.status).toBe(201);
  return res.body;
}

async function until<T>(fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const finished = (id: string, timeoutMs = 20_000) =>
  until(async () => {
    const c = (await cp.api('GET', `/campaigns/${id}`)).body;
    return c.state === 'completed' ? c : undefined;
  }, timeoutMs);

/** A one-hour calling window twelve hours from now (UTC): closed while a test runs. */
function closedWindow() {
  const hour = String((new Date().getUTCHours() + 12) % 24).padStart(2, '0');
  return { start: `${hour}:00`, end: `${hour}:59`, timezone: 'UTC' };
}

const runsOf = (campaignId: string) =>
  cp.prisma.workflowRun.findMany({ where: { logs: { path: ['outbound', 'campaign_id'], equals: campaignId } }, orderBy: { createdAt: 'asc' } });

describe('campaign dialer', () => {
  it('two replicas dial every contact once, at the rate, within max_concurrent', async () => {
    const to = numbers(100, 12);
    const created = await create({ calls_per_second: 8, max_concurrent: 4 }, to);
    const done = await finished(created.id);
    expect(done.progress).toEqual({ total: 12, queued: 0, dialling: 0, completed: 0, failed: 12, cancelled: 0, failed_by_reason: { no_answer: 12 }, dials: 12 });

    const runs = await runsOf(created.id);
    expect(runs).toHaveLength(12);
    expect(new Set(runs.map((r) => (r.initialContext as { called_number: string }).called_number))).toEqual(new Set(to));
    for (const n of to) expect(twilio.dials.filter((d) => d.placement.to === n)).toHaveLength(1);
    // The dialer's turns (taken in the database right before each call is placed) are at least 1/8 s
    // apart; each run was minted right after its turn.
    const turns = runs.map((r) => Date.parse((r.logs as { outbound: { dialled_at: string } }).outbound.dialled_at));
    runs.forEach((r, i) => expect(r.createdAt.getTime() - turns[i]!).toBeGreaterThanOrEqual(0));
    runs.forEach((r, i) => expect(r.createdAt.getTime() - turns[i]!).toBeLessThan(2_000));
    turns.sort((x, y) => x - y);
    expect(Math.min(...turns.slice(1).map((t, i) => t - turns[i]!))).toBeGreaterThanOrEqual(125);
    let most = 0;
    for (const r of runs) most = Math.max(most, runs.filter((o) => o.createdAt <= r.createdAt && o.endedAt! > r.createdAt).length);
    expect(most).toBeLessThanOrEqual(4);
    expect(most).toBeGreaterThanOrEqual(2);
    const contacts = (await cp.api('GET', `/campaigns/${created.id}/contacts?state=failed&limit=200`)).body.data as any[];
    expect(contacts).toHaveLength(12);
    for (const c of contacts) expect(c).toMatchObject({ attempts: 1, last_end_reason: 'no_answer', run_ids: [expect.any(String)], current_run_id: null, next_attempt_at: null });
  });

  it('a quota refusal keeps the contact queued, the attempt not counted, until a slot is free', async () => {
    await cp.api('PUT', `/users/${cp.userId}/quota`, { max_concurrent_calls: 1, monthly_call_seconds: null });
    try {
      const created = await create({ calls_per_second: 10, max_concurrent: 3 }, numbers(200, 2));
      const refused = await until(async () => {
        const contacts = (await cp.api('GET', `/campaigns/${created.id}/contacts`)).body.data as any[];
        return contacts.find((c) => c.state === 'queued' && c.attempts === 0 && c.next_attempt_at !== null && Date.parse(c.next_attempt_at) > Date.now()) ?? undefined;
      }, 10_000);
      expect(refused.run_ids).toEqual([]);
      const done = await finished(created.id, 20_000);
      expect(done.progress).toMatchObject({ failed: 2, failed_by_reason: { no_answer: 2 }, dials: 2 });
      const runs = await runsOf(created.id);
      expect(runs).toHaveLength(2);
      expect(runs[1]!.createdAt.getTime()).toBeGreaterThanOrEqual(runs[0]!.endedAt!.getTime());
    } finally {
      await cp.api('PUT', `/users/${cp.userId}/quota`, { max_concurrent_calls: null, monthly_call_seconds: null });
    }
  });

  it('pauses a campaign that cannot dial, naming why', async () => {
    const agent = await createAgent('archived later');
    // Created outside its calling window (nothing dials), then the agent goes, then the window opens.
    const res = await cp.api('POST', '/campaigns', { agent_uuid: agent, telephony_configuration_id: configId, from: FROM, calls_per_second: 5, max_concurrent: 1, window: closedWindow(), contacts: [{ to: '+15550000301' }] });
    expect(res.status).toBe(201);
    await cp.prisma.agent.update({ where: { uuid: agent }, data: { archivedAt: new Date() } });
    await cp.prisma.campaign.update({ where: { id: res.body.id }, data: { window: Prisma.DbNull } });
    const paused = await until(async () => {
      const c = (await cp.api('GET', `/campaigns/${res.body.id}`)).body;
      return c.state === 'paused' ? c : undefined;
    }, 10_000);
    expect(paused).toMatchObject({ paused_reason: 'agent_archived', progress: { queued: 1, dials: 0 } });
    expect((await cp.api('POST', `/campaigns/${res.body.id}/cancel`)).body).toMatchObject({ state: 'cancelled', progress: { cancelled: 1 } });
  });

  it('recovers a claim whose dial was lost: the run placed for it is adopted, else the contact is queued again', async () => {
    const created = await create({ calls_per_second: 1, max_concurrent: 2, window: closedWindow() }, numbers(400, 2));
    const pool = poolOf(cp.prisma);
    const [a, b] = await cp.prisma.campaignContact.findMany({ where: { campaignId: created.id }, orderBy: { position: 'asc' } });
    const longAgo = new Date(Date.now() - 600_000);
    // A run of the first campaign stands for the one minted for `a`'s attempt.
    const adopted = await cp.prisma.workflowRun.findFirstOrThrow({ where: { agentUuid } });
    await cp.prisma.workflowRun.update({ where: { id: adopted.id }, data: { createdAt: new Date(longAgo.getTime() + 100), logs: { outbound: { campaign_id: created.id, contact_id: a!.id, attempt: 1 } } } });
    // Both claimed ten minutes ago; only `a` got as far as minting its run.
    await cp.prisma.campaignContact.updateMany({ where: { campaignId: created.id }, data: { state: 'dialling', attempts: 1, dialAt: longAgo } });
    // The replicas' ticks recover stale claims too: whichever does it, the outcome is the same.
    await recoverStaleClaims(pool, new Date(), 60_000);
    const after = await cp.prisma.campaignContact.findMany({ where: { campaignId: created.id }, orderBy: { position: 'asc' } });
    expect(after[0]).toMatchObject({ id: a!.id, attempts: 1, runIds: [adopted.id] });
    expect(['dialling', 'failed']).toContain(after[0]!.state); // settled once the tick sees its run ended
    expect(after[1]).toMatchObject({ id: b!.id, state: 'queued', attempts: 0, currentRunId: null, dialAt: null, runIds: [] });
    await cp.api('POST', `/campaigns/${created.id}/cancel`);
  });

  it('lets members read campaigns and only admins change them', async () => {
    const member = await cp.prisma.user.create({ data: { organizationId: cp.organizationId, name: 'member', role: 'member' } });
    const { key } = await createApiKey(cp.prisma, { organizationId: cp.organizationId, userId: member.id, name: 'member key', role: 'member' });
    const created = await create({ calls_per_second: 1, max_concurrent: 1, window: closedWindow() }, numbers(600, 1));
    expect((await cp.api('GET', '/campaigns', undefined, key)).status).toBe(200);
    expect((await cp.api('GET', `/campaigns/${created.id}`, undefined, key)).body.id).toBe(created.id);
    expect((await cp.api('GET', `/campaigns/${created.id}/contacts?state=queued`, undefined, key)).body.data).toHaveLength(1);
    for (const [method, path] of [['POST', '/campaigns'], ['POST', `/campaigns/${created.id}/pause`], ['POST', `/campaigns/${created.id}/resume`], ['POST', `/campaigns/${created.id}/cancel`]] as const) {
      expect(await cp.api(method, path, {}, key)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    }
    expect((await cp.api('GET', `/campaigns/${created.id}`)).body.state).toBe('running');
    await cp.api('POST', `/campaigns/${created.id}/cancel`);
  });

  it('refuses bad campaigns precisely', async () => {
    const base = { agent_uuid: agentUuid, telephony_configuration_id: configId, from: FROM, calls_per_second: 1, max_concurrent: 1, contacts: [{ to: '+15550000501' }] };
    expect(await cp.api('POST', '/campaigns', { ...base, calls_per_second: 0 })).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', message: expect.stringMatching(/^calls_per_second: /) } } });
    expect(await cp.api('POST', '/campaigns', { ...base, contacts: [] })).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^contacts: /) } } });
    expect(await cp.api('POST', '/campaigns', { ...base, contacts: [{ to: '+15550000501' }, { to: '12' }] })).toMatchObject({
      status: 422,
      body: { error: { code: 'invalid_phone_number', message: expect.stringMatching(/^contacts\.1\.to: /) } },
    });
    expect(await cp.api('POST', '/campaigns', { ...base, from: 'me' })).toMatchObject({ status: 422, body: { error: { code: 'invalid_phone_number', message: expect.stringMatching(/^from: /) } } });
    expect(await cp.api('POST', '/campaigns', { ...base, telephony_configuration_id: 'nope' })).toMatchObject({ status: 404, body: { error: { code: 'telephony_configuration_not_found' } } });
    expect(await cp.api('POST', '/campaigns', { ...base, agent_uuid: randomUUID() })).toMatchObject({ status: 404, body: { error: { code: 'agent_not_found' } } });
    expect(await cp.api('POST', '/campaigns', { ...base, retry: { on: ['busy'], attempts: 11, delay_s: 1 } })).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^retry\.attempts: /) } } });
    expect(await cp.api('POST', '/campaigns', { ...base, window: { start: '18:00', end: '09:00', timezone: 'UTC' } })).toMatchObject({ status: 400, body: { error: { message: 'window.end: start must be before end (same day)' } } });
    expect(await cp.api('POST', '/campaigns/nope/pause')).toMatchObject({ status: 404, body: { error: { code: 'campaign_not_found' } } });
  });
});
