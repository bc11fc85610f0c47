import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngineSecrets } from '../engines/secrets.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

let server: TestPostgres;
let cp: TestControlPlane;
/** Every response body of this file, as JSON text: no secret may ever appear in one. */
const responses: string[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
});
afterAll(async () => {
  const everything = responses.join('\n') + cp.logLines.join('');
  for (const secret of SECRETS) expect(everything).not.toContain(secret);
  await cp?.close();
  await server?.stop();
});

const SECRETS = ['Bearer s3cr3t-first', 'Bearer s3cr3t-second', 'extra-s3cr3t', 'VALUE-s3cr3t-in-error'];
const bridge = { type: 'bridge', url: 'wss://bot.example.com/media', protocol: 'twilio' } as const;

async function api(method: string, path: string, body?: unknown) {
  const res = await cp.api(method, path, body);
  responses.push(JSON.stringify(res.body));
  return res;
}

/** The raw `agent_versions` row of an agent's version (what is stored, not what the API shows). */
async function versionRow(uuid: string, version: number) {
  const rows = await cp.prisma.$queryRaw<Array<{ id: string; engine: string; ciphertext: string | null; paths: string[] | null }>>`
    SELECT v."id", v."engine"::text AS "engine", v."engine_secrets_ciphertext" AS "ciphertext", v."engine_secret_paths" AS "paths"
    FROM "agent_versions" v JOIN "agents" a ON a."id" = v."agent_id"
    WHERE a."uuid" = ${uuid} AND v."version" = ${version}`;
  if (!rows[0]) throw new Error('no such version');
  return rows[0];
}

/** The secrets stored on a version, opened with the control-plane's key, as `{ path: value }`. */
async function storedSecrets(uuid: string, version: number): Promise<Record<string, string>> {
  const row = await versionRow(uuid, version);
  return Object.fromEntries(openEngineSecrets(cp.secretKey, row.id, row.ciphertext).map((s) => [s.path.join('.'), s.value]));
}

describe('engine validation through the catalog', () => {
  it('400 unknown_engine for an unregistered or missing type, naming engine.type and the registered types', async () => {
    for (const engine of [{ type: 'nope' }, {}, { type: 7 }]) {
      const res = await api('POST', '/agents', { name: 'a', engine });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('unknown_engine');
      expect(res.body.error.message).toBe('engine.type must be one of: echo, bridge, voice, realtime');
    }
  });

  it('400 invalid_engine_config naming the failing path, never the value', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...bridge, url: 'http://VALUE-s3cr3t-in-error.example/' }, 'engine.url: '],
      [{ ...bridge, headers: { Authorization: 'VALUE-s3cr3t-in-error\r\nX: y' } }, 'engine.headers.Authorization: '],
      [{ ...bridge, protocol: 'VALUE-s3cr3t-in-error' }, 'engine.protocol: '],
      [{ ...bridge, sample_rate: 16000 }, 'engine.sample_rate: '],
      [{ type: 'echo', extra: 'VALUE-s3cr3t-in-error' }, 'engine: '],
    ];
    for (const [engine, prefix] of cases) {
      const res = await api('POST', '/agents', { name: 'a', engine });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_engine_config');
      expect(res.body.error.message.startsWith(prefix)).toBe(true);
    }
  });

  it('PATCH validates the same way and leaves the draft unchanged on failure', async () => {
    const { body: agent } = await api('POST', '/agents', { name: 'p', engine: { type: 'echo', sample_rate: 8000 } });
    expect((await api('PATCH', `/agents/${agent.uuid}`, { engine: { type: 'nope' } })).body.error.code).toBe('unknown_engine');
    expect((await api('PATCH', `/agents/${agent.uuid}`, { engine: { type: 'echo', sample_rate: 11025 } })).body.error).toMatchObject({
      code: 'invalid_engine_config',
      message: expect.stringMatching(/^engine\.sample_rate: /),
    });
    expect((await api('GET', `/agents/${agent.uuid}`)).body.engine).toEqual({ type: 'echo', sample_rate: 8000 });
  });
});

