import { StreamErrorCode } from '@vr3/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

let server: TestPostgres;
let cp: TestControlPlane;
const DOMAIN = 'engines';

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
  // The Cloudonix configuration of the organization: every agent below is admitted through it.
  await createAgentStreamFixture(cp, { domain: DOMAIN });
});
afterAll(async () => {
  await cp?.close();
  await server?.stop();
});

const SECRET = 'Bearer admission-s3cr3t';
const bridge = { type: 'bridge', url: 'wss://bot.example.com/media', protocol: 'twilio' } as const;

async function bridgeAgent(headers: Record<string, string> = { Authorization: SECRET }): Promise<string> {
  const res = await cp.api('POST', '/agents', { name: 'bridge', engine: { ...bridge, headers } });
  if (res.status !== 201) throw new Error(`agent creation failed: ${res.status}`);
  return res.body.uuid;
}

const versionOf = (uuid: string, version: number) => cp.prisma.agentVersion.findFirstOrThrow({ where: { agent: { uuid }, version } });

/** Structured log lines with `msg`. */
const logsWith = (msg: string) => cp.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === msg);

describe('StreamAdmit with engine secrets', () => {
  it('answers the full engine configuration, secrets joined in, and the run\'s initial_context', async () => {
    const uuid = await bridgeAgent({ Authorization: SECRET, 'X-Tenant': 'tenant-s3cr3t' });
    const res = await admitStream(cp, uuid, { Domain: DOMAIN, from: '+15555550100', to: '+15555550199' });
    expect(res).toMatchObject({
      ok: true,
      run: {
        engine: { ...bridge, headers: { Authorization: SECRET, 'X-Tenant': 'tenant-s3cr3t' } },
        initial_context: { caller_number: '+15555550100', called_number: '+15555550199' },
      },
    });
    const logs = cp.logLines.join('');
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toContain('tenant-s3cr3t');
  });

  it('uses the published version\'s secrets over a newer draft\'s', async () => {
    const uuid = await bridgeAgent();
    await cp.api('POST', `/agents/${uuid}/publish`);
    await cp.api('PATCH', `/agents/${uuid}`, { engine: { ...bridge, headers: { Authorization: 'Bearer draft-only' } } });
    const res = await admitStream(cp, uuid, { Domain: DOMAIN });
    expect(res).toMatchObject({ ok: true, run: { engine: { headers: { Authorization: SECRET } } } });
  });

  it('refuses as internal, logging codes only, when the sealed secrets were tampered with or moved to another row', async () => {
    const tampered = await bridgeAgent();
    const v = await versionOf(tampered, 1);
    const parts = v.engineSecretsCiphertext!.split('.');
    parts[3] = Buffer.from('{"x":1}').toString('base64url');
    await cp.prisma.agentVersion.update({ where: { id: v.id }, data: { engineSecretsCiphertext: parts.join('.') } });

    const moved = await bridgeAgent({ Authorization: 'Bearer other' });
    const donor = await versionOf(await bridgeAgent(), 1);
    await cp.prisma.agentVersion.update({ where: { id: (await versionOf(moved, 1)).id }, data: { engineSecretsCiphertext: donor.engineSecretsCiphertext } });

    for (const uuid of [tampered, moved]) {
      expect(await admitStream(cp, uuid, { Domain: DOMAIN })).toEqual({ ok: false, error: { code: StreamErrorCode.Internal, message: 'server error' } });
    }
    const failures = logsWith('stored engine configuration is unusable');
    expect(failures.slice(-2).map((l) => l['err_code'])).toEqual(['secret_unreadable', 'secret_unreadable']);
    expect(cp.logLines.join('')).not.toContain(SECRET);
    expect(await cp.prisma.workflowRun.count({ where: { agentUuid: { in: [tampered, moved] } } })).toBe(0);
  });

  it('refuses as internal when the stored configuration no longer validates or its engine is gone', async () => {
    const invalid = await bridgeAgent();
    await cp.prisma.agentVersion.updateMany({ where: { agent: { uuid: invalid } }, data: { engine: { ...bridge, url: 'http://not-a-websocket.example/' } } });
    const gone = await bridgeAgent();
    await cp.prisma.agentVersion.updateMany({ where: { agent: { uuid: gone } }, data: { engine: { type: 'retired' }, engineSecretsCiphertext: null } });

    for (const uuid of [invalid, gone]) {
      expect(await admitStream(cp, uuid, { Domain: DOMAIN })).toMatchObject({ ok: false, error: { code: StreamErrorCode.Internal } });
    }
    const failures = logsWith('stored engine configuration is unusable').slice(-2);
    expect(failures.map((l) => [l['err_code'], l['paths']])).toEqual([
      ['invalid_engine_config', ['url']],
      ['unknown_engine', ['type']],
    ]);
    expect(cp.logLines.join('')).not.toContain(SECRET);
    expect(cp.logLines.join('')).not.toContain('not-a-websocket');
  });
});
