/**
 * Campaigns end to end on the embedded product with the provider stand-in answering every call
 * (held 0.8 s; the harness's busy number refused, see `scriptedDialBack`): the dialer holds its rate
 * and `max_concurrent` (measured on the runs it minted), retries a busy contact per its policy,
 * pauses, resumes and cancels, dials nothing outside its calling window, and its progress counts
 * match its contacts and runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeProviderApi } from '@vr3/providers/testing';
import { BUSY_NUMBER, CALLER_ID, scriptedDialBack, startOutboundRig, type OutboundRig } from '../harness/outbound.ts';
import { eventually, type ProductProcess } from '../harness/product.ts';
import type { ProviderSetup } from '../harness/providers.ts';

/** How long the called party keeps an answered call. */
const HOLD_MS = 800;

let rig: OutboundRig<'twilio'>;
let product: ProductProcess;
let twilio: FakeProviderApi;
let setup: ProviderSetup;

beforeAll(async () => {
  rig = await startOutboundRig(['twilio'], { standIn: { dialBack: scriptedDialBack({ holdMs: HOLD_MS }) } });
  ({ product } = rig);
  setup = rig.setups.twilio;
  twilio = setup.api;
});
afterAll(async () => {
  await rig?.close();
});

/** `n` distinct numbers starting at `base`. */
const numbers = (base: number, n: number): string[] => Array.from({ length: n }, (_, i) => `+1555${String(base + i).padStart(7, '0')}`);

async function createCampaign(settings: Record<string, unknown>, to: string[]): Promise<any> {
  const res = await product.api('POST', '/campaigns', {
    agent_uuid: setup.agentUuid,
    telephony_configuration_id: setup.configId,
    from: CALLER_ID,
    contacts: to.map((t, i) => ({ to: t, initial_context: { row: i + 1 } })),
    ...settings,
  });
  expect(res.status).toBe(201);
  return res.body;
}

const campaign = async (id: string): Promise<any> => (await product.api('GET', `/campaigns/${id}`)).body;

async function contactsOf(id: string, state?: string): Promise<any[]> {
  const all: any[] = [];
  let cursor: string | null = null;
  do {
    const qs: URLSearchParams = new URLSearchParams({ limit: '7', ...(state ? { state } : {}), ...(cursor ? { cursor } : {}) });
    const page: { status: number; body: any } = await product.api('GET', `/campaigns/${id}/contacts?${qs}`);
    expect(page.status).toBe(200);
    all.push(...page.body.data);
    cursor = page.body.next_cursor;
  } while (cursor);
  return all;
}

/** Every run the campaign placed, oldest first. */
async function runsOf(id: string): Promise<any[]> {
  const runIds = (await contactsOf(id)).flatMap((c) => c.run_ids as string[]);
  const runs = await Promise.all(runIds.map(async (runId) => (await product.api('GET', `/runs/${runId}`)).body));
  return runs.sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
}

const runCount = async (id: string): Promise<number> => (await contactsOf(id)).reduce((n, c) => n + c.run_ids.length, 0);

