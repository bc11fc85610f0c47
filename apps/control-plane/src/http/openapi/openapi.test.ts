import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkApiResponse } from '../../testing/api-contract.ts';
import { startTestControlPlane, type TestControlPlane } from '../../testing/control-plane.ts';
import { startTestPostgres, type TestPostgres } from '../../testing/postgres.ts';
import { mountedRoutes } from '../../testing/routes.ts';
import { PUBLIC_ROUTES, ROUTE_ROLES } from '../roles.ts';
import { buildOpenApiDocument, openApiPath } from './document.ts';
import { OPERATIONS } from './operations.ts';

let pg: TestPostgres;
let cp: TestControlPlane;

beforeAll(async () => {
  pg = await startTestPostgres();
  cp = await startTestControlPlane({ databaseUrl: await pg.createDatabase(), config: { publicUrl: 'wss://voice.example.com' } });
});
afterAll(async () => {
  await cp?.close();
  await pg?.stop();
});

const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

/** Every `$ref` anywhere in `value`. */
function refsOf(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsOf(v, into);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') into.push(v);
      else refsOf(v, into);
    }
  }
  return into;
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document (the OpenAPI Initiative schema, by a standard validator)', async () => {
    const doc = buildOpenApiDocument('https://voice.example.com/api/v1');
    expect(doc['openapi']).toBe('3.1.0');
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('a broken document is refused by the same validator (the check can fail)', async () => {
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, { parameters: Array<{ in: string }> }>> };
    doc.paths['/agents']!['get']!.parameters[0]!.in = 'body';
    expect((await new Validator().validate(doc as never)).valid).toBe(false);
  });

  it('describes every mounted route, and nothing that is not mounted', () => {
    const mounted = mountedRoutes(cp.controlPlane.router).map(key).sort();
    expect(OPERATIONS.map(key).sort()).toEqual(mounted);
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, unknown>> };
    for (const op of OPERATIONS) expect(doc.paths[openApiPath(op.path)]?.[op.method.toLowerCase()], key(op)).toBeDefined();
  });

  it('marks exactly the public routes public, and gives every other its role from the role table', () => {
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, { security?: unknown[]; 'x-vr3-role'?: string }>> };
    expect(OPERATIONS.filter((op) => op.public).map(key).sort()).toEqual(PUBLIC_ROUTES.map(key).sort());
    for (const route of ROUTE_ROLES) expect(doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()]?.['x-vr3-role'], key(route)).toBe(route.role);
    for (const route of PUBLIC_ROUTES) expect(doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()]?.security, key(route)).toEqual([]);
  });

  it('resolves every $ref and has unique operation ids', () => {
    const doc = buildOpenApiDocument() as { components: { schemas: Record<string, unknown> } };
    const refs = refsOf(doc);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) expect(doc.components.schemas[ref.replace('#/components/schemas/', '')], ref).toBeDefined();
    const ids = OPERATIONS.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('takes its request schemas from the routes: what the document says is required, the route requires', async () => {
    const doc = buildOpenApiDocument() as any;
    const required = doc.components.schemas.Agent ? doc.paths['/agents'].post.requestBody.content['application/json'].schema.required : [];
    expect(required).toEqual(expect.arrayContaining(['name', 'engine']));
    const refused = await cp.api('POST', '/agents', { name: 'no engine' });
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    expect(refused.body.error.message).toMatch(/engine/);
  });

  it('is served at GET /api/v1/openapi.json without credentials, with the public URL as its server', async () => {
    const res = await fetch(`${cp.baseUrl}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await res.json()) as { servers: Array<{ url: string }>; paths: Record<string, unknown> };
    expect(doc.servers).toEqual([{ url: 'https://voice.example.com/api/v1' }]);
    expect(Object.keys(doc.paths)).toContain('/agents/{uuid}/calls');
  });
});

describe('the contract check every API test runs', () => {
  /** A real agent as the API answers it (api() has already checked it against the contract). */
  const realAgent = async (): Promise<Record<string, unknown>> => {
    const created = await cp.api('POST', '/agents', { name: 'contract', engine: { type: 'echo' } });
    expect(created.status).toBe(201);
    return created.body;
  };

  it('accepts a response as documented', async () => {
    const agent = await realAgent();
    expect(() => checkApiResponse('GET', '/agents/x', 200, agent)).not.toThrow();
    expect(() => checkApiResponse('GET', '/agents?limit=1', 200, { data: [agent], next_cursor: null })).not.toThrow();
    expect(() => checkApiResponse('DELETE', '/api-keys/x', 204, undefined)).not.toThrow();
    expect(() => checkApiResponse('GET', '/agents/x', 404, { error: { code: 'agent_not_found', message: 'agent not found' } })).not.toThrow();
  });

  it('refuses an undocumented field, a missing field, an undocumented status and a malformed error', async () => {
    const agent = await realAgent();
    expect(() => checkApiResponse('GET', '/agents/x', 200, { ...agent, secret: 'x' })).toThrow(/GET \/agents\/:uuid → 200.*secret/s);
    const { name: _name, ...nameless } = agent;
    expect(() => checkApiResponse('GET', '/agents/x', 200, nameless)).toThrow(/name/);
    expect(() => checkApiResponse('POST', '/agents', 200, agent)).toThrow(/status not documented/);
    expect(() => checkApiResponse('GET', '/agents/x', 404, { message: 'agent not found' })).toThrow(/not an error body/);
  });
});
