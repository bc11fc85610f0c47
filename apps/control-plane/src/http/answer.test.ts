import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

const PUBLIC_URL = 'wss://voice.example.com';
const HOSTILE = `+1 "<&'>"`;

let server: TestPostgres;
let cp: TestControlPlane;
/** Published echo agent at 16 kHz (its default). */
let agent: string;
/** Draft-only echo agent at 8 kHz. */
let telephone: string;
let archived: string;

async function create(engine: Record<string, unknown>, publish: boolean): Promise<string> {
  const res = await cp.api('POST', '/agents', { name: 'answer', engine });
  expect(res.status).toBe(201);
  if (publish) expect((await cp.api('POST', `/agents/${res.body.uuid}/publish`)).status).toBe(200);
  return res.body.uuid as string;
}

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase(), config: { publicUrl: PUBLIC_URL } });
  agent = await create({ type: 'echo' }, true);
  telephone = await create({ type: 'echo', sample_rate: 8000 }, false);
  archived = await create({ type: 'echo' }, true);
  expect((await cp.api('POST', `/agents/${archived}/archive`)).status).toBe(200);
});
afterAll(async () => {
  await cp?.close();
  await server?.stop();
});

interface Answer {
  status: number;
  type: string;
  cache: string | null;
  body: string;
}

/** An unauthenticated answer request, as a provider makes it: GET with a query, or POST with a form (or JSON) body. */
async function fetchAnswer(path: string, init: { method?: 'GET' | 'POST'; query?: Record<string, string>; form?: Record<string, string>; json?: unknown } = {}): Promise<Answer> {
  const url = new URL(`${cp.baseUrl}/api/v1/answer/${path}`);
  for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.append(k, v);
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  } else if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  const res = await fetch(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body === undefined ? {} : { body }) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', cache: res.headers.get('cache-control'), body: await res.text() };
}

const unescapeXml = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e] ?? '');
const streamUrlAttr = (xml: string) => new URL(unescapeXml(/<Stream url="([^"]*)"/.exec(xml)?.[1] ?? ''));
const streamUrlText = (xml: string) => new URL(unescapeXml(/<Stream [^>]*>([^<]*)<\/Stream>/.exec(xml)?.[1] ?? ''));

