import { StreamErrorCode } from '@vr3/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

let server: TestPostgres;
let cp: TestControlPlane;
const DOMAIN = 'realtime-engines';
const KEY = 'sk-realtime-s3cr3t';

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
  await createAgentStreamFixture(cp, { domain: DOMAIN });
});
afterAll(async () => {
  await cp?.close();
  await server?.stop();
});

async function credential(vendor: string, apiKey: string, baseUrl?: string): Promise<string> {
  const res = await cp.api('POST', '/service-credentials', { vendor, name: `${vendor} key`, api_key: apiKey, ...(baseUrl ? { base_url: baseUrl } : {}) });
  if (res.status !== 201) throw new Error(`credential creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

const realtime = (credentialId: string) => ({
  type: 'realtime',
  llm: { vendor: 'openai', credential_id: credentialId, model: 'gpt-realtime', voice: 'marin' },
  prompt: 'You answer calls for {{called_number}}.',
  tools: { to_reception: { type: 'transfer_call', target: '+15550009' }, crm: { type: 'http', description: 'Looks the caller up', parameters: { type: 'object' }, url: 'https://crm.example.com/lookup', headers: { 'X-Api-Key': 'crm-s3cr3t' } } },
});

async function agent(engine: unknown): Promise<string> {
  const res = await cp.api('POST', '/agents', { name: 'realtime', engine });
  if (res.status !== 201) throw new Error(`agent creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.uuid;
}

describe('StreamAdmit with a realtime engine', () => {
  it('joins the llm credential (key, base_url, address policy) and the tools\' secret headers into the engine it answers, never logging either', async () => {
    const id = await credential('openai', KEY, 'http://127.0.0.1:9/realtime');
    const uuid = await agent(realtime(id));
    expect(await admitStream(cp, uuid, { Domain: DOMAIN })).toMatchObject({
      ok: true,
      run: {
        engine: {
          type: 'realtime',
          llm: { vendor: 'openai', credential_id: id, model: 'gpt-realtime', api_key: KEY, base_url: 'http://127.0.0.1:9/realtime', address_policy: 'any' },
          tools: { to_reception: { type: 'transfer_call', target: '+15550009' }, crm: { headers: { 'X-Api-Key': 'crm-s3cr3t' } } },
        },
      },
    });
    const logs = cp.logLines.join('');
    expect(logs).not.toContain(KEY);
    expect(logs).not.toContain('crm-s3cr3t');
    // Stored without the key, and with the header sealed apart.
    const version = await cp.prisma.agentVersion.findFirstOrThrow({ where: { agent: { uuid } } });
    expect(JSON.stringify(version.engine)).not.toContain('api_key');
    expect(JSON.stringify(version.engine)).not.toContain('crm-s3cr3t');
  });

  it('refuses the stream when the credential is missing or of another vendor', async () => {
    const deepgram = await credential('deepgram', 'dg-s3cr3t');
    const missing = await agent(realtime('0b9f3c1e-7a41-4d55-9d2b-2f5c8f0e6a11'));
    const mismatch = await agent(realtime(deepgram));
    const refused = { ok: false, error: { code: StreamErrorCode.Internal, message: 'server error' } };
    for (const uuid of [missing, mismatch]) expect(await admitStream(cp, uuid, { Domain: DOMAIN })).toEqual(refused);
    const failures = cp.logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l['msg'] === 'stored engine configuration is unusable')
      .slice(-2);
    expect(failures.map((l) => [l['err_code'], l['section']])).toEqual([
      ['credential_not_found', 'llm'],
      ['credential_vendor_mismatch', 'llm'],
    ]);
  });
});