/** Most runs alive at once: runs live from minted (`created_at`) to `ended_at`. */
function maxOverlap(runs: any[]): number {
  const edges = runs.flatMap((r) => [
    { at: Date.parse(r.created_at), d: 1 },
    { at: Date.parse(r.ended_at), d: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  let live = 0;
  let most = 0;
  for (const e of edges) most = Math.max(most, (live += e.d));
  return most;
}

describe.concurrent('campaigns on the embedded product', () => {
  it('dials 20 contacts at 5 calls/s with at most 3 at once, retries the busy one, and counts its progress', async () => {
    const to = numbers(2000, 20);
    to[4] = BUSY_NUMBER;
    const created = await createCampaign({ name: 'rate', calls_per_second: 5, max_concurrent: 3, retry: { on: ['busy'], attempts: 2, delay_s: 1 } }, to);
    expect(created).toMatchObject({ state: 'running', calls_per_second: 5, max_concurrent: 3, retry: { on: ['busy'], attempts: 2, delay_s: 1 }, window: null });
    expect(created.progress).toMatchObject({ total: 20, queued: 20, dialling: 0, completed: 0, failed: 0, dials: 0 });

    const done = await eventually(async () => {
      const c = await campaign(created.id);
      return c.state === 'completed' ? c : undefined;
    }, 35_000, 200);
    expect(done.progress).toEqual({ total: 20, queued: 0, dialling: 0, completed: 19, failed: 1, cancelled: 0, failed_by_reason: { busy: 1 }, dials: 21 });
    expect(done.ended_at).not.toBeNull();

    const contacts = await contactsOf(created.id);
    expect(contacts.map((c) => c.position)).toEqual(to.map((_, i) => i + 1));
    const busy = contacts.find((c) => c.to === BUSY_NUMBER);
    expect(busy).toMatchObject({ state: 'failed', attempts: 2, last_end_reason: 'busy', current_run_id: null });
    expect(busy.run_ids).toHaveLength(2);
    for (const c of contacts.filter((c) => c.to !== BUSY_NUMBER)) expect(c).toMatchObject({ state: 'completed', attempts: 1, last_end_reason: 'caller_hangup' });
    expect((await contactsOf(created.id, 'failed')).map((c) => c.to)).toEqual([BUSY_NUMBER]);

    const runs = await runsOf(created.id);
    expect(runs).toHaveLength(21);
    for (const run of runs) {
      expect(run.logs.outbound).toMatchObject({ campaign_id: created.id, contact_id: expect.any(String), attempt: expect.any(Number), dialled_at: expect.any(String) });
      expect(run.initial_context).toMatchObject({ row: expect.any(Number), caller_number: CALLER_ID });
    }
    expect(twilio.dials.filter((d) => to.includes(d.placement.to))).toHaveLength(21);

    // The rate, on the dialer's clock: turns at least 1/5 s apart, never more than 5 in any second.
    const turns = runs.map((r) => Date.parse(r.logs.outbound.dialled_at)).sort((a, b) => a - b);
    expect(Math.min(...turns.slice(1).map((t, i) => t - turns[i]!))).toBeGreaterThanOrEqual(200);
    for (const t of turns) expect(turns.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(5);
    // And as minted, each run right after its turn: any k runs span (k - 1)/5 s, less the jitter of
    // minting (a few milliseconds; generous here for a loaded machine).
    for (const run of runs) expect(Date.parse(run.created_at) - Date.parse(run.logs.outbound.dialled_at)).toBeGreaterThanOrEqual(0);
    const at = runs.map((r) => Date.parse(r.created_at));
    for (let i = 0; i < at.length; i++) for (let j = i + 1; j < at.length; j++) expect(at[j]! - at[i]!).toBeGreaterThanOrEqual((j - i) * 200 - 150);
    // The concurrency: reached, never exceeded.
    expect(maxOverlap(runs)).toBe(3);

    // The busy contact was dialled again once its first run had ended and the retry delay had passed.
    const [first, second] = busy.run_ids.map((id: string) => runs.find((r) => r.id === id));
    expect(first).toMatchObject({ state: 'failed', end_reason: 'busy' });
    expect(Date.parse(second.created_at) - Date.parse(first.ended_at)).toBeGreaterThanOrEqual(1000);
  });

  it('pause stops dialling, resume carries on', async () => {
    const created = await createCampaign({ name: 'pause', calls_per_second: 5, max_concurrent: 1 }, numbers(3000, 3));
    await eventually(async () => (await runCount(created.id)) >= 1, 10_000);
    const paused = await product.api('POST', `/campaigns/${created.id}/pause`);
    expect(paused).toMatchObject({ status: 200, body: { state: 'paused', paused_reason: null } });
    expect((await product.api('POST', `/campaigns/${created.id}/pause`)).body.state).toBe('paused');
    // The call in progress ends normally; nothing more is dialled while paused.
    const progress = await eventually(async () => {
      const c = await campaign(created.id);
      return c.progress.completed === 1 ? c.progress : undefined;
    }, 10_000);
    expect(progress).toMatchObject({ queued: 2, dialling: 0, completed: 1 });
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await runCount(created.id)).toBe(1);
    expect((await campaign(created.id)).state).toBe('paused');

    expect((await product.api('POST', `/campaigns/${created.id}/resume`)).body.state).toBe('running');
    const done = await eventually(async () => {
      const c = await campaign(created.id);
      return c.state === 'completed' ? c : undefined;
    }, 25_000, 200);
    expect(done.progress).toMatchObject({ total: 3, completed: 3, dials: 3 });
    expect(maxOverlap(await runsOf(created.id))).toBe(1);
    expect(await product.api('POST', `/campaigns/${created.id}/resume`)).toMatchObject({ status: 409, body: { error: { code: 'campaign_ended' } } });
  });

  it('cancel stops the queued contacts and lets the call in progress finish', async () => {
    const created = await createCampaign({ name: 'cancel', calls_per_second: 5, max_concurrent: 1 }, numbers(4000, 5));
    await eventually(async () => (await runCount(created.id)) >= 1, 10_000);
    const cancelled = await product.api('POST', `/campaigns/${created.id}/cancel`);
    expect(cancelled).toMatchObject({ status: 200, body: { state: 'cancelled' } });
    expect(cancelled.body.ended_at).not.toBeNull();
    const progress = await eventually(async () => {
      const c = await campaign(created.id);
      return c.progress.dialling === 0 ? c.progress : undefined;
    }, 10_000);
    expect(progress).toEqual({ total: 5, queued: 0, dialling: 0, completed: 1, failed: 0, cancelled: 4, failed_by_reason: {}, dials: 1 });
    const [run] = await runsOf(created.id);
    expect(run).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    expect(await product.api('POST', `/campaigns/${created.id}/pause`)).toMatchObject({ status: 409, body: { error: { code: 'campaign_ended' } } });
    expect((await product.api('POST', `/campaigns/${created.id}/cancel`)).status).toBe(200);
  });

  it('takes a CSV list with the settings in the query, and dials nothing outside its window', async () => {
    // A one-hour window twelve hours from now (UTC): closed for the whole test.
    const hour = (new Date().getUTCHours() + 12) % 24;
    const hh = String(hour).padStart(2, '0');
    const query = new URLSearchParams({
      agent_uuid: setup.agentUuid,
      telephony_configuration_id: setup.configId,
      from: CALLER_ID,
      calls_per_second: '2',
      max_concurrent: '2',
      window_start: `${hh}:00`,
      window_end: `${hh}:59`,
      window_timezone: 'UTC',
    });
    const csv = 'to,first_name,plan\n+15550005001,"Doe, Jane",gold\n+15550005002,,silver\n';
    const upload = (body: string, type = 'text/csv', qs = query) =>
      fetch(`${product.baseUrl}/api/v1/campaigns?${qs}`, { method: 'POST', headers: { authorization: `Bearer ${product.apiKey}`, 'content-type': type }, body });
    const res = await upload(csv);
    expect(res.status).toBe(201);
    const created = (await res.json()) as any;
    expect(created).toMatchObject({ state: 'running', window: { start: `${hh}:00`, end: `${hh}:59`, timezone: 'UTC' }, progress: { total: 2, queued: 2 } });
    expect((await contactsOf(created.id)).map((c) => [c.to, c.initial_context])).toEqual([
      ['+15550005001', { first_name: 'Doe, Jane', plan: 'gold' }],
      ['+15550005002', { plan: 'silver' }],
    ]);
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await campaign(created.id)).progress).toMatchObject({ queued: 2, dials: 0 });
    expect((await product.api('POST', `/campaigns/${created.id}/cancel`)).body.progress).toMatchObject({ queued: 0, cancelled: 2 });

    // Every row is checked, and errors name the row (the header is row 1).
    const badRow = await upload('to,name\n+15550005003,A\n555 0100,B\n');
    expect(badRow.status).toBe(422);
    expect(await badRow.json()).toEqual({
      error: { code: 'invalid_phone_number', message: 'row 3: to: must be an E.164 number (+ then 2 to 15 digits, no spaces or punctuation)' },
    });
    expect(await (await upload('to,name\n+15550005003\n')).json()).toEqual({ error: { code: 'validation_failed', message: 'row 2: 1 fields, the header has 2' } });
    const badQuery = new URLSearchParams(query);
    badQuery.set('max_concurrent', 'many');
    expect(((await (await upload(csv, 'text/csv', badQuery)).json()) as any).error.message).toMatch(/^query\.max_concurrent: /);
    expect(await upload(csv, 'text/plain')).toMatchObject({ status: 415 });
    expect((await upload(`to\n${'+15550005003\n'.repeat(200_000)}`)).status).toBe(413);
    const json = await product.api('POST', '/campaigns', { agent_uuid: setup.agentUuid, telephony_configuration_id: setup.configId, calls_per_second: 1, max_concurrent: 1, contacts: [{ to: '+15550005003' }] });
    expect(json).toMatchObject({ status: 422, body: { error: { code: 'from_required' } } });
    const list = await product.api('GET', '/campaigns?limit=200');
    expect((list.body.data as any[]).map((c) => c.id)).toContain(created.id);
    expect(await product.api('GET', '/campaigns/nope')).toMatchObject({ status: 404, body: { error: { code: 'campaign_not_found' } } });
  });
});
