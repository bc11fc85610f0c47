import { BusErrorCode, Subjects } from '@vr3/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admitRun, type AdmissionInput } from '../db/admission.ts';
import { finalizeRun } from '../db/runs.ts';
import { readUsage } from '../db/usage.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture } from '../testing/fixtures.ts';
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
const nextDomain = () => `admit${++n}`;

/** A second user of the organization owning a fresh agent (so quota tests do not interfere). */
/** What `StreamAdmit` would mint for `fx`'s agent (for admissions at a chosen clock). */
async function admissionInputOf(fx: { agentUuid: string; telephonyConfigurationId: string }): Promise<AdmissionInput> {
  const agent = await cp.prisma.agent.findUniqueOrThrow({ where: { uuid: fx.agentUuid }, include: { versions: true } });
  return {
    organizationId: agent.organizationId,
    userId: agent.userId,
    agentId: agent.id,
    agentUuid: agent.uuid,
    agentVersionId: agent.versions[0]!.id,
    provider: 'cloudonix',
    telephonyConfigurationId: fx.telephonyConfigurationId,
    edgeId: 'edge-test',
    initialContext: {},
    gatheredContext: {},
    logs: {},
  };
}

async function agentOfNewUser(domain: string) {
  const user = await cp.prisma.user.create({ data: { organizationId: cp.organizationId, name: `u-${domain}` } });
  const fx = await createAgentStreamFixture(cp, { domain });
  await cp.prisma.agent.update({ where: { uuid: fx.agentUuid }, data: { userId: user.id } });
  return { ...fx, userId: user.id };
}

