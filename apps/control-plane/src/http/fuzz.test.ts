/**
 * Property-based fuzzing of every REST body of the control-plane through the real router and a real
 * PostgreSQL database: agents (create, patch, publish, archive), telephony configurations (create,
 * patch for each provider), service credentials (create for each vendor, patch), quota (put) and run
 * actions (hangup). Random and mutated bodies (fields
 * deleted, types swapped, huge strings, NUL and unpaired surrogates, deep nesting, keys renamed)
 * never make a 500: every answer is a documented status with the `{"error":{"code","message"}}` body
 * of {@link API_ERRORS}; bodies mutated within their schema still succeed. fast-check prints the seed
 * and the shrunk counterexample of a failure.
 */
import { isSafeText } from '@vr3/protocol';
import { bigSplicer, damage, deepNesting, hugeString, mutate, mutationOp, replacementValue, textDamage, unsafeText, type Json, type MutateOptions } from '@vr3/protocol/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERRORS } from '../errors.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

let server: TestPostgres;
let cp: TestControlPlane;
/** Agents the routes act on: one patched, one published/archived at random. */
let patched: string;
let throwaway: string;
/** One configuration per provider, patched by the fuzz. */
const configs: Record<string, string> = {};
/** The service credential patched by the fuzz. */
let credential: string;
const VENDORS = ['openai', 'deepgram', 'elevenlabs', 'cartesia'] as const;
const credentialBody = (vendor: string): Record<string, Json> => ({ vendor, name: `${vendor} fuzz`, api_key: 'sk-fuzz-key', base_url: 'https://api.example.com/v1' });

const PROVIDERS = {
  cloudonix: { account: 'domain_id', secrets: ['bearer_token'] },
  exotel: { account: 'account_sid', secrets: ['api_key', 'api_token'] },
  twilio: { account: 'account_sid', secrets: ['auth_token'] },
  vobiz: { account: 'auth_id', secrets: ['auth_token'] },
  plivo: { account: 'auth_id', secrets: ['auth_token'] },
} as const;
type Provider = keyof typeof PROVIDERS;
const PROVIDER_NAMES = Object.keys(PROVIDERS) as Provider[];

let unique = 0;
/** A fresh account id, so creates never collide (409) unless a case means to. */
const account = (provider: Provider): string => `${provider === 'cloudonix' ? 'fz' : 'AC'}${(unique++).toString(36)}x${Date.now().toString(36)}`;

function configBody(provider: Provider): Record<string, Json> {
  const p = PROVIDERS[provider];
  return { provider, name: `${provider} fuzz`, [p.account]: account(provider), ...Object.fromEntries(p.secrets.map((s) => [s, `secret-${s}`])), api_base_url: 'https://api.example.com', settings: {} };
}

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
  patched = (await cp.api('POST', '/agents', { name: 'patched', engine: { type: 'echo' } })).body.uuid;
  throwaway = (await cp.api('POST', '/agents', { name: 'throwaway', engine: { type: 'echo' } })).body.uuid;
  for (const provider of PROVIDER_NAMES) {
    const res = await cp.api('POST', '/telephony-configurations', configBody(provider));
    expect(res.status).toBe(201);
    configs[provider] = res.body.id;
  }
  const res = await cp.api('POST', '/service-credentials', credentialBody('openai'));
  expect(res.status).toBe(201);
  credential = res.body.id;
});
afterAll(async () => {
  await cp?.close();
  await server?.stop();
});

// ---------------------------------------------------------------------------------------------
// Routes and their valid bodies

interface Route {
  name: string;
  method: string;
  path: () => string;
  /** A valid body (a fresh one per call: creates use new account ids). */
  valid: () => Record<string, Json>;
}