describe('engine secrets', () => {
  it('are sealed at rest and write-only: responses and the engine column hold only the clear part', async () => {
    const created = await api('POST', '/agents', { name: 'Bot', engine: { ...bridge, headers: { Authorization: 'Bearer s3cr3t-first' }, custom_parameters: { tenant: 't1' } } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      engine: { ...bridge, custom_parameters: { tenant: 't1' } },
      engine_secrets_set: ['headers.Authorization'],
      published_engine: null,
      published_engine_secrets_set: null,
    });
    expect(created.body.engine).not.toHaveProperty('headers');
    const uuid: string = created.body.uuid;
    expect((await api('GET', `/agents/${uuid}`)).body).toEqual(created.body);
    expect((await api('GET', '/agents')).body.data).toContainEqual(created.body);

    const row = await versionRow(uuid, 1);
    expect(JSON.parse(row.engine)).toEqual({ ...bridge, custom_parameters: { tenant: 't1' } });
    expect(row.ciphertext).toMatch(/^v1\./);
    expect(row.ciphertext).not.toContain('s3cr3t');
    expect(row.paths).toEqual(['headers.Authorization']);
    expect(await storedSecrets(uuid, 1)).toEqual({ 'headers.Authorization': 'Bearer s3cr3t-first' });
  });

  it('PATCH keeps omitted secrets, adds and replaces given ones, removes null ones', async () => {
    const { body: agent } = await api('POST', '/agents', { name: 'Edits', engine: { ...bridge, headers: { Authorization: 'Bearer s3cr3t-first' } } });
    const uuid: string = agent.uuid;

    const kept = await api('PATCH', `/agents/${uuid}`, { engine: { ...bridge, protocol: 'exotel' } });
    expect(kept.body).toMatchObject({ draft_version: 1, engine: { ...bridge, protocol: 'exotel' }, engine_secrets_set: ['headers.Authorization'] });
    expect(await storedSecrets(uuid, 1)).toEqual({ 'headers.Authorization': 'Bearer s3cr3t-first' });

    const added = await api('PATCH', `/agents/${uuid}`, { engine: { ...bridge, headers: { 'X-Extra': 'extra-s3cr3t' } } });
    expect(added.body.engine_secrets_set.sort()).toEqual(['headers.Authorization', 'headers.X-Extra']);
    expect(await storedSecrets(uuid, 1)).toEqual({ 'headers.Authorization': 'Bearer s3cr3t-first', 'headers.X-Extra': 'extra-s3cr3t' });

    await api('PATCH', `/agents/${uuid}`, { engine: { ...bridge, headers: { Authorization: 'Bearer s3cr3t-second' } } });
    expect(await storedSecrets(uuid, 1)).toEqual({ 'headers.Authorization': 'Bearer s3cr3t-second', 'headers.X-Extra': 'extra-s3cr3t' });

    const removed = await api('PATCH', `/agents/${uuid}`, { engine: { ...bridge, headers: { Authorization: null } } });
    expect(removed.body.engine_secrets_set).toEqual(['headers.X-Extra']);
    expect(await storedSecrets(uuid, 1)).toEqual({ 'headers.X-Extra': 'extra-s3cr3t' });

    const none = await api('PATCH', `/agents/${uuid}`, { engine: { ...bridge, headers: { 'X-Extra': null } } });
    expect(none.body.engine_secrets_set).toEqual([]);
    expect(none.body.engine).toEqual(bridge);
    expect((await versionRow(uuid, 1)).ciphertext).toBeNull();
  });

  it('a change of engine type forgets the secrets', async () => {
    const { body: agent } = await api('POST', '/agents', { name: 'Types', engine: { ...bridge, headers: { Authorization: 'Bearer s3cr3t-first' } } });
    const echo = await api('PATCH', `/agents/${agent.uuid}`, { engine: { type: 'echo' } });
    expect(echo.body).toMatchObject({ engine: { type: 'echo' }, engine_secrets_set: [] });
    expect((await versionRow(agent.uuid, 1)).ciphertext).toBeNull();
    const back = await api('PATCH', `/agents/${agent.uuid}`, { engine: bridge });
    expect(back.body).toMatchObject({ engine: bridge, engine_secrets_set: [] });
  });

  it('publish keeps the secrets; a new draft from the published version re-seals them to its own row', async () => {
    const { body: agent } = await api('POST', '/agents', { name: 'Publish', engine: { ...bridge, headers: { Authorization: 'Bearer s3cr3t-first' } } });
    const uuid: string = agent.uuid;
    const published = await api('POST', `/agents/${uuid}/publish`);
    expect(published.body).toMatchObject({
      draft_version: null,
      published_version: 1,
      engine: bridge,
      engine_secrets_set: ['headers.Authorization'],
      published_engine: bridge,
      published_engine_secrets_set: ['headers.Authorization'],
    });
    expect(await storedSecrets(uuid, 1)).toEqual({ 'headers.Authorization': 'Bearer s3cr3t-first' });

    // Renaming opens no draft.
    expect((await api('PATCH', `/agents/${uuid}`, { name: 'Renamed' })).body).toMatchObject({ draft_version: null });

    const draft = await api('PATCH', `/agents/${uuid}`, { engine: { ...bridge, protocol: 'vr3' } });
    expect(draft.body).toMatchObject({ draft_version: 2, engine_secrets_set: ['headers.Authorization'], published_engine_secrets_set: ['headers.Authorization'] });
    const [v1, v2] = [await versionRow(uuid, 1), await versionRow(uuid, 2)];
    expect(v2.ciphertext).not.toBe(v1.ciphertext);
    expect(await storedSecrets(uuid, 2)).toEqual({ 'headers.Authorization': 'Bearer s3cr3t-first' });

    const cleared = await api('PATCH', `/agents/${uuid}`, { engine: { ...bridge, headers: { Authorization: null } } });
    expect(cleared.body).toMatchObject({ draft_version: 2, engine_secrets_set: [], published_engine_secrets_set: ['headers.Authorization'] });
    expect(await storedSecrets(uuid, 1)).toEqual({ 'headers.Authorization': 'Bearer s3cr3t-first' });

    const republished = await api('POST', `/agents/${uuid}/publish`);
    expect(republished.body).toMatchObject({ published_version: 2, published_engine_secrets_set: [], engine_secrets_set: [] });
  });
});
