/**
 * Bridge secrets through the embedded product (logging at `debug`): the bot's auth headers reach
 * the bot on its upgrade, and neither them nor the bot URL's query string show anywhere else — no
 * API response (agents, runs, run events, refused writes), no line of the product's log output,
 * no file of its data directory (they are sealed at rest). Calls that succeed and calls that fail
 * (the paths that log the most) both go through.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from '@vr3/engine-bridge/testing';
import { bridgeSuite, closedPort, finalRun, runEvents } from '../harness/bridge.ts';

const SECRET = `bot-secret-${randomBytes(16).toString('hex')}`;
const API_KEY = `bot-key-${randomBytes(16).toString('hex')}`;
const QUERY_SECRET = `q${randomBytes(16).toString('hex')}`;
const BOT_PATH = `/v1/stream?token=${QUERY_SECRET}`;

const suite = bridgeSuite({ env: { LOG_LEVEL: 'debug' } });
/** The bot every agent of this file points at (the unreachable one aside). */
let bot: TestBot;
/** Every API response body seen in this file, as JSON text. */
const responses: string[] = [];
/** Run ids of the calls made. */
const runIds: string[] = [];

beforeAll(async () => {
  bot = await startTestBot({ protocol: 'twilio', mode: 'echo' });
});
afterAll(async () => {
  await bot?.close();
});

/** Calls the API and keeps the response for the final check. */
async function api(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await suite.rig.product.api(method, urlPath, body);
  responses.push(JSON.stringify(res.body ?? null));
  return res;
}

function expectNoSecret(text: string, what: string): void {
  for (const secret of [SECRET, API_KEY]) expect(text.includes(secret), `${what} contains a header secret`).toBe(false);
}

function expectNoQuery(text: string, what: string): void {
  expect(text.includes(QUERY_SECRET), `${what} contains the bot URL's query string`).toBe(false);
}

/** Every file under `dir`, skipping directories this process may not list. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

describe('bridge secrets', () => {
  let agentUuid: string;

  it('headers are write-only over the API: create, read, list, rename and engine edits never return them', async () => {
    const engine = { type: 'bridge', url: `${bot.url.replace(/\/$/, '')}${BOT_PATH}`, protocol: 'twilio', headers: { Authorization: `Bearer ${SECRET}`, 'X-Api-Key': API_KEY } };
    const created = await api('POST', '/agents', { name: 'secret bot', engine });
    expect(created.status).toBe(201);
    agentUuid = created.body.uuid;
    expect(created.body.engine).toMatchObject({ type: 'bridge', protocol: 'twilio' });
    expect(created.body.engine_secrets_set).toEqual(expect.arrayContaining(['headers.Authorization', 'headers.X-Api-Key']));
    expect((await api('GET', `/agents/${agentUuid}`)).body.engine_secrets_set).toHaveLength(2);
    expect((await api('GET', '/agents')).status).toBe(200);
    expect((await api('PATCH', `/agents/${agentUuid}`, { name: 'secret bot, renamed' })).status).toBe(200);
    // An engine edit that leaves the headers out keeps them (the calls below prove the bot still gets them).
    const edited = await api('PATCH', `/agents/${agentUuid}`, { engine: { ...engine, headers: undefined, custom_parameters: { tenant: 'acme' } } });
    expect(edited.status).toBe(200);
    expect(edited.body.engine_secrets_set).toEqual(expect.arrayContaining(['headers.Authorization', 'headers.X-Api-Key']));
    // A refused write does not echo the value back either.
    const refused = await api('POST', '/agents', { name: 'bad', engine: { ...engine, headers: { Authorization: `Bearer ${SECRET}\r\nX-Injected: 1` } } });
    expect(refused.status).toBe(400);
    for (const text of responses) expectNoSecret(text, 'an agent response');
  });

  it('the bot gets the headers and its path and query on the upgrade; a normal call and a failed one', async () => {
    const ok = await suite.call('vobiz', agentUuid);
    runIds.push(ok.runId);
    const conn = await bot.nextConnection();
    const start = await conn.waitForStart();
    expect(conn.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(conn.headers['x-api-key']).toBe(API_KEY);
    expect(conn.path).toBe(BOT_PATH);
    expect(start.customParameters).toMatchObject({ tenant: 'acme' });
    // The bot drops: a failure, logged and stored as a run event.
    conn.terminate();
    expect(await finalRun(suite.rig.product, ok.runId)).toMatchObject({ state: 'failed', end_reason: 'agent_disconnected' });

    // The same secrets toward a bot that cannot be reached.
    const unreachable = await api('POST', '/agents', {
      name: 'secret bot, gone',
      engine: { type: 'bridge', url: `ws://127.0.0.1:${await closedPort()}${BOT_PATH}`, protocol: 'vr3', headers: { Authorization: `Bearer ${SECRET}` } },
    });
    const failed = await suite.call('twilio', unreachable.body.uuid);
    runIds.push(failed.runId);
    expect(await finalRun(suite.rig.product, failed.runId)).toMatchObject({ state: 'failed', end_reason: 'agent_unreachable' });
    expect(bot.upgrades.every((u) => u.headers.authorization === `Bearer ${SECRET}`)).toBe(true);
  });

  it('appear in no run, run list or run event response', async () => {
    expect(runIds).toHaveLength(2);
    for (const runId of runIds) {
      const run = await api('GET', `/runs/${runId}`);
      expect(run.status).toBe(200);
      const events = await runEvents(suite.rig.product, runId);
      expect(events.some((e) => e.type === 'log' && e.data.level === 'error')).toBe(true);
      const text = JSON.stringify(events);
      responses.push(text);
      expectNoQuery(text, `run ${runId}'s events`);
      expectNoQuery(JSON.stringify(run.body), `run ${runId}`);
    }
    await api('GET', `/runs?agent_uuid=${agentUuid}&limit=100`);
    await api('GET', '/runs?limit=100');
    for (const text of responses) expectNoSecret(text, 'an API response');
  });

  it('appear nowhere in the product’s log output, which does log the calls', async () => {
    const log = suite.rig.product.log();
    for (const runId of runIds) expect(log).toContain(runId);
    expect(log).toContain('"bridge failed"');
    expectNoSecret(log, 'the product log');
    expectNoQuery(log, 'the product log');
    expect(log).not.toContain('/v1/stream');
  });

  it('are sealed at rest: no file of the data directory holds them in the clear', async () => {
    const files = filesUnder(suite.rig.product.dataDir).filter((f) => {
      try {
        fs.accessSync(f, fs.constants.R_OK);
        return true;
      } catch {
        return false;
      }
    });
    expect(files.length).toBeGreaterThan(10);
    const secret = Buffer.from(SECRET);
    const key = Buffer.from(API_KEY);
    // Positive control: the agent's name, stored in the clear, is found (the database's files are read).
    const name = Buffer.from('secret bot, renamed');
    let nameFound = false;
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      nameFound ||= bytes.includes(name);
      expect(bytes.includes(secret) || bytes.includes(key), `${path.relative(suite.rig.product.dataDir, file)} holds a header secret`).toBe(false);
    }
    expect(nameFound).toBe(true);
  });
});