describe('GET|POST /answer/{provider}/{agent_uuid}', () => {
  it('twilio: TwiML on the path-form stream URL with the webhook numbers as <Parameter>s, GET and POST alike', async () => {
    const form = { AccountSid: 'AC123', CallSid: 'CA123', From: HOSTILE, To: '+15550002' };
    for (const res of [await fetchAnswer(`twilio/${agent}`, { form }), await fetchAnswer(`twilio/${agent}`, { query: form })]) {
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^application\/xml/);
      expect(res.cache).toBe('no-store');
      expect(streamUrlAttr(res.body).toString()).toBe(`${PUBLIC_URL}/api/v1/agent-stream/twilio/${agent}`);
      expect(res.body).toContain(`<Parameter name="from" value="+1 &quot;&lt;&amp;&apos;&gt;&quot;"/><Parameter name="to" value="+15550002"/>`);
    }
  });

  it('cloudonix: CXML whose stream URL carries Domain, the call and numbers (JSON webhook body)', async () => {
    const res = await fetchAnswer(`cloudonix/${agent}`, { json: { Domain: 'acme.cloudonix.net', CallSid: 'c-1', Session: 's-1', From: '+15550001', To: '+15550002' } });
    expect(res.status).toBe(200);
    const url = streamUrlAttr(res.body);
    expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC_URL}/api/v1/agent-stream/${agent}`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ provider: 'cloudonix', Domain: 'acme.cloudonix.net', callId: 'c-1', from: '+15550001', to: '+15550002' });
    expect(res.body).toContain('</Connect><Hangup/></Response>');
  });

  it('vobiz and plivo: <Stream> XML in the agent\'s audio with the call and numbers; μ-law for an 8 kHz agent', async () => {
    const form = { CallUUID: 'u-1', From: HOSTILE, To: '+15550002', Direction: 'inbound' };
    for (const provider of ['vobiz', 'plivo']) {
      const res = await fetchAnswer(`${provider}/${agent}`, { form });
      expect(res.status).toBe(200);
      expect(res.body).toContain('<Stream bidirectional="true" audioTrack="inbound" keepCallAlive="true" contentType="audio/x-l16;rate=16000">');
      const url = streamUrlText(res.body);
      expect(Object.fromEntries(url.searchParams)).toEqual({ provider, callId: 'u-1', from: HOSTILE, to: '+15550002' });
      const narrow = await fetchAnswer(`${provider}/${telephone}`, { method: 'GET', query: form });
      expect(narrow.body).toContain('contentType="audio/x-mulaw;rate=8000"');
    }
  });

  it('exotel: the dynamic-routing JSON with the agent\'s sample-rate', async () => {
    const res = await fetchAnswer(`exotel/${agent}`, { query: { CallSid: 'x', From: '0999' } });
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toEqual({ url: `${PUBLIC_URL}/api/v1/agent-stream/exotel/${agent}?sample-rate=16000` });
    expect(JSON.parse((await fetchAnswer(`EXOTEL/${telephone}`)).body)).toEqual({ url: `${PUBLIC_URL}/api/v1/agent-stream/exotel/${telephone}?sample-rate=8000` });
  });

  it('404 with the provider\'s refusal for an unknown, malformed or archived agent', async () => {
    for (const uuid of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', archived]) {
      const twiml = await fetchAnswer(`twilio/${uuid}`, { form: { CallSid: 'CA1' } });
      expect(twiml).toMatchObject({ status: 404, body: '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>' });
      expect(twiml.type).toMatch(/^application\/xml/);
      const exotel = await fetchAnswer(`exotel/${uuid}`);
      expect(exotel.status).toBe(404);
      expect(JSON.parse(exotel.body)).toEqual({ error: { code: 'agent_not_found', message: expect.any(String) } });
    }
  });

  it('404 unknown_provider for a provider without an answer URL; no API key is needed either way', async () => {
    for (const provider of ['telnyx', 'nope', 'constructor']) {
      const res = await fetchAnswer(`${provider}/${agent}`);
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body)).toEqual({ error: { code: 'unknown_provider', message: expect.any(String) } });
    }
  });

  it('refuses unsafe text and oversized bodies like the rest of the API', async () => {
    const nul = await fetchAnswer(`twilio/${agent}`, { form: { From: 'a\u0000b' } });
    expect(nul.status).toBe(400);
    expect(JSON.parse(nul.body)).toMatchObject({ error: { code: 'validation_failed' } });
    const big = await fetchAnswer(`twilio/${agent}`, { form: { From: 'x'.repeat(40_000) } });
    expect(big.status).toBe(413);
  });

  it('the agent API shows the answer and stream URLs per provider', async () => {
    const res = await cp.api('GET', `/agents/${agent}`);
    expect(res.body.answer_urls).toEqual(
      Object.fromEntries(['cloudonix', 'exotel', 'twilio', 'vobiz', 'plivo'].map((p) => [p, `https://voice.example.com/api/v1/answer/${p}/${agent}`])),
    );
    expect(res.body.stream_urls).toEqual({
      cloudonix: `${PUBLIC_URL}/api/v1/agent-stream/${agent}?provider=cloudonix`,
      exotel: `${PUBLIC_URL}/api/v1/agent-stream/exotel/${agent}?sample-rate=16000`,
      twilio: `${PUBLIC_URL}/api/v1/agent-stream/twilio/${agent}`,
      vobiz: `${PUBLIC_URL}/api/v1/agent-stream/${agent}?provider=vobiz`,
      plivo: `${PUBLIC_URL}/api/v1/agent-stream/${agent}?provider=plivo`,
    });
    const listed = await cp.api('GET', '/agents');
    expect(listed.body.data.find((a: { uuid: string }) => a.uuid === telephone).stream_urls.exotel).toBe(`${PUBLIC_URL}/api/v1/agent-stream/exotel/${telephone}?sample-rate=8000`);
  });
});

describe('without a public URL', () => {
  let bare: TestControlPlane;
  beforeAll(async () => {
    bare = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
  });
  afterAll(async () => {
    await bare?.close();
  });

  it('answer URLs answer 503 public_url_unknown and agents show none, until the URL is set', async () => {
    const uuid = ((await bare.api('POST', '/agents', { name: 'bare', engine: { type: 'echo' } })).body as { uuid: string }).uuid;
    const before = await fetch(`${bare.baseUrl}/api/v1/answer/twilio/${uuid}`);
    expect(before.status).toBe(503);
    expect(await before.json()).toEqual({ error: { code: 'public_url_unknown', message: expect.any(String) } });
    expect((await bare.api('GET', `/agents/${uuid}`)).body).toMatchObject({ answer_urls: null, stream_urls: null });

    expect(() => bare.controlPlane.setPublicUrl('wss://voice.example.com/path')).toThrow(TypeError);
    bare.controlPlane.setPublicUrl('ws://127.0.0.1:8080');
    const after = await fetch(`${bare.baseUrl}/api/v1/answer/twilio/${uuid}`);
    expect(after.status).toBe(200);
    expect(await after.text()).toContain(`<Stream url="ws://127.0.0.1:8080/api/v1/agent-stream/twilio/${uuid}"/>`);
    expect((await bare.api('GET', `/agents/${uuid}`)).body.answer_urls.twilio).toBe(`http://127.0.0.1:8080/api/v1/answer/twilio/${uuid}`);
  });
});