const bridge = { type: 'bridge', url: 'wss://bot.example.com/media', protocol: 'twilio', headers: { Authorization: 'Bearer x' }, custom_parameters: { lang: 'en' } };
const ROUTES: Route[] = [
  { name: 'POST /agents (echo)', method: 'POST', path: () => '/agents', valid: () => ({ name: 'Support', engine: { type: 'echo' } }) },
  { name: 'POST /agents (bridge)', method: 'POST', path: () => '/agents', valid: () => ({ name: 'Bot', engine: structuredClone(bridge) }) },
  { name: 'PATCH /agents/{uuid}', method: 'PATCH', path: () => `/agents/${patched}`, valid: () => ({ name: 'Renamed', engine: structuredClone(bridge) }) },
  { name: 'POST /agents/{uuid}/publish', method: 'POST', path: () => `/agents/${throwaway}/publish`, valid: () => ({}) },
  { name: 'POST /agents/{uuid}/archive', method: 'POST', path: () => `/agents/${throwaway}/archive`, valid: () => ({}) },
  ...PROVIDER_NAMES.map((p): Route => ({ name: `POST /telephony-configurations (${p})`, method: 'POST', path: () => '/telephony-configurations', valid: () => configBody(p) })),
  ...PROVIDER_NAMES.map(
    (p): Route => ({
      name: `PATCH /telephony-configurations/{id} (${p})`,
      method: 'PATCH',
      path: () => `/telephony-configurations/${configs[p]}`,
      valid: () => {
        const { provider: _p, [PROVIDERS[p].account]: _a, ...rest } = configBody(p);
        return rest;
      },
    }),
  ),
  ...VENDORS.map((v): Route => ({ name: `POST /service-credentials (${v})`, method: 'POST', path: () => '/service-credentials', valid: () => credentialBody(v) })),
  {
    name: 'PATCH /service-credentials/{id}',
    method: 'PATCH',
    path: () => `/service-credentials/${credential}`,
    valid: () => {
      const { vendor: _v, ...rest } = credentialBody('openai');
      return rest;
    },
  },
  { name: 'PUT /users/{id}/quota', method: 'PUT', path: () => `/users/${cp.userId}/quota`, valid: () => ({ max_concurrent_calls: 100, monthly_call_seconds: null }) },
  { name: 'POST /runs/{id}/hangup', method: 'POST', path: () => '/runs/00000000-0000-4000-8000-000000000000/hangup', valid: () => ({}) },
];

// ---------------------------------------------------------------------------------------------
// Generators

const anyText = unsafeText(
  [
    '\u0000', 'a\u0000b', '\uD800', '\uDC00', 'x\uDBFF', '\uDFFF\uD800', '\u2028', '', ' ', '\\', '"', '%00', '__proto__', 'constructor',
    'toString', 'NaN', '-1', '1e400', 'https://api.example.com', 'http://127.0.0.1:1', 'ws://x', 'echo', 'bridge', 'twilio', 'null', '😀', '\uFEFF',
  ],
  30,
);
const replacement = replacementValue(
  anyText,
  [0, -0, -1, 1.5, 2 ** 31, 2 ** 31 - 1, 2 ** 53 + 2, -(2 ** 60), 1e308, 100, 30_000],
  hugeString(1_000, ['A', '\u0000', '😀', '\uD800']),
  deepNesting(30, '1'),
);
const splicer = bigSplicer();
const MUTATE: MutateOptions = { maxContainers: 200, addToArray: 'overwrite', wrapMember: 'array-or-object' };

const fieldName = fc.oneof(
  anyText,
  fc.constantFrom('name', 'engine', 'type', 'url', 'protocol', 'headers', 'Authorization', 'custom_parameters', 'provider', 'domain_id', 'account_sid', 'auth_id', 'bearer_token', 'api_key', 'api_token', 'auth_token', 'api_base_url', 'base_url', 'vendor', 'settings', 'l16_inbound_byte_order', 'outbound_stream_id_key', 'max_concurrent_calls', 'monthly_call_seconds', 'sample_rate', 'connect_timeout_ms'),
);
const op = mutationOp(['delete', 'replace', 'replace', 'wrap', 'rename', 'add', 'taint', 'taint'], replacement, fieldName);

/** Raw body text damaged at one point: cut, inserted into, replaced. */
const bodyDamage = textDamage(anyText);

// ---------------------------------------------------------------------------------------------
// The oracle

