import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCredentials } from '../providers/credentials.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

let server: TestPostgres;
let cp: TestControlPlane;
let strict: TestControlPlane;

beforeAll(async () => {
  server = await startTestPostgres();
  const url = await server.createDatabase();
  cp = await startTestControlPlane({ databaseUrl: url });
  strict = await startTestControlPlane({ databaseUrl: url, config: { allowInsecureProviderUrls: false } });
});
afterAll(async () => {
  await cp?.close();
  await strict?.close();
  await server?.stop();
});

const TOKEN = 'cloudonix-secret-token-XYZ';
let n = 0;
const domain = () => `Acme${++n}`;

describe('telephony configurations', () => {
  it('creates with a normalized domain, the default API URL and write-only credentials', async () => {
    const d = domain();
    const res = await cp.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'Main', domain_id: ` ${d}. `, bearer_token: TOKEN });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      provider: 'cloudonix',
      name: 'Main',
      domain_id: `${d.toLowerCase()}.cloudonix.net`,
      api_base_url: 'https://api.cloudonix.io',
      settings: {},
      has_credentials: true,
      has_bearer_token: true,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const row = await cp.prisma.telephonyConfiguration.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.credentialsCiphertext).not.toContain(TOKEN);
    expect(openCredentials(cp.secretKey, row.id, row.credentialsCiphertext!)).toEqual({ bearer_token: TOKEN });

    const get = await cp.api('GET', `/telephony-configurations/${res.body.id}`);
    const list = await cp.api('GET', '/telephony-configurations');
    expect(get.body).toEqual(res.body);
    expect(list.body.data).toContainEqual(res.body);
    for (const text of [JSON.stringify(get.body), JSON.stringify(list.body), cp.logLines.join('')]) expect(text).not.toContain(TOKEN);
  });

  it('409 on a duplicate domain (after normalization) in the same organization', async () => {
    const d = domain();
    expect((await cp.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'a', domain_id: d, bearer_token: TOKEN })).status).toBe(201);
    const dup = await cp.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'b', domain_id: `${d.toUpperCase()}.cloudonix.net`, bearer_token: TOKEN });
    expect(dup).toMatchObject({ status: 409, body: { error: { code: 'configuration_exists' } } });
  });

  it('422 on an unknown provider, an invalid domain, or a bad API URL', async () => {
    const base = { provider: 'cloudonix', name: 'x', bearer_token: TOKEN };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, provider: 'telnyx', domain_id: domain() }, 'unknown_provider'],
      [{ ...base, provider: 'nope', domain_id: domain() }, 'unknown_provider'],
      [{ ...base, domain_id: 'not a domain!' }, 'invalid_domain'],
      [{ ...base, domain_id: '' }, 'invalid_domain'],
      [{ ...base, domain_id: domain(), api_base_url: 'ftp://api.example.com' }, 'invalid_api_base_url'],
      [{ ...base, domain_id: domain(), api_base_url: 'nonsense' }, 'invalid_api_base_url'],
      [{ ...base, domain_id: domain(), api_base_url: 'https://u:p@api.example.com' }, 'invalid_api_base_url'],
    ];
    for (const [body, code] of cases) {
      expect(await cp.api('POST', '/telephony-configurations', body)).toMatchObject({ status: 422, body: { error: { code } } });
    }
    expect((await cp.api('POST', '/telephony-configurations', { name: 'x', domain_id: domain() })).status).toBe(400);
  });

  it('http API URLs need allowInsecureProviderUrls; https ones are normalized', async () => {
    const http = { provider: 'cloudonix', name: 'x', domain_id: domain(), api_base_url: 'http://127.0.0.1:9999' };
    expect(await strict.api('POST', '/telephony-configurations', http)).toMatchObject({ status: 422, body: { error: { code: 'insecure_api_base_url' } } });
    expect(await cp.api('POST', '/telephony-configurations', http)).toMatchObject({ status: 201, body: { api_base_url: 'http://127.0.0.1:9999' } });
    const https = await strict.api('POST', '/telephony-configurations', { ...http, domain_id: domain(), api_base_url: 'HTTPS://API.Example.com/v1/' });
    expect(https).toMatchObject({ status: 201, body: { api_base_url: 'https://api.example.com/v1', has_bearer_token: false } });
  });

  it('PATCH renames, re-points, replaces and clears the token', async () => {
    const { body: created } = await cp.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'p', domain_id: domain(), bearer_token: TOKEN });
    const d = domain();
    const patched = await cp.api('PATCH', `/telephony-configurations/${created.id}`, { name: 'renamed', domain_id: d, bearer_token: 'new-token-1', api_base_url: 'https://eu.example.com' });
    expect(patched.body).toMatchObject({ name: 'renamed', domain_id: `${d.toLowerCase()}.cloudonix.net`, api_base_url: 'https://eu.example.com', has_bearer_token: true });
    const row = await cp.prisma.telephonyConfiguration.findUniqueOrThrow({ where: { id: created.id } });
    expect(openCredentials(cp.secretKey, row.id, row.credentialsCiphertext!).bearer_token).toBe('new-token-1');

    expect((await cp.api('PATCH', `/telephony-configurations/${created.id}`, { bearer_token: '' })).body.has_bearer_token).toBe(false);
    await cp.api('PATCH', `/telephony-configurations/${created.id}`, { bearer_token: 'again' });
    expect((await cp.api('PATCH', `/telephony-configurations/${created.id}`, { bearer_token: null })).body.has_bearer_token).toBe(false);
    expect((await cp.api('PATCH', `/telephony-configurations/${created.id}`, { api_base_url: null })).body.api_base_url).toBe('https://api.cloudonix.io');

    expect((await cp.api('PATCH', `/telephony-configurations/${created.id}`, { domain_id: '!!' })).status).toBe(422);
    expect((await strict.api('PATCH', `/telephony-configurations/${created.id}`, { api_base_url: 'http://x.example' })).status).toBe(422);
    expect((await cp.api('PATCH', `/telephony-configurations/${created.id}`, { provider: 'cloudonix' })).status).toBe(400);

    const { body: other } = await cp.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'q', domain_id: domain() });
    expect(await cp.api('PATCH', `/telephony-configurations/${other.id}`, { domain_id: d })).toMatchObject({ status: 409, body: { error: { code: 'configuration_exists' } } });
  });

  it('DELETE answers 204, then 404', async () => {
    const { body } = await cp.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'gone', domain_id: domain() });
    const del = await fetch(`${cp.baseUrl}/api/v1/telephony-configurations/${body.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${cp.apiKey}` } });
    expect(del.status).toBe(204);
    expect(await cp.api('GET', `/telephony-configurations/${body.id}`)).toMatchObject({ status: 404, body: { error: { code: 'telephony_configuration_not_found' } } });
    expect((await cp.api('DELETE', `/telephony-configurations/${body.id}`)).status).toBe(404);
  });

  it('hides other organizations\' configurations', async () => {
    const org = await cp.prisma.organization.create({ data: { name: 'Other' } });
    const theirs = await cp.prisma.telephonyConfiguration.create({
      data: { organizationId: org.id, provider: 'cloudonix', name: 't', domainId: 'theirs.cloudonix.net', apiBaseUrl: 'https://api.cloudonix.io' },
    });
    expect((await cp.api('GET', `/telephony-configurations/${theirs.id}`)).status).toBe(404);
    expect((await cp.api('PATCH', `/telephony-configurations/${theirs.id}`, { name: 'mine' })).status).toBe(404);
    expect((await cp.api('DELETE', `/telephony-configurations/${theirs.id}`)).status).toBe(404);
    const list = await cp.api('GET', '/telephony-configurations');
    expect(list.body.data.map((c: { id: string }) => c.id)).not.toContain(theirs.id);
    // The same domain may exist in another organization.
    expect((await cp.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'mine', domain_id: 'theirs' })).status).toBe(201);
  });
});
