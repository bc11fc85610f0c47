import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCredentials } from '../providers/credentials.ts';
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

let n = 0;
const CASES = [
  { provider: 'exotel', field: 'account_sid', secrets: { api_key: 'ex-key-SECRET', api_token: 'ex-token-SECRET' }, base: 'https://api.in.exotel.com' },
  { provider: 'twilio', field: 'account_sid', secrets: { auth_token: 'tw-token-SECRET' }, base: 'https://api.twilio.com' },
  { provider: 'vobiz', field: 'auth_id', secrets: { auth_token: 'vb-token-SECRET' }, base: 'https://api.vobiz.ai' },
  { provider: 'plivo', field: 'auth_id', secrets: { auth_token: 'pl-token-SECRET' }, base: 'https://api.plivo.com' },
] as const;

describe.each(CASES)('$provider configurations', ({ provider, field, secrets, base }) => {
  const account = () => `Acct_${provider}_${++n}`;

  it('create: account under its own field, default API URL, credentials sealed and write-only', async () => {
    const id = ` ${account()} `;
    const res = await cp.api('POST', '/telephony-configurations', { provider, name: 'Main', [field]: id, ...secrets });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      provider,
      name: 'Main',
      [field]: id.trim(),
      api_base_url: base,
      settings: {},
      has_credentials: true,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const row = await cp.prisma.telephonyConfiguration.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.domainId).toBe(id.trim());
    expect(openCredentials(cp.secretKey, row.id, row.credentialsCiphertext!)).toEqual(secrets);
    const listed = JSON.stringify((await cp.api('GET', '/telephony-configurations')).body);
    for (const secret of Object.values(secrets)) {
      expect(listed).not.toContain(secret);
      expect(row.credentialsCiphertext).not.toContain(secret);
      expect(cp.logLines.join('')).not.toContain(secret);
    }
  });

  it('refuses fields of another provider, invalid ids and duplicates', async () => {
    const id = account();
    const ok = await cp.api('POST', '/telephony-configurations', { provider, name: 'a', [field]: id });
    expect(ok).toMatchObject({ status: 201, body: { has_credentials: false } });
    expect(await cp.api('POST', '/telephony-configurations', { provider, name: 'b', [field]: id })).toMatchObject({ status: 409, body: { error: { code: 'configuration_exists' } } });
    expect(await cp.api('POST', '/telephony-configurations', { provider, name: 'c', [field]: 'bad id!' })).toMatchObject({ status: 422, body: { error: { code: 'invalid_account_id' } } });
    expect((await cp.api('POST', '/telephony-configurations', { provider, name: 'd', domain_id: account() })).status).toBe(400);
    expect((await cp.api('POST', '/telephony-configurations', { provider, name: 'e', [field]: account(), bearer_token: 'x' })).status).toBe(400);
  });

  it('PATCH merges credentials, refuses a partial set, clears with null', async () => {
    const { body } = await cp.api('POST', '/telephony-configurations', { provider, name: 'p', [field]: account() });
    const keys = Object.keys(secrets);
    if (keys.length > 1) {
      expect(await cp.api('PATCH', `/telephony-configurations/${body.id}`, { [keys[0]!]: 'only-one' })).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    }
    expect((await cp.api('PATCH', `/telephony-configurations/${body.id}`, secrets)).body.has_credentials).toBe(true);
    const rotated = { [keys.at(-1)!]: 'rotated-secret' };
    expect((await cp.api('PATCH', `/telephony-configurations/${body.id}`, rotated)).body.has_credentials).toBe(true);
    const row = await cp.prisma.telephonyConfiguration.findUniqueOrThrow({ where: { id: body.id } });
    expect(openCredentials(cp.secretKey, row.id, row.credentialsCiphertext!)).toEqual({ ...secrets, ...rotated });
    expect((await cp.api('PATCH', `/telephony-configurations/${body.id}`, { [keys[0]!]: null })).body.has_credentials).toBe(false);
  });

  it('PATCH of the account or api_base_url needs every credential field in the same request', async () => {
    const { body } = await cp.api('POST', '/telephony-configurations', { provider, name: 'm', [field]: account(), ...secrets });
    const path = `/telephony-configurations/${body.id}`;
    const before = await cp.prisma.telephonyConfiguration.findUniqueOrThrow({ where: { id: body.id } });
    const keys = Object.keys(secrets);
    const moved = account();
    expect(await cp.api('PATCH', path, { [field]: moved })).toMatchObject({
      status: 422,
      body: { error: { code: 'credentials_required', message: `changing ${field} requires ${keys.join(' and ')} in the same request` } },
    });
    expect(await cp.api('PATCH', path, { api_base_url: 'https://elsewhere.example.com', name: 'n' })).toMatchObject({ status: 422, body: { error: { code: 'credentials_required' } } });
    // Exotel: the token alone is not a re-entry of the credentials.
    expect(await cp.api('PATCH', path, { [field]: moved, [keys.at(-1)!]: 'new-secret' })).toMatchObject(
      keys.length > 1 ? { status: 422, body: { error: { code: 'credentials_required' } } } : { status: 200 },
    );
    if (keys.length > 1) expect(await cp.prisma.telephonyConfiguration.findUniqueOrThrow({ where: { id: body.id } })).toEqual(before);
    const rotated = Object.fromEntries(keys.map((k) => [k, `rotated-${k}`]));
    const res = await cp.api('PATCH', path, { [field]: moved, api_base_url: 'https://elsewhere.example.com', ...rotated });
    expect(res).toMatchObject({ status: 200, body: { [field]: moved, api_base_url: 'https://elsewhere.example.com', has_credentials: true } });
    const row = await cp.prisma.telephonyConfiguration.findUniqueOrThrow({ where: { id: body.id } });
    expect(openCredentials(cp.secretKey, row.id, row.credentialsCiphertext!)).toEqual(rotated);
  });
});

describe('settings', () => {
  it('are validated against the provider and shown', async () => {
    const create = (settings: unknown) => cp.api('POST', '/telephony-configurations', { provider: 'vobiz', name: 's', auth_id: `MA_S${++n}`, settings });
    expect(await create({ l16_inbound_byte_order: 'little' })).toMatchObject({ status: 201, body: { settings: { l16_inbound_byte_order: 'little' } } });
    expect(await create({ l16_inbound_byte_order: 'middle' })).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    expect(await create({ outbound_stream_id_key: 'streamSid' })).toMatchObject({ status: 400 });
    const exotel = await cp.api('POST', '/telephony-configurations', { provider: 'exotel', name: 'x', account_sid: `ex${++n}`, settings: { outbound_stream_id_key: 'streamSid' } });
    expect(exotel.body.settings).toEqual({ outbound_stream_id_key: 'streamSid' });
    expect((await cp.api('PATCH', `/telephony-configurations/${exotel.body.id}`, { settings: null })).body.settings).toEqual({});
    expect((await cp.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'c', domain_id: `c${++n}`, settings: { any: 'x' } })).status).toBe(400);
  });
});