describe('StreamAdmit', () => {
  it('tells the edge to record the call when the agent records calls', async () => {
    const fx = await createAgentStreamFixture(cp, { domain: nextDomain() });
    await cp.prisma.agent.update({ where: { uuid: fx.agentUuid }, data: { recordingEnabled: true } });
    const res = await admitStream(cp, fx.agentUuid, { provider: 'cloudonix', Domain: fx.domain, callId: 'call-43' }, { edgeId: 'edge-a' });
    expect(res).toMatchObject({ ok: true, run: { recording: true } });
  });

  it('mints an inbound run with the documented fields', async () => {
    const fx = await createAgentStreamFixture(cp, { domain: nextDomain() });
    const res = await admitStream(cp, fx.agentUuid, { provider: 'cloudonix', Domain: fx.domain, callId: 'call-42', from: '+15555550100', to: '+15555550199' }, { edgeId: 'edge-a' });
    expect(res).toEqual({
      ok: true,
      run: {
        id: expect.any(String),
        name: expect.stringMatching(/^WR-AGS-[A-Z0-9]{8}$/),
        agent_uuid: fx.agentUuid,
        provider: 'cloudonix',
        telephony_configuration_id: fx.telephonyConfigurationId,
        engine: { type: 'echo' },
        max_duration_ms: null,
        initial_context: { caller_number: '+15555550100', called_number: '+15555550199' },
        recording: false,
        replica: expect.stringMatching(/^[0-9a-f]{12}$/),
      },
    });
    if (!res.ok) return;
    const run = await cp.prisma.workflowRun.findUniqueOrThrow({ where: { id: res.run.id }, include: { agentVersion: true } });
    expect(run).toMatchObject({
      name: res.run.name,
      callType: 'inbound',
      mode: 'cloudonix',
      state: 'initialized',
      initialContext: { caller_number: '+15555550100', called_number: '+15555550199' },
      gatheredContext: { call_id: 'call-42' },
      logs: { inbound_webhook: { Domain: fx.domain } },
      telephonyConfigurationId: fx.telephonyConfigurationId,
      edgeId: 'edge-a',
      userId: cp.userId,
      organizationId: cp.organizationId,
      agentUuid: fx.agentUuid,
    });
    expect(run.agentVersion).toMatchObject({ version: 1, status: 'draft' });
    // Phone numbers and the agent UUID (a secret) never reach the logs.
    const logs = cp.logLines.join('');
    expect(logs).not.toContain('+15555550100');
    expect(logs).not.toContain(fx.agentUuid);
  });

  it('takes CallSid when callId is absent or empty, and a normalized Domain', async () => {
    const fx = await createAgentStreamFixture(cp, { domain: nextDomain() });
    const res = await admitStream(cp, fx.agentUuid.toUpperCase(), { Domain: ` ${fx.domain.toUpperCase()}.cloudonix.net `, callId: '', CallSid: 'CA1', from: '' });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const run = await cp.prisma.workflowRun.findUniqueOrThrow({ where: { id: res.run.id } });
    expect(run.gatheredContext).toEqual({ call_id: 'CA1' });
    expect(run.initialContext).toEqual({ caller_number: null, called_number: null });
  });

  it('uses the published version over a newer draft', async () => {
    const fx = await createAgentStreamFixture(cp, { domain: nextDomain(), publish: true });
    await cp.api('PATCH', `/agents/${fx.agentUuid}`, { engine: { type: 'echo' } });
    const res = await admitStream(cp, fx.agentUuid, { Domain: fx.domain });
    if (!res.ok) throw new Error('not admitted');
    const run = await cp.prisma.workflowRun.findUniqueOrThrow({ where: { id: res.run.id }, include: { agentVersion: true } });
    expect(run.agentVersion).toMatchObject({ version: 1, status: 'published' });
  });

  it('refuses with each stream error code', async () => {
    const fx = await createAgentStreamFixture(cp, { domain: nextDomain() });
    const noCreds = await createAgentStreamFixture(cp, { domain: nextDomain(), bearerToken: null });
    const archived = await createAgentStreamFixture(cp, { domain: nextDomain() });
    await cp.api('POST', `/agents/${archived.agentUuid}/archive`);
    const otherOrg = await cp.prisma.organization.create({ data: { name: 'elsewhere' } });
    const foreignDomain = nextDomain();
    await cp.prisma.telephonyConfiguration.create({
      data: { organizationId: otherOrg.id, provider: 'cloudonix', name: 'x', domainId: `${foreignDomain}.cloudonix.net`, apiBaseUrl: 'https://api.cloudonix.io', credentialsCiphertext: 'v1.a.b.c' },
    });

    const cases: Array<[Promise<unknown>, string]> = [
      [admitStream(cp, fx.agentUuid, { Domain: fx.domain }, { provider: 'nope' }), 'unknown_provider'],
      [admitStream(cp, fx.agentUuid, { Domain: fx.domain }, { provider: 'telnyx' }), 'unsupported_provider'],
      [admitStream(cp, crypto.randomUUID(), { Domain: fx.domain }), 'agent_not_found'],
      [admitStream(cp, archived.agentUuid, { Domain: archived.domain }), 'agent_not_found'],
      [admitStream(cp, fx.agentUuid, {}), 'missing_provider_identifier'],
      [admitStream(cp, fx.agentUuid, { Domain: '  ' }), 'missing_provider_identifier'],
      [admitStream(cp, fx.agentUuid, { domain: fx.domain }), 'missing_provider_identifier'],
      [admitStream(cp, fx.agentUuid, { Domain: 'unconfigured-domain' }), 'configuration_not_found'],
      [admitStream(cp, fx.agentUuid, { Domain: 'bad domain!' }), 'configuration_not_found'],
      [admitStream(cp, fx.agentUuid, { Domain: foreignDomain }), 'configuration_not_found'],
      [admitStream(cp, noCreds.agentUuid, { Domain: noCreds.domain }), 'configuration_missing_credentials'],
    ];
    for (const [promise, code] of cases) {
      expect(await promise).toEqual({ ok: false, error: { code, message: expect.any(String) } });
    }
    expect(await cp.prisma.workflowRun.count({ where: { agentUuid: { in: [fx.agentUuid, noCreds.agentUuid, archived.agentUuid] } } })).toBe(0);
  });

  it('rejects a malformed request as a bus error', async () => {
    await expect(cp.bus.request(Subjects.StreamAdmit, { provider: 'cloudonix' }, { timeoutMs: 5000 })).rejects.toMatchObject({ code: BusErrorCode.Remote });
  });

  it('quota: refuses beyond max_concurrent_calls and frees the slot on finalize', async () => {
    const fx = await agentOfNewUser(nextDomain());
    await cp.prisma.userQuota.create({ data: { userId: fx.userId, maxConcurrentCalls: 1 } });
    const first = await admitStream(cp, fx.agentUuid, { Domain: fx.domain });
    expect(first.ok).toBe(true);
    expect(await admitStream(cp, fx.agentUuid, { Domain: fx.domain })).toMatchObject({ ok: false, error: { code: 'quota_exceeded' } });
    if (!first.ok) return;
    await finalizeRun(cp.prisma, { runId: first.run.id, state: 'completed', endReason: 'caller_hangup' });
    expect((await admitStream(cp, fx.agentUuid, { Domain: fx.domain })).ok).toBe(true);
    await cp.prisma.userQuota.update({ where: { userId: fx.userId }, data: { maxConcurrentCalls: 0 } });
    expect(await admitStream(cp, fx.agentUuid, { Domain: fx.domain })).toMatchObject({ ok: false, error: { code: 'quota_exceeded' } });
  });

  it('quota: refuses once this month\'s call seconds are used up (earlier months do not count)', async () => {
    const fx = await agentOfNewUser(nextDomain());
    await cp.prisma.userQuota.create({ data: { userId: fx.userId, monthlyCallSeconds: 60 } });
    // A call of last month: 500 s settled into last month's period.
    const lastMonth = new Date();
    lastMonth.setUTCDate(1);
    lastMonth.setUTCMonth(lastMonth.getUTCMonth() - 1);
    const old = await admitRun(cp.prisma, await admissionInputOf(fx), { now: lastMonth });
    if (!old.ok) throw new Error('not admitted');
    await cp.prisma.workflowRun.update({ where: { id: old.run.id }, data: { state: 'running', startedAt: lastMonth } });
    await finalizeRun(cp.prisma, { runId: old.run.id, state: 'completed', endReason: 'caller_hangup', endedAt: new Date(lastMonth.getTime() + 500_000) });
    expect(await cp.prisma.workflowRun.findUniqueOrThrow({ where: { id: old.run.id } })).toMatchObject({ durationSeconds: 500 });
    // This month: 60 s used up the quota.
    const second = await admitStream(cp, fx.agentUuid, { Domain: fx.domain });
    if (!second.ok) throw new Error('not admitted');
    await cp.prisma.workflowRun.update({ where: { id: second.run.id }, data: { state: 'running', startedAt: new Date(Date.now() - 60_500) } });
    await finalizeRun(cp.prisma, { runId: second.run.id, state: 'completed', endReason: 'caller_hangup' });
    expect(await admitStream(cp, fx.agentUuid, { Domain: fx.domain })).toMatchObject({ ok: false, error: { code: 'quota_exceeded' } });
    expect(await readUsage(cp.prisma, fx.userId, new Date())).toEqual({ activeCalls: 0, monthSeconds: 60 });
    await cp.prisma.userQuota.update({ where: { userId: fx.userId }, data: { monthlyCallSeconds: null } });
    expect((await admitStream(cp, fx.agentUuid, { Domain: fx.domain })).ok).toBe(true);
  });

  it('quota race: concurrent admissions never exceed max_concurrent_calls', async () => {
    for (const [limit, attempts] of [
      [1, 10],
      [3, 20],
    ] as const) {
      const fx = await agentOfNewUser(nextDomain());
      await cp.prisma.userQuota.create({ data: { userId: fx.userId, maxConcurrentCalls: limit } });
      const results = await Promise.all(Array.from({ length: attempts }, () => admitStream(cp, fx.agentUuid, { Domain: fx.domain })));
      expect(results.filter((r) => r.ok)).toHaveLength(limit);
      expect(results.filter((r) => !r.ok && r.error.code === 'quota_exceeded')).toHaveLength(attempts - limit);
      expect(await cp.prisma.workflowRun.count({ where: { userId: fx.userId, state: { in: ['initialized', 'running'] } } })).toBe(limit);
    }
  });
});
