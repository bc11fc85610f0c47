import { StreamErrorCode } from '@vr3/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization } from '../operator/organizations.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

let server: TestPostgres;
let cp: TestControlPlane;
let other: { organizationId: string; apiKey: string };
const DOMAIN = 'voice-engines';

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
  await createAgentStreamFixture(cp, { domain: DOMAIN });
  other = await createOrganization(cp.prisma, { name: 'Other', adminEmail: 'admin@other.example' });
});
afterAll(async () => {
  await cp?.close();
  await server?.stop();
});

const LLM_KEY = 'sk-voice-llm-s3cr3t';
const SPEECH_KEY = 'sk-voice-speech-s3cr3t';

async function credential(vendor: string, apiKey: string, key?: string, baseUrl?: string): Promise<string> {
  const res = await cp.api('POST', '/service-credentials', { vendor, name: `${vendor} key`, api_key: apiKey, ...(baseUrl ? { base_url: baseUrl } : {}) }, key);
  if (res.status !== 201) throw new Error(`credential creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

const voice = (ids: { stt: string; llm: string; tts: string }) => ({
  type: 'voice',
  stt: { vendor: 'openai', credential_id: ids.stt, model: 'whisper-1', language: 'en' },
  llm: { credential_id: ids.llm, model: 'gpt-4o-mini', temperature: 0.3 },
  tts: { vendor: 'openai', credential_id: ids.tts, model: 'tts-1', voice: 'alloy' },
  prompt: 'You answer calls for {{called_number}}.',
  greeting: 'Hello!',
});

async function voiceAgent(engine: unknown): Promise<string> {
  const res = await cp.api('POST', '/agents', { name: 'voice', engine });
  if (res.status !== 201) throw new Error(`agent creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.uuid;
}

const logsWith = (msg: string) => cp.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === msg);
const refused = { ok: false, error: { code: StreamErrorCode.Internal, message: 'server error' } };

describe('voice engine configuration', () => {
  it('validates on create and patch: UUID credential ids, known vendors, no keys in the config', async () => {
    const id = await credential('openai', LLM_KEY);
    const ok = voice({ stt: id, llm: id, tts: id });
    const uuid = await voiceAgent(ok);
    const bad = async (engine: unknown) => (await cp.api('PATCH', `/agents/${uuid}`, { engine })).body;
    expect(await bad({ ...ok, stt: { ...ok.stt, credential_id: 'not-a-uuid' } })).toMatchObject({ error: { code: 'invalid_engine_config', message: expect.stringContaining('engine.stt.credential_id') } });
    expect(await bad({ ...ok, stt: { ...ok.stt, vendor: 'acme' } })).toMatchObject({ error: { code: 'invalid_engine_config', message: expect.stringContaining('engine.stt.vendor') } });
    expect(await bad({ ...ok, tts: { ...ok.tts, vendor: 'acme' } })).toMatchObject({ error: { code: 'invalid_engine_config', message: expect.stringContaining('engine.tts.vendor') } });
    expect(await bad({ ...ok, llm: { ...ok.llm, api_key: 'sk-x' } })).toMatchObject({ error: { code: 'invalid_engine_config' } });
    expect(await bad({ ...ok, prompt: undefined })).toMatchObject({ error: { code: 'invalid_engine_config', message: expect.stringContaining('engine.prompt') } });
    expect((await cp.api('PATCH', `/agents/${uuid}`, { engine: { ...ok, endpointing: { silence_ms: 500 }, vad: { engine: 'webrtc' } } })).status).toBe(200);
  });
});

describe('StreamAdmit with a voice engine', () => {
  it('joins each section\'s credential (key, base_url, address policy) into the engine it answers, never logging a key', async () => {
    const llm = await credential('openai', LLM_KEY, undefined, 'http://127.0.0.1:9/llm');
    const speech = await credential('openai', SPEECH_KEY);
    const uuid = await voiceAgent(voice({ stt: speech, llm, tts: speech }));
    const res = await admitStream(cp, uuid, { Domain: DOMAIN });
    expect(res).toMatchObject({
      ok: true,
      run: {
        engine: {
          type: 'voice',
          stt: { credential_id: speech, api_key: SPEECH_KEY, base_url: null, address_policy: 'any', model: 'whisper-1' },
          llm: { credential_id: llm, api_key: LLM_KEY, base_url: 'http://127.0.0.1:9/llm', address_policy: 'any' },
          tts: { credential_id: speech, api_key: SPEECH_KEY, base_url: null, voice: 'alloy' },
          greeting: 'Hello!',
        },
      },
    });
    // Stored without keys.
    const version = await cp.prisma.agentVersion.findFirstOrThrow({ where: { agent: { uuid } } });
    expect(JSON.stringify(version.engine)).not.toContain('api_key');
    const logs = cp.logLines.join('');
    expect(logs).not.toContain(LLM_KEY);
    expect(logs).not.toContain(SPEECH_KEY);
  });

  it('refuses the stream (server error, code logged) when a credential is missing, another organization\'s, or for another vendor', async () => {
    const mine = await credential('openai', LLM_KEY);
    const deleted = await credential('openai', 'sk-deleted');
    const theirs = await credential('openai', 'sk-theirs-s3cr3t', other.apiKey);
    const deepgram = await credential('deepgram', 'dg-s3cr3t');
    const missing = await voiceAgent(voice({ stt: mine, llm: deleted, tts: mine }));
    // Deleting a credential in use is refused over the API; a row removed underneath is what admission must survive.
    await cp.prisma.serviceCredential.delete({ where: { id: deleted } });
    const foreign = await voiceAgent(voice({ stt: mine, llm: mine, tts: theirs }));
    const mismatch = await voiceAgent(voice({ stt: deepgram, llm: mine, tts: mine }));

    for (const uuid of [missing, foreign, mismatch]) expect(await admitStream(cp, uuid, { Domain: DOMAIN })).toEqual(refused);
    const failures = logsWith('stored engine configuration is unusable').slice(-3);
    expect(failures.map((l) => [l['err_code'], l['section']])).toEqual([
      ['credential_not_found', 'llm'],
      ['credential_not_found', 'tts'],
      ['credential_vendor_mismatch', 'stt'],
    ]);
    expect(cp.logLines.join('')).not.toContain('sk-theirs-s3cr3t');
    expect(await cp.prisma.workflowRun.count({ where: { agentUuid: { in: [missing, foreign, mismatch] } } })).toBe(0);
  });
});