/** Sends `text` as the body (JSON content type) and checks the answer is documented; returns the status. */
async function send(route: Route, text: string | undefined): Promise<number> {
  const headers: Record<string, string> = { authorization: `Bearer ${cp.apiKey}` };
  if (text !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${cp.baseUrl}/api/v1${route.path()}`, { method: route.method, headers, ...(text === undefined ? {} : { body: text }) });
  const raw = await res.text();
  expect(res.status, `${route.name}: ${raw.slice(0, 300)}`).not.toBe(500);
  expect(res.status, route.name).toBeLessThan(500);
  if (res.status >= 400) {
    const body = JSON.parse(raw) as { error?: { code?: string; message?: unknown } };
    expect(Object.keys(body)).toEqual(['error']);
    const code = body.error?.code as keyof typeof API_ERRORS;
    expect(Object.keys(API_ERRORS), raw.slice(0, 300)).toContain(code);
    expect(API_ERRORS[code]).toBe(res.status);
    expect(typeof body.error?.message).toBe('string');
  }
  return res.status;
}

/** Requests answered 500 are logged `request failed`: there must be none. */
const serverErrors = (): string[] => cp.logLines.filter((l) => l.includes('"request failed"')).map((l) => l.slice(0, 400));

const route = fc.constantFrom(...ROUTES);
const RUNS = { numRuns: 80 } as const;

// ---------------------------------------------------------------------------------------------
// Properties

describe('REST body fuzz', () => {
  it('random JSON bodies on every route: documented 4xx or success, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(route, fc.jsonValue({ maxDepth: 3 }), async (r, body) => {
        await send(r, JSON.stringify(body));
      }),
      RUNS,
    );
  });

  it('random text bodies (not JSON, broken JSON, lone surrogates, empty)', async () => {
    await fc.assert(
      fc.asyncProperty(route, fc.oneof(anyText, fc.string({ unit: 'binary', maxLength: 200 })), async (r, text) => {
        await send(r, text);
      }),
      { numRuns: 40 },
    );
  });

  it('valid bodies mutated: deleted fields, swapped types, huge strings, NUL/surrogates, deep nesting, renamed keys', async () => {
    await fc.assert(
      fc.asyncProperty(route, fc.array(op, { minLength: 1, maxLength: 4 }), async (r, ops) => {
        await send(r, splicer.serialize(mutate(r.valid(), ops, splicer, MUTATE)));
      }),
      { numRuns: 150 },
    );
  });

  it('valid bodies damaged character by character', async () => {
    await fc.assert(
      fc.asyncProperty(route, fc.array(bodyDamage, { minLength: 1, maxLength: 3 }), async (r, damages) => {
        await send(r, damages.reduce(damage, JSON.stringify(r.valid())));
      }),
      { numRuns: 40 },
    );
  });

  it('valid bodies mutated within their schema still succeed', async () => {
    const name = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).filter((s) => s.trim().length > 0 && isSafeText(s));
    const secret = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }).filter(isSafeText);
    const limit = fc.option(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { nil: null });
    const apiKey = fc.string({ unit: fc.constantFrom(...'!#$%&()*+,-./0123456789:;<=>?@ABCXYZ[]^_`abcxyz{|}~'.split('')), minLength: 1, maxLength: 80 });
    const headerValue = fc.string({ unit: fc.constantFrom(...' !#$%&()*+,-./0123456789:;<=>?@ABCXYZ[]^_`abcxyz{|}~'.split('')), maxLength: 40 });
    const valid = fc.oneof(
      fc.record({ name, headerValue }).map(({ name, headerValue }) => ({ route: ROUTES[0]!, body: { name, engine: { type: 'echo' } } as Record<string, Json>, headerValue })),
      fc.record({ name, headerValue }).map(({ name, headerValue }) => ({ route: ROUTES[1]!, body: { name, engine: { ...bridge, headers: { 'X-Token': headerValue } } }, headerValue })),
      fc.record({ name, headerValue }).map(({ name, headerValue }) => ({ route: ROUTES[2]!, body: { name, engine: { ...bridge, custom_parameters: { note: headerValue } } }, headerValue })),
      fc.record({ p: fc.constantFrom(...PROVIDER_NAMES), name, secret }).map(({ p, name, secret }) => {
        const body = configBody(p);
        for (const s of PROVIDERS[p].secrets) body[s] = secret;
        return { route: ROUTES.find((r) => r.name === `POST /telephony-configurations (${p})`)!, body: { ...body, name }, headerValue: '' };
      }),
      fc.record({ p: fc.constantFrom(...PROVIDER_NAMES), name }).map(({ p, name }) => ({ route: ROUTES.find((r) => r.name === `PATCH /telephony-configurations/{id} (${p})`)!, body: { name } as Record<string, Json>, headerValue: '' })),
      fc.record({ v: fc.constantFrom(...VENDORS), name, apiKey }).map(({ v, name, apiKey }) => ({
        route: ROUTES.find((r) => r.name === `POST /service-credentials (${v})`)!,
        body: { ...credentialBody(v), name, api_key: apiKey },
        headerValue: '',
      })),
      fc.record({ name, apiKey }).map(({ name, apiKey }) => ({ route: ROUTES.find((r) => r.name === 'PATCH /service-credentials/{id}')!, body: { name, api_key: apiKey } as Record<string, Json>, headerValue: '' })),
      fc.record({ a: limit, b: limit }).map(({ a, b }) => ({ route: ROUTES.find((r) => r.name === 'PUT /users/{id}/quota')!, body: { max_concurrent_calls: a, monthly_call_seconds: b } as Record<string, Json>, headerValue: '' })),
    );
    await fc.assert(
      fc.asyncProperty(valid, async ({ route: r, body }) => {
        const status = await send(r, JSON.stringify(body));
        expect(status, r.name).toBeGreaterThanOrEqual(200);
        expect(status, r.name).toBeLessThan(300);
      }),
      RUNS,
    );
  });

  it('answered no request with a server error', () => {
    expect(serverErrors()).toEqual([]);
  });
});
