import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaign } from '../campaigns/store.ts';
import { createApiKey } from '../db/api-keys.ts';
import { poolOf } from '../db/prisma.ts';
import { finalizeRun } from '../db/runs.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture } from '../testing/fixtures.ts';
import { mountedRoutes } from '../testing/routes.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { PUBLIC_ROUTES, ROUTE_ROLES, UNLISTED_ROUTE_ROLE, compileRouteRoles, hasRole, lowerRole } from './roles.ts';

const DOCS = new URL('../../../../docs/agent-stream.md', import.meta.url);

/** The rows of the "Roles" table of docs/agent-stream.md as `{method, path, role}` (`{x}` → `:x`). */
function documentedRoles(): Array<{ method: string; path: string; role: string }> {
  const text = readFileSync(DOCS, 'utf8');
  const section = text.split(/^## /m).find((s) => s.startsWith('Roles\n'));
  if (!section) throw new Error('docs/agent-stream.md has no "## Roles" section');
  const rows: Array<{ method: string; path: string; role: string }> = [];
  for (const line of section.split('\n')) {
    const m = /^\|\s*`(GET|POST|PUT|PATCH|DELETE) (\/[^`]*)`\s*\|\s*(\w+)\s*\|/.exec(line);
    if (m) rows.push({ method: m[1]!, path: m[2]!.replace(/\{(\w+)\}/g, ':$1'), role: m[3]! });
  }
  return rows;
}

const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
const sorted = <T extends { method: string; path: string }>(rows: readonly T[]) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));

describe('roles', () => {
  it('ranks admin above member', () => {
    expect(hasRole('admin', 'member')).toBe(true);
    expect(hasRole('admin', 'admin')).toBe(true);
    expect(hasRole('member', 'member')).toBe(true);
    expect(hasRole('member', 'admin')).toBe(false);
    expect(lowerRole('admin', 'member')).toBe('member');
    expect(lowerRole('member', 'admin')).toBe('member');
    expect(lowerRole('admin', 'admin')).toBe('admin');
  });

  it('matches paths as Express does and fails closed on anything unlisted', () => {
    const roleOf = compileRouteRoles(ROUTE_ROLES);
    expect(roleOf('GET', '/agents')).toBe('member');
    expect(roleOf('get', '/Agents/')).toBe('member');
    expect(roleOf('HEAD', '/runs/abc')).toBe('member');
    expect(roleOf('GET', '/runs/abc/events')).toBe('member');
    expect(roleOf('POST', '/runs/abc/hangup')).toBe('member');
    expect(roleOf('PATCH', '/agents/abc')).toBe('admin');
    expect(roleOf('GET', '/telephony-configurations/x')).toBe('admin');
    for (const [method, path] of [
      ['GET', '/nope'],
      ['DELETE', '/agents/abc'],
      ['GET', '/agents/abc/extra'],
      ['GET', '/runs//events'],
      ['OPTIONS', '/agents'],
    ] as const) {
      expect(roleOf(method, path)).toBe(UNLISTED_ROUTE_ROLE);
    }
    expect(UNLISTED_ROUTE_ROLE).toBe('admin');
  });

  it('lists each route once', () => {
    expect(new Set(ROUTE_ROLES.map(key)).size).toBe(ROUTE_ROLES.length);
  });

  it('is the table docs/agent-stream.md ("Roles") documents', () => {
    expect(sorted(documentedRoles())).toEqual(sorted(ROUTE_ROLES.map((r) => ({ method: r.method, path: r.path, role: r.role }))));
  });
});

describe('the route table against the mounted API', () => {
  let server: TestPostgres;
  let cp: TestControlPlane;
  let memberKey: string;
  /** Real resources, so member routes answer what they would for a member (200, 409…), not just 404. */
  const real: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestPostgres();
    cp = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
    const member = await cp.prisma.user.create({ data: { organizationId: cp.organizationId, name: 'member', role: 'member' } });
    memberKey = (await createApiKey(cp.prisma, { organizationId: cp.organizationId, userId: member.id, name: 'member key', role: 'member' })).key;
    const fx = await createAgentStreamFixture(cp, { domain: 'roles' });
    const admitted = await admitStream(cp, fx.agentUuid, { Domain: fx.domain, from: '+1555' });
    if (!admitted.ok) throw new Error('not admitted');
    // Ended: the member's hangup answers 409 `run_already_ended` (authorized, nothing changed).
    await finalizeRun(cp.prisma, { runId: admitted.run.id, state: 'completed', endReason: 'caller_hangup' });
    real['uuid'] = fx.agentUuid;
    real['id'] = admitted.run.id;
    real['user_id'] = member.id;
    real['campaign_id'] = await createCampaign(poolOf(cp.prisma), cp.organizationId, { agent_uuid: fx.agentUuid, telephony_configuration_id: 'none', calls_per_second: 1, max_concurrent: 1 }, [{ to: '+15550100', initialContext: {} }]);
  });
  afterAll(async () => {
    await cp?.close();
    await server?.stop();
  });

  it('declares a role for every mounted route, and mounts every route of the table', () => {
    const mounted = mountedRoutes(cp.controlPlane.router);
    expect(sorted(mounted).map(key)).toEqual(sorted([...ROUTE_ROLES, ...PUBLIC_ROUTES]).map(key));
  });

  const fill = (path: string, values: Record<string, string>) => path.replace(/:(\w+)/g, (_, name: string) => values[name] ?? randomUUID());
  const bodyFor = (method: string) => (method === 'GET' || method === 'DELETE' ? undefined : {});

  it('answers 403 forbidden to a member key on every admin route, and lets it through every member route', async () => {
    const forbidden = { status: 403, body: { error: { code: 'forbidden', message: 'this route needs the admin role' } } };
    const wrong: string[] = [];
    for (const route of ROUTE_ROLES) {
      const res = await cp.api(route.method, fill(route.path, real), bodyFor(route.method), memberKey);
      if (route.role === 'admin') {
        if (JSON.stringify(res) !== JSON.stringify(forbidden)) wrong.push(`${key(route)} → ${res.status} ${JSON.stringify(res.body)}`);
      } else if (res.status === 401 || res.status === 403 || (route.method === 'GET' && res.status !== 200)) {
        wrong.push(`${key(route)} → ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(ROUTE_ROLES.filter((r) => r.role === 'member').length).toBeGreaterThan(0);
    expect((await cp.api('POST', `/runs/${real['id']}/hangup`, undefined, memberKey)).body.error.code).toBe('run_already_ended');
    // Unlisted paths need admin too: a member learns nothing about what exists.
    expect(await cp.api('GET', '/no-such-route', undefined, memberKey)).toEqual(forbidden);
  });

  it('lets an admin key through every route', async () => {
    const wrong: string[] = [];
    for (const route of ROUTE_ROLES) {
      // Random ids: nothing real is changed (404s and 400s are fine, 401/403 are not).
      const res = await cp.api(route.method, fill(route.path, {}), bodyFor(route.method));
      if (res.status === 401 || res.status === 403) wrong.push(`${key(route)} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
    expect(await cp.api('GET', '/no-such-route')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it('bounds a key by its user: a member user\'s key stored as admin is a member', async () => {
    const member = await cp.prisma.user.create({ data: { organizationId: cp.organizationId, name: 'member 2', role: 'member' } });
    const { key: overKey } = await createApiKey(cp.prisma, { organizationId: cp.organizationId, userId: member.id, name: 'over', role: 'admin' });
    expect((await cp.api('GET', '/me', undefined, overKey)).body).toMatchObject({ role: 'member', user_id: member.id });
    expect(await cp.api('PUT', `/users/${member.id}/quota`, { max_concurrent_calls: null, monthly_call_seconds: null }, overKey)).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    });
  });
});
