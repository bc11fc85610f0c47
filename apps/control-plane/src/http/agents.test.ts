import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBootstrap } from '../db/bootstrap.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

let server: TestPostgres;
let cp: TestControlPlane;

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
});
afterAll(async () => {
  await cp?.close();
  await server?.stop();
});

const echo = { type: 'echo' } as const;

describe('authentication and errors', () => {
  it('401 without, with a malformed, or with an unknown key', async () => {
    for (const key of [null, 'not-a-key', 'vr3_unknown_key_000000000000']) {
      const res = await cp.api('GET', '/me', undefined, key);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
    const basic = await fetch(`${cp.baseUrl}/api/v1/me`, { headers: { authorization: `Basic ${cp.apiKey}` } });
    expect(basic.status).toBe(401);
  });

  it('401 for a revoked key', async () => {
    const key = 'vr3_revoked_key_0123456789';
    await ensureBootstrap(cp.prisma, { apiKey: key });
    expect((await cp.api('GET', '/me', undefined, key)).status).toBe(200);
    await cp.prisma.apiKey.updateMany({ where: { prefix: key.slice(0, 12) }, data: { revokedAt: new Date() } });
    expect((await cp.api('GET', '/me', undefined, key)).status).toBe(401);
  });

  it('GET /me names the caller', async () => {
    expect(await cp.api('GET', '/me')).toEqual({ status: 200, body: { user_id: cp.userId, organization_id: cp.organizationId, role: 'admin', api_key_id: expect.any(String) } });
  });

  it('400 invalid_json on a malformed body, 404 JSON on unknown routes', async () => {
    const bad = await cp.api('POST', '/agents', '{"name": ');
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
    expect(await cp.api('GET', '/nope')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it('413 on an oversized body', async () => {
    const res = await cp.api('POST', '/agents', { name: 'x'.repeat(100_000), engine: echo });
    expect(res).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
  });
});

describe('agents', () => {
  it('creates an agent with a draft version 1', async () => {
    const res = await cp.api('POST', '/agents', { name: ' Support bot ', engine: echo });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Support bot',
      engine: echo,
      engine_secrets_set: [],
      draft_version: 1,
      published_version: null,
      published_engine: null,
      published_engine_secrets_set: null,
      archived: false,
    });
    expect(Date.parse(res.body.created_at)).not.toBeNaN();
    expect(await cp.api('GET', `/agents/${res.body.uuid}`)).toEqual({ status: 200, body: res.body });
  });

  it('400 on invalid bodies', async () => {
    for (const body of [{}, { name: '', engine: echo }, { name: 'a', engine: 'echo' }, { name: 'a', engine: echo, extra: 1 }, [1]]) {
      expect(await cp.api('POST', '/agents', body)).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    }
    const { body: agent } = await cp.api('POST', '/agents', { name: 'p', engine: echo });
    expect((await cp.api('PATCH', `/agents/${agent.uuid}`, {})).status).toBe(400);
  });

  it('publish moves draft → published, a later edit opens a new draft, publishing again supersedes', async () => {
    const { body: agent } = await cp.api('POST', '/agents', { name: 'Versions', engine: echo });
    const published = await cp.api('POST', `/agents/${agent.uuid}/publish`);
    expect(published.body).toMatchObject({ uuid: agent.uuid, draft_version: null, published_version: 1, engine: echo });
    expect(await cp.api('POST', `/agents/${agent.uuid}/publish`)).toMatchObject({ status: 422, body: { error: { code: 'no_draft_version' } } });

    const renamed = await cp.api('PATCH', `/agents/${agent.uuid}`, { name: 'Renamed' });
    expect(renamed.body).toMatchObject({ name: 'Renamed', draft_version: null, published_version: 1 });
    const edited = await cp.api('PATCH', `/agents/${agent.uuid}`, { engine: echo });
    expect(edited.body).toMatchObject({ uuid: agent.uuid, draft_version: 2, published_version: 1 });
    const again = await cp.api('PATCH', `/agents/${agent.uuid}`, { engine: echo });
    expect(again.body).toMatchObject({ draft_version: 2 });

    expect((await cp.api('POST', `/agents/${agent.uuid}/publish`)).body).toMatchObject({ draft_version: null, published_version: 2 });
    const rows = await cp.prisma.agentVersion.findMany({ where: { agent: { uuid: agent.uuid } }, orderBy: { version: 'asc' } });
    expect(rows.map((r) => [r.version, r.status])).toEqual([
      [1, 'superseded'],
      [2, 'published'],
    ]);
  });

  it('lists newest first and hides archived agents unless asked', async () => {
    const { body: a } = await cp.api('POST', '/agents', { name: 'List A', engine: echo });
    const { body: b } = await cp.api('POST', '/agents', { name: 'List B', engine: echo });
    const archived = await cp.api('POST', `/agents/${a.uuid}/archive`);
    expect(archived.body).toMatchObject({ archived: true, archived_at: expect.any(String) });
    expect((await cp.api('POST', `/agents/${a.uuid}/archive`)).status).toBe(200);

    const list = await cp.api('GET', '/agents');
    const uuids = list.body.data.map((x: { uuid: string }) => x.uuid);
    expect(uuids).toContain(b.uuid);
    expect(uuids).not.toContain(a.uuid);
    const all = await cp.api('GET', '/agents?include_archived=true');
    const allUuids = all.body.data.map((x: { uuid: string }) => x.uuid);
    expect(allUuids.indexOf(b.uuid)).toBeLessThan(allUuids.indexOf(a.uuid));
    expect((await cp.api('GET', '/agents?include_archived=maybe')).status).toBe(400);

    expect(await cp.api('PATCH', `/agents/${a.uuid}`, { name: 'x' })).toMatchObject({ status: 409, body: { error: { code: 'agent_archived' } } });
    expect((await cp.api('POST', `/agents/${a.uuid}/publish`)).status).toBe(409);
  });

  it('pages the list with an opaque cursor and filters it by exact name', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await cp.api('POST', '/agents', { name: 'Paged agent', engine: echo })).body.uuid as string);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: { data: Array<{ uuid: string; name: string }>; next_cursor: string | null } } = await cp.api(
        'GET',
        `/agents?name=${encodeURIComponent('Paged agent')}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      expect(page.body.data.every((a) => a.name === 'Paged agent')).toBe(true);
      seen.push(...page.body.data.map((a) => a.uuid));
      cursor = page.body.next_cursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...made].reverse());
    expect((await cp.api('GET', '/agents?limit=0')).status).toBe(400);
    expect((await cp.api('GET', '/agents?limit=201')).status).toBe(400);
    expect(await cp.api('GET', '/agents?cursor=garbage')).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    expect((await cp.api('GET', `/agents?name=${encodeURIComponent('No such agent')}`)).body).toEqual({ data: [], next_cursor: null });
  });

  it('404 for unknown agents and for agents of other organizations', async () => {
    const other = await cp.prisma.organization.create({ data: { name: 'Other' } });
    const user = await cp.prisma.user.create({ data: { organizationId: other.id, name: 'o' } });
    const foreign = await cp.prisma.agent.create({
      data: { uuid: crypto.randomUUID(), organizationId: other.id, userId: user.id, name: 'theirs', versions: { create: { version: 1, status: 'draft', engine: echo } } },
    });
    for (const uuid of [foreign.uuid, crypto.randomUUID(), 'not-a-uuid']) {
      expect(await cp.api('GET', `/agents/${uuid}`)).toMatchObject({ status: 404, body: { error: { code: 'agent_not_found' } } });
      expect((await cp.api('PATCH', `/agents/${uuid}`, { name: 'mine' })).status).toBe(404);
      expect((await cp.api('POST', `/agents/${uuid}/publish`)).status).toBe(404);
      expect((await cp.api('POST', `/agents/${uuid}/archive`)).status).toBe(404);
    }
    const list = await cp.api('GET', '/agents?include_archived=true');
    expect(list.body.data.map((x: { uuid: string }) => x.uuid)).not.toContain(foreign.uuid);
  });
});
