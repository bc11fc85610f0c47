import { randomUUID } from 'node:crypto';
import type { ResolveHost } from '@vr3/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../db/api-keys.ts';
import { poolOf } from '../db/prisma.ts';
import { findServiceCredential, findServiceCredentials, openServiceApiKey, type ServiceCredentialContext } from '../engines/service-credentials.ts';
import { SecretErrorCode } from '../errors.ts';
import { createOrganization } from '../operator/organizations.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

let server: TestPostgres;
/** Insecure provider URLs allowed (the test default). */
let cp: TestControlPlane;
/** Production rules: https only, public hosts only (resolved by {@link resolveProviderHost}). */
let strict: TestControlPlane;
let memberKey: string;
/** A second organization and its admin key. */
let other: { organizationId: string; apiKey: string };
let resolverCtx: ServiceCredentialContext;

const DNS: Record<string, string[]> = {
  'api.example.com': ['93.184.215.14'],
  'eu.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'loopback.example.com': ['127.0.0.1'],
  'private.example.com': ['8.8.8.8', '10.0.0.5'],
  'metadata.example.com': ['169.254.169.254'],
};
const resolveProviderHost: ResolveHost = async (hostname) => {
  const found = DNS[hostname];
  if (!found) throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as const);
};

beforeAll(async () => {
  server = await startTestPostgres();
  const databaseUrl = await server.createDatabase();
  cp = await startTestControlPlane({ databaseUrl });
  // Same key: both replicas read each other's rows.
  strict = await startTestControlPlane({ databaseUrl, secretKey: cp.secretKey, resolveProviderHost, config: { allowInsecureProviderUrls: false } });
  const member = await cp.prisma.user.create({ data: { organizationId: cp.organizationId, name: 'member', role: 'member' } });
  memberKey = (await createApiKey(cp.prisma, { organizationId: cp.organizationId, userId: member.id, name: 'member key', role: 'member' })).key;
  other = await createOrganization(cp.prisma, { name: 'Other', adminEmail: 'admin@other.example' });
  resolverCtx = { pool: poolOf(cp.prisma), secretKey: cp.secretKey };
});
afterAll(async () => {
  await strict?.close();
  await cp?.close();
  await server?.stop();
});

const KEY = 'sk-proj-Z9yX8wV7uT6sR5qP4oN3mL2kJ1iH0gF';

async function create(body: Record<string, unknown> = {}, ctx: TestControlPlane = cp): Promise<{ id: string; [k: string]: unknown }> {
  const res = await ctx.api('POST', '/service-credentials', { vendor: 'openai', name: 'OpenAI', api_key: KEY, ...body });
  expect(res.status).toBe(201);
  return res.body;
}

/** Every 8-character piece of `secret`: none may appear in stored or sent text. */
const pieces = (secret: string): string[] => Array.from({ length: secret.length - 7 }, (_, i) => secret.slice(i, i + 8));

