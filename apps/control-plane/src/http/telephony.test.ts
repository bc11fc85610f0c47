import type { ResolveHost } from '@vr3/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCredentials } from '../providers/credentials.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

let server: TestPostgres;
let cp: TestControlPlane;
let strict: TestControlPlane;

/** DNS as the strict control-plane sees it: `*.example.com` names per address class; others do not resolve. */
const DNS: Record<string, string[]> = {
  'api.example.com': ['93.184.215.14'],
  'eu.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'us.example.com': ['8.8.8.8'],
  'loopback.example.com': ['127.0.0.1'],
  'private.example.com': ['8.8.8.8', '10.0.0.5'],
  'ula.example.com': ['2606:4700:4700::1111', 'fd12::5'],
  'linklocal.example.com': ['fe80::1'],
  'cgnat.example.com': ['100.64.0.9'],
  'unspecified.example.com': ['0.0.0.0'],
  'multicast.example.com': ['239.1.2.3'],
  'metadata.example.com': ['169.254.169.254'],
};
const resolveProviderHost: ResolveHost = async (hostname) => {
  const found = DNS[hostname];
  if (!found) throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as const);
};

beforeAll(async () => {
  server = await startTestPostgres();
  const url = await server.createDatabase();
  cp = await startTestControlPlane({ databaseUrl: url });
  strict = await startTestControlPlane({ databaseUrl: url, resolveProviderHost, config: { allowInsecureProviderUrls: false } });
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

  it('a Cloudonix configuration without bearer_token (absent, null or empty) is stored without credentials, as documented', async () => {
    for (const token of [{}, { bearer_token: null }, { bearer_token: '' }]) {
      const res = await cp.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'later', domain_id: domain(), ...token });
      expect(res).toMatchObject({ status: 201, body: { has_credentials: false, has_bearer_token: false } });
      const row = await cp.prisma.telephonyConfiguration.findUniqueOrThrow({ where: { id: res.body.id } });
      expect(row.credentialsCiphertext).toBeNull();
      // The token added later completes it.
      expect(await cp.api('PATCH', `/telephony-configurations/${res.body.id}`, { bearer_token: TOKEN })).toMatchObject({ status: 200, body: { has_credentials: true } });
    }
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

describe('GET /telephony-configurations', () => {
  it('pages newest first with an opaque cursor and filters by provider (any case)', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await cp.api('POST', '/telephony-configurations', { provider: 'twilio', name: `page ${i}`, account_sid: `ACpage${i}${Date.now()}`, auth_token: 'tok' });
      expect(res.status).toBe(201);
      made.push(res.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { data: Array<{ id: string; provider: string }>; next_cursor: string | null } } = await cp.api(
        'GET',
        `/telephony-configurations?provider=Twilio&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.data.every((c) => c.provider === 'twilio')).toBe(true);
      seen.push(...res.body.data.map((c) => c.id));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...made].reverse());
    expect((await cp.api('GET', '/telephony-configurations?provider=exotel')).body).toEqual({ data: [], next_cursor: null });
    const all = await cp.api('GET', '/telephony-configurations?limit=200');
    expect(all.body.data.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(made));
  });

  it('400 on a bad limit or cursor', async () => {
    for (const qs of ['limit=0', 'limit=201', 'limit=x', 'cursor=nonsense']) {
      expect(await cp.api('GET', `/telephony-configurations?${qs}`), qs).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    }
  });
});

describe('api_base_url and account changes move stored credentials only when they are re-entered', () => {
  const row = (id: string) => strict.prisma.telephonyConfiguration.findUniqueOrThrow({ where: { id } });
  const create = async (ctx: TestControlPlane = strict) => {
    const res = await ctx.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'm', domain_id: domain(), bearer_token: TOKEN, api_base_url: 'https://api.example.com' });
    expect(res.status).toBe(201);
    return res.body as { id: string; domain_id: string };
  };

  it('PATCH api_base_url without the token → 422 credentials_required and the stored configuration unchanged', async () => {
    const { id } = await create();
    const before = await row(id);
    const res = await strict.api('PATCH', `/telephony-configurations/${id}`, { api_base_url: 'https://eu.example.com/exfil' });
    expect(res).toMatchObject({ status: 422, body: { error: { code: 'credentials_required', message: 'changing api_base_url requires bearer_token in the same request' } } });
    expect(await row(id)).toEqual(before);
    // Also when riding along with other changes, and for the account: nothing of the request is applied.
    expect((await strict.api('PATCH', `/telephony-configurations/${id}`, { name: 'x', api_base_url: 'https://eu.example.com' })).body.error.code).toBe('credentials_required');
    expect(await strict.api('PATCH', `/telephony-configurations/${id}`, { domain_id: domain() })).toMatchObject({
      status: 422,
      body: { error: { code: 'credentials_required', message: 'changing domain_id requires bearer_token in the same request' } },
    });
    expect(await row(id)).toEqual(before);
    // The operator switch does not lift it.
    expect((await cp.api('PATCH', `/telephony-configurations/${id}`, { api_base_url: 'http://127.0.0.1:9' })).body.error.code).toBe('credentials_required');
    expect(await row(id)).toEqual(before);
  });

  it('PATCH api_base_url or the account with the token → 200, stored with the new token', async () => {
    const { id } = await create();
    const moved = await strict.api('PATCH', `/telephony-configurations/${id}`, { api_base_url: 'https://eu.example.com/v2/', bearer_token: 'token-for-eu' });
    expect(moved).toMatchObject({ status: 200, body: { api_base_url: 'https://eu.example.com/v2', has_credentials: true } });
    let stored = await row(id);
    expect(openCredentials(strict.secretKey, id, stored.credentialsCiphertext!)).toEqual({ bearer_token: 'token-for-eu' });
    const d = domain();
    expect(await strict.api('PATCH', `/telephony-configurations/${id}`, { domain_id: d, bearer_token: 'token-for-d' })).toMatchObject({
      status: 200,
      body: { domain_id: `${d.toLowerCase()}.cloudonix.net` },
    });
    stored = await row(id);
    expect(openCredentials(strict.secretKey, id, stored.credentialsCiphertext!)).toEqual({ bearer_token: 'token-for-d' });
  });

  it('needs no token when nothing moves, when the credentials are cleared, or when none are stored', async () => {
    const { id, domain_id } = await create();
    expect((await strict.api('PATCH', `/telephony-configurations/${id}`, { api_base_url: 'HTTPS://API.example.com/', domain_id, name: 'same' })).status).toBe(200);
    expect(await strict.api('PATCH', `/telephony-configurations/${id}`, { api_base_url: 'https://us.example.com', bearer_token: null })).toMatchObject({
      status: 200,
      body: { api_base_url: 'https://us.example.com', has_credentials: false },
    });
    expect((await strict.api('PATCH', `/telephony-configurations/${id}`, { api_base_url: null })).body.api_base_url).toBe('https://api.cloudonix.io');
  });

  it('http URLs: 422 insecure_api_base_url on PATCH unless the operator switch allows them', async () => {
    const { id } = await create();
    expect(await strict.api('PATCH', `/telephony-configurations/${id}`, { api_base_url: 'http://us.example.com', bearer_token: 'x' })).toMatchObject({
      status: 422,
      body: { error: { code: 'insecure_api_base_url' } },
    });
    const { id: other } = await create(cp); // (each control-plane here seals with its own key)
    expect(await cp.api('PATCH', `/telephony-configurations/${other}`, { api_base_url: 'http://127.0.0.1:9999', bearer_token: 'x' })).toMatchObject({
      status: 200,
      body: { api_base_url: 'http://127.0.0.1:9999' },
    });
  });
});

describe('api_base_url hosts must resolve to public addresses only', () => {
  const DISALLOWED: Array<[url: string, rule: string]> = [
    ['https://loopback.example.com', 'loopback'],
    ['https://private.example.com', 'private'],
    ['https://ula.example.com', 'private'],
    ['https://linklocal.example.com', 'link-local'],
    ['https://cgnat.example.com', 'CGNAT'],
    ['https://unspecified.example.com', 'unspecified'],
    ['https://multicast.example.com', 'multicast'],
    ['https://metadata.example.com', 'metadata'],
    ['https://127.0.0.1:8443', 'loopback'],
    ['https://localhost', 'loopback'],
    ['https://[::1]', 'loopback'],
    ['https://10.1.2.3', 'private'],
    ['https://172.16.5.4', 'private'],
    ['https://192.168.0.1', 'private'],
    ['https://[fd00::1]', 'private'],
    ['https://169.254.10.10', 'link-local'],
    ['https://[fe80::1]', 'link-local'],
    ['https://100.100.0.1', 'CGNAT'],
    ['https://0.0.0.0', 'unspecified'],
    ['https://[::]', 'unspecified'],
    ['https://224.0.0.251', 'multicast'],
    ['https://[ff02::1]', 'multicast'],
    ['https://169.254.169.254/latest', 'metadata'],
    ['https://[fd00:ec2::254]', 'metadata'],
    ['https://metadata.google.internal/computeMetadata/v1', 'metadata'],
    ['https://[::ffff:127.0.0.1]', 'loopback'],
    ['https://2130706433', 'loopback'],
  ];

  it.each(DISALLOWED)('POST and PATCH with %s → 422 disallowed_api_base_url naming the %s rule', async (url, rule) => {
    const d = domain();
    const post = await strict.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'x', domain_id: d, bearer_token: TOKEN, api_base_url: url });
    expect(post).toMatchObject({ status: 422, body: { error: { code: 'disallowed_api_base_url' } } });
    expect(post.body.error.message).toContain(rule);
    expect(post.body.error.message).not.toContain('example.com');
    expect(post.body.error.message).not.toContain(url);
    expect(await strict.prisma.telephonyConfiguration.count({ where: { domainId: `${d.toLowerCase()}.cloudonix.net` } })).toBe(0);

    const { body: created } = await strict.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'y', domain_id: domain(), bearer_token: TOKEN });
    const patch = await strict.api('PATCH', `/telephony-configurations/${created.id}`, { api_base_url: url, bearer_token: 'new-token' });
    expect(patch).toMatchObject({ status: 422, body: { error: { code: 'disallowed_api_base_url' } } });
    const stored = await strict.prisma.telephonyConfiguration.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored.apiBaseUrl).toBe('https://api.cloudonix.io');
    expect(openCredentials(strict.secretKey, stored.id, stored.credentialsCiphertext!)).toEqual({ bearer_token: TOKEN });
  });

  it('a host that does not resolve → 422 unresolvable_api_base_url', async () => {
    const res = await strict.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'x', domain_id: domain(), api_base_url: 'https://nowhere.example.com' });
    expect(res).toMatchObject({ status: 422, body: { error: { code: 'unresolvable_api_base_url', message: 'api_base_url host name does not resolve' } } });
  });

  it('public hosts pass; the operator switch allows private and loopback hosts without resolving them', async () => {
    expect((await strict.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'x', domain_id: domain(), api_base_url: 'https://eu.example.com' })).status).toBe(201);
    expect((await strict.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'x', domain_id: domain(), api_base_url: 'https://8.8.8.8' })).status).toBe(201);
    for (const url of ['https://10.1.2.3', 'http://127.0.0.1:9', 'https://private.example.com', 'https://unresolvable.internal']) {
      expect(await cp.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'x', domain_id: domain(), api_base_url: url })).toMatchObject({ status: 201 });
    }
  });
});