describe('service credentials', () => {
  it('creates with a sealed, write-only API key', async () => {
    const res = await cp.api('POST', '/service-credentials', { vendor: 'openai', name: ' Main ', api_key: KEY });
    expect(res).toEqual({
      status: 201,
      body: { id: expect.any(String), vendor: 'openai', name: 'Main', base_url: null, api_key_set: true, created_at: expect.any(String), updated_at: expect.any(String) },
    });
    const { id } = res.body;

    const raw = await poolOf(cp.prisma).query('SELECT row_to_json(c)::text AS "row", "api_key_ciphertext" FROM "service_credentials" c WHERE "id" = $1', [id]);
    const text = raw.rows[0].row as string;
    for (const piece of pieces(KEY)) expect(text).not.toContain(piece);
    expect(raw.rows[0].api_key_ciphertext).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(openServiceApiKey(cp.secretKey, id, raw.rows[0].api_key_ciphertext)).toBe(KEY);
    // Bound to its row: useless under another id.
    expect(() => openServiceApiKey(cp.secretKey, randomUUID(), raw.rows[0].api_key_ciphertext)).toThrow(expect.objectContaining({ code: SecretErrorCode.Unreadable }));

    const get = await cp.api('GET', `/service-credentials/${id}`);
    const list = await cp.api('GET', '/service-credentials');
    expect(get).toEqual({ status: 200, body: res.body });
    expect(list.body.data).toContainEqual(res.body);
    for (const sent of [JSON.stringify(res.body), JSON.stringify(get.body), JSON.stringify(list.body), cp.logLines.join('')]) {
      for (const piece of pieces(KEY)) expect(sent).not.toContain(piece);
    }
  });

  it('accepts every vendor, with or without a base_url', async () => {
    for (const vendor of ['openai', 'deepgram', 'elevenlabs', 'cartesia']) {
      expect((await create({ vendor, name: vendor })).vendor).toBe(vendor);
    }
    // An OpenAI-compatible server (vLLM, llama.cpp, Ollama, Groq…): a canonical https base URL.
    const compatible = await create({ base_url: 'HTTPS://API.Example.com/openai/v1/' }, strict);
    expect(compatible.base_url).toBe('https://api.example.com/openai/v1');
    // The operator switch allows a local server over http.
    expect((await create({ base_url: 'http://127.0.0.1:11434/v1' })).base_url).toBe('http://127.0.0.1:11434/v1');
  });

  it('lists newest first, a page at a time', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await cp.api('POST', '/service-credentials', { vendor: 'deepgram', name: `dg ${i}`, api_key: `key-${i}` }, other.apiKey);
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const all = await cp.api('GET', '/service-credentials', undefined, other.apiKey);
    expect(all.body.next_cursor).toBeNull();
    const listed: Array<{ id: string; created_at: string }> = all.body.data;
    expect(listed.map((c) => c.id).sort()).toEqual([...ids].sort());
    const times = listed.map((c) => Date.parse(c.created_at));
    expect(times).toEqual([...times].sort((x, y) => y - x));

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: { data: Array<{ id: string }>; next_cursor: string | null } } = await cp.api(
        'GET',
        `/service-credentials?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        undefined,
        other.apiKey,
      );
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((c) => c.id));
      cursor = page.body.next_cursor;
      pages++;
    } while (cursor !== null);
    expect(seen).toEqual(listed.map((c) => c.id));
    expect(pages).toBe(3);

    for (const query of ['limit=0', 'limit=101', 'limit=x', 'cursor=nope']) {
      expect(await cp.api('GET', `/service-credentials?${query}`)).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    }
  });

  it('filters by vendor (any case), paged the same way', async () => {
    const openai = await cp.api('POST', '/service-credentials', { vendor: 'openai', name: 'only openai', api_key: 'key-o' }, other.apiKey);
    expect(openai.status).toBe(201);
    const ofVendor = async (qs: string) => ((await cp.api('GET', `/service-credentials?${qs}`, undefined, other.apiKey)).body as { data: Array<{ id: string; vendor: string }>; next_cursor: string | null });
    expect((await ofVendor('vendor=OpenAI')).data.map((c) => c.id)).toEqual([openai.body.id]);
    const deepgram = await ofVendor('vendor=deepgram&limit=3');
    expect(deepgram.data.map((c) => c.vendor)).toEqual(['deepgram', 'deepgram', 'deepgram']);
    const rest = await ofVendor(`vendor=deepgram&cursor=${deepgram.next_cursor}`);
    expect(rest.data).toHaveLength(2);
    expect(rest.next_cursor).toBeNull();
    expect((await ofVendor('vendor=cartesia')).data).toEqual([]);
  });

  it('PATCH renames and replaces the key; a PATCH without api_key keeps it', async () => {
    const created = await create({ vendor: 'elevenlabs', name: 'voices' });
    const renamed = await cp.api('PATCH', `/service-credentials/${created.id}`, { name: 'Voices' });
    expect(renamed).toMatchObject({ status: 200, body: { id: created.id, vendor: 'elevenlabs', name: 'Voices', base_url: null, api_key_set: true } });
    expect(await findServiceCredential(resolverCtx, cp.organizationId, created.id)).toMatchObject({ apiKey: KEY });

    const replaced = await cp.api('PATCH', `/service-credentials/${created.id}`, { api_key: 'xi-new-key-0001' });
    expect(replaced).toMatchObject({ status: 200, body: { name: 'Voices', api_key_set: true } });
    expect(JSON.stringify(replaced.body)).not.toContain('xi-new-key-0001');
    expect(await findServiceCredential(resolverCtx, cp.organizationId, created.id)).toMatchObject({ apiKey: 'xi-new-key-0001' });
    expect((await cp.api('PATCH', `/service-credentials/${created.id}`, {})).status).toBe(200);
  });

  it('400 and 422 with precise codes; nothing is stored', async () => {
    const before = await cp.prisma.serviceCredential.count();
    const base = { vendor: 'openai', name: 'x', api_key: KEY };
    const cases: Array<[TestControlPlane, Record<string, unknown>, number, string]> = [
      [cp, { ...base, vendor: 'azure' }, 422, 'unknown_vendor'],
      [cp, { ...base, vendor: 'OpenAI' }, 422, 'unknown_vendor'],
      [cp, { ...base, vendor: 7 }, 400, 'validation_failed'],
      [cp, { vendor: 'openai', name: 'x' }, 400, 'validation_failed'],
      [cp, { ...base, api_key: '' }, 400, 'validation_failed'],
      [cp, { ...base, api_key: 'has space' }, 400, 'validation_failed'],
      [cp, { ...base, api_key: 'line\nbreak' }, 400, 'validation_failed'],
      [cp, { ...base, name: '  ' }, 400, 'validation_failed'],
      [cp, { ...base, extra: 1 }, 400, 'validation_failed'],
      [cp, { ...base, base_url: 'nonsense' }, 422, 'invalid_base_url'],
      [cp, { ...base, base_url: 'ftp://api.example.com' }, 422, 'invalid_base_url'],
      [cp, { ...base, base_url: 'wss://api.example.com' }, 422, 'invalid_base_url'],
      [cp, { ...base, base_url: 'https://u:p@api.example.com' }, 422, 'invalid_base_url'],
      [cp, { ...base, base_url: 'https://api.example.com/v1?key=1' }, 422, 'invalid_base_url'],
      [strict, { ...base, base_url: 'http://api.example.com' }, 422, 'insecure_base_url'],
      [strict, { ...base, base_url: 'https://loopback.example.com' }, 422, 'disallowed_base_url'],
      [strict, { ...base, base_url: 'https://private.example.com' }, 422, 'disallowed_base_url'],
      [strict, { ...base, base_url: 'https://metadata.example.com' }, 422, 'disallowed_base_url'],
      [strict, { ...base, base_url: 'https://10.1.2.3/v1' }, 422, 'disallowed_base_url'],
      [strict, { ...base, base_url: 'https://localhost:8000' }, 422, 'disallowed_base_url'],
      [strict, { ...base, base_url: 'https://nowhere.example.com' }, 422, 'unresolvable_base_url'],
    ];
    for (const [ctx, body, status, code] of cases) {
      const res = await ctx.api('POST', '/service-credentials', body);
      expect(res, JSON.stringify(body)).toMatchObject({ status, body: { error: { code } } });
      expect(res.body.error.message).not.toContain('example.com');
      expect(res.body.error.message).not.toContain(KEY);
    }
    expect((await strict.api('POST', '/service-credentials', { ...base, base_url: 'https://private.example.com' })).body.error.message).toMatch(
      /^base_url host is or resolves to a private address/,
    );
    expect(await cp.prisma.serviceCredential.count()).toBe(before);

    const { id } = await create();
    for (const body of [{ vendor: 'deepgram' }, { api_key: null }, { api_key: '' }, { name: '' }, { extra: true }]) {
      expect(await cp.api('PATCH', `/service-credentials/${id}`, body), JSON.stringify(body)).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    }
    expect(await strict.api('PATCH', `/service-credentials/${id}`, { base_url: 'https://loopback.example.com', api_key: 'k2' })).toMatchObject({
      status: 422,
      body: { error: { code: 'disallowed_base_url' } },
    });
    expect(await findServiceCredential(resolverCtx, cp.organizationId, id)).toEqual({ id, vendor: 'openai', apiKey: KEY, baseUrl: null });
  });

  it('changing base_url needs api_key in the same request (422 credentials_required, nothing changed)', async () => {
    const { id } = await create({ base_url: 'https://api.example.com/v1' }, strict);
    const row = () => cp.prisma.serviceCredential.findUniqueOrThrow({ where: { id } });
    const before = await row();
    for (const body of [{ base_url: 'https://eu.example.com/v1' }, { name: 'moved', base_url: 'https://eu.example.com' }, { base_url: null }]) {
      expect(await strict.api('PATCH', `/service-credentials/${id}`, body)).toEqual({
        status: 422,
        body: { error: { code: 'credentials_required', message: 'changing base_url requires api_key in the same request' } },
      });
    }
    // The operator switch does not lift it.
    expect((await cp.api('PATCH', `/service-credentials/${id}`, { base_url: 'http://127.0.0.1:9' })).body.error.code).toBe('credentials_required');
    expect(await row()).toEqual(before);

    // The same URL (after canonicalization) is no move.
    expect(await strict.api('PATCH', `/service-credentials/${id}`, { base_url: 'HTTPS://api.example.com/v1/', name: 'same' })).toMatchObject({ status: 200, body: { name: 'same' } });
    const moved = await strict.api('PATCH', `/service-credentials/${id}`, { base_url: 'https://eu.example.com/v1', api_key: 'key-for-eu' });
    expect(moved).toMatchObject({ status: 200, body: { base_url: 'https://eu.example.com/v1', api_key_set: true } });
    expect(await findServiceCredential(resolverCtx, cp.organizationId, id)).toEqual({ id, vendor: 'openai', apiKey: 'key-for-eu', baseUrl: 'https://eu.example.com/v1' });
    expect((await strict.api('PATCH', `/service-credentials/${id}`, { base_url: null, api_key: 'key-for-default' })).body.base_url).toBeNull();
  });

  it('DELETE answers 204, then 404; 409 while an agent that may still run names it', async () => {
    const gone = await create();
    expect(await cp.api('DELETE', `/service-credentials/${gone.id}`)).toEqual({ status: 204, body: undefined });
    expect(await cp.api('GET', `/service-credentials/${gone.id}`)).toMatchObject({ status: 404, body: { error: { code: 'service_credential_not_found' } } });
    expect((await cp.api('DELETE', `/service-credentials/${gone.id}`)).status).toBe(404);

    const { id } = await create();
    const engine = (params: Record<string, string>) => ({ type: 'bridge', url: 'wss://bot.example.com/media', protocol: 'twilio', custom_parameters: params });
    const agent = await cp.api('POST', '/agents', { name: 'uses it', engine: engine({ llm_credential: id }) });
    expect(agent.status).toBe(201);
    const inUse = { status: 409, body: { error: { code: 'service_credential_in_use', message: expect.stringContaining(agent.body.uuid) } } };
    expect(await cp.api('DELETE', `/service-credentials/${id}`)).toMatchObject(inUse); // the draft
    expect((await cp.api('POST', `/agents/${agent.body.uuid}/publish`)).status).toBe(200);
    expect((await cp.api('PATCH', `/agents/${agent.body.uuid}`, { engine: engine({ lang: 'en' }) })).status).toBe(200);
    expect(await cp.api('DELETE', `/service-credentials/${id}`)).toMatchObject(inUse); // the published version
    expect((await cp.api('POST', `/agents/${agent.body.uuid}/publish`)).status).toBe(200);
    expect(await cp.api('DELETE', `/service-credentials/${id}`)).toEqual({ status: 204, body: undefined }); // superseded only

    const { id: archivedRef } = await create();
    const archived = await cp.api('POST', '/agents', { name: 'archived', engine: engine({ tts: archivedRef }) });
    expect(await cp.api('DELETE', `/service-credentials/${archivedRef}`)).toMatchObject({ status: 409 });
    await cp.api('POST', `/agents/${archived.body.uuid}/archive`);
    expect((await cp.api('DELETE', `/service-credentials/${archivedRef}`)).status).toBe(204);

    // Another organization's agents do not hold this organization's credentials, and a partial id is no reference.
    const { id: free } = await create();
    await cp.api('POST', '/agents', { name: 'theirs', engine: engine({ c: free }) }, other.apiKey);
    await cp.api('POST', '/agents', { name: 'prefix', engine: engine({ c: free.slice(0, 20) }) });
    expect((await cp.api('DELETE', `/service-credentials/${free}`)).status).toBe(204);
  });

  it("hides other organizations' credentials", async () => {
    const mine = await create({ name: 'mine' });
    const theirs = await cp.api('POST', '/service-credentials', { vendor: 'cartesia', name: 'theirs', api_key: 'cartesia-key' }, other.apiKey);
    expect(theirs.status).toBe(201);
    const notFound = { status: 404, body: { error: { code: 'service_credential_not_found', message: 'service credential not found' } } };
    for (const [method, body] of [['GET', undefined], ['PATCH', { name: 'stolen' }], ['PATCH', { base_url: null, api_key: 'k' }], ['DELETE', undefined]] as const) {
      expect(await cp.api(method, `/service-credentials/${theirs.body.id}`, body)).toEqual(notFound);
      expect(await cp.api(method, `/service-credentials/${mine.id}`, body, other.apiKey)).toEqual(notFound);
    }
    expect((await cp.api('GET', '/service-credentials?limit=100')).body.data.map((c: { id: string }) => c.id)).not.toContain(theirs.body.id);
    expect((await cp.api('GET', `/service-credentials/${theirs.body.id}`, undefined, other.apiKey)).body).toMatchObject({ name: 'theirs' });
    expect((await cp.api('GET', `/service-credentials/${mine.id}`)).body).toMatchObject({ name: 'mine' });
    expect((await cp.api('GET', `/service-credentials/${randomUUID()}`)).status).toBe(404);
  });

  it('is admin material: a member key is 403 on every route', async () => {
    const { id } = await create();
    const forbidden = { status: 403, body: { error: { code: 'forbidden', message: 'this route needs the admin role' } } };
    expect(await cp.api('POST', '/service-credentials', { vendor: 'openai', name: 'm', api_key: KEY }, memberKey)).toEqual(forbidden);
    expect(await cp.api('GET', '/service-credentials', undefined, memberKey)).toEqual(forbidden);
    expect(await cp.api('GET', `/service-credentials/${id}`, undefined, memberKey)).toEqual(forbidden);
    expect(await cp.api('PATCH', `/service-credentials/${id}`, { name: 'm' }, memberKey)).toEqual(forbidden);
    expect(await cp.api('DELETE', `/service-credentials/${id}`, undefined, memberKey)).toEqual(forbidden);
    expect((await cp.api('GET', `/service-credentials/${id}`)).status).toBe(200);
  });
});

describe('findServiceCredential (admission)', () => {
  it('decrypts the original key, in memory, for the owning organization only', async () => {
    const a = await create({ vendor: 'deepgram', name: 'stt', api_key: 'dg-original-key-42' });
    const b = await create({ vendor: 'openai', name: 'llm', base_url: 'https://api.example.com/v1' }, strict);
    expect(await findServiceCredential(resolverCtx, cp.organizationId, a.id)).toEqual({ id: a.id, vendor: 'deepgram', apiKey: 'dg-original-key-42', baseUrl: null });
    const both = await findServiceCredentials(resolverCtx, cp.organizationId, [a.id, b.id, a.id, randomUUID(), 'not-a-uuid']);
    expect([...both.keys()].sort()).toEqual([a.id, b.id].sort());
    expect(both.get(b.id)).toEqual({ id: b.id, vendor: 'openai', apiKey: KEY, baseUrl: 'https://api.example.com/v1' });
    expect(await findServiceCredential(resolverCtx, other.organizationId, a.id)).toBeUndefined();
    expect(await findServiceCredentials(resolverCtx, cp.organizationId, [])).toEqual(new Map());
  });

  it('throws secret_unreadable for a key moved to another row or sealed under another secret key', async () => {
    const a = await create({ api_key: 'key-a' });
    const b = await create({ api_key: 'key-b' });
    const sealedA = (await cp.prisma.serviceCredential.findUniqueOrThrow({ where: { id: a.id } })).apiKeyCiphertext;
    await cp.prisma.serviceCredential.update({ where: { id: b.id }, data: { apiKeyCiphertext: sealedA } });
    await expect(findServiceCredential(resolverCtx, cp.organizationId, b.id)).rejects.toMatchObject({ code: SecretErrorCode.Unreadable });
    await expect(findServiceCredential({ ...resolverCtx, secretKey: Buffer.alloc(32, 7) }, cp.organizationId, a.id)).rejects.toMatchObject({ code: SecretErrorCode.Unreadable });
  });
});
