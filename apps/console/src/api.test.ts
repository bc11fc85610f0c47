import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from './api.ts';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  credentials: RequestCredentials | undefined;
  body: string | undefined;
}

/** A client whose fetch answers from `answers` in turn and records what was sent. */
function clientWith(...answers: Array<() => Response>) {
  const sent: Sent[] = [];
  const fetchImpl = (input: RequestInfo | URL, init: RequestInit = {}) => {
    sent.push({
      url: String(input),
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      credentials: init.credentials,
      body: typeof init.body === 'string' ? init.body : undefined,
    });
    const next = answers.shift();
    if (!next) throw new Error('unexpected request');
    return Promise.resolve(next());
  };
  return { api: new ApiClient('/api/v1', fetchImpl as typeof fetch), sent };
}

const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const SESSION = { user_id: 'u', organization_id: 'o', role: 'admin', session_id: 's', email: 'a@b.example', name: null, csrf_token: 'csrf-1' };

describe('ApiClient', () => {
  it('sends the CSRF token of the session on unsafe methods only, with the cookie', async () => {
    const { api, sent } = clientWith(json(200, SESSION), json(200, { data: [], next_cursor: null }), () => new Response(null, { status: 204 }));
    await api.signIn('a@b.example', 'pw');
    await api.listAgents({ cursor: 'c1', includeArchived: true });
    await api.signOut();
    expect(sent.map((s) => [s.method, s.url, s.headers['x-csrf-token']])).toEqual([
      ['POST', '/api/v1/auth/sign-in', undefined],
      ['GET', '/api/v1/agents?cursor=c1&include_archived=true', undefined],
      ['POST', '/api/v1/auth/sign-out', 'csrf-1'],
    ]);
    expect(sent.every((s) => s.credentials === 'same-origin')).toBe(true);
    expect(JSON.parse(sent[0]!.body!)).toEqual({ email: 'a@b.example', password: 'pw' });
  });

  it('sends list filters as a query string, leaving out empty ones', async () => {
    const { api, sent } = clientWith(json(200, { data: [], next_cursor: null }), json(200, { data: [], next_cursor: null }));
    await api.listRuns({ agent_uuid: 'a 1', state: '', end_reason: 'caller_hangup', created_after: '2026-01-01T00:00:00.000Z' });
    await api.listTelephony({ provider: 'twilio' });
    expect(sent.map((s) => s.url)).toEqual([
      '/api/v1/runs?agent_uuid=a+1&end_reason=caller_hangup&created_after=2026-01-01T00%3A00%3A00.000Z',
      '/api/v1/telephony-configurations?provider=twilio',
    ]);
  });

  it('webhook deliveries are null where the server has no such route, and other failures still reject', async () => {
    const { api } = clientWith(json(404, { error: { code: 'not_found', message: 'no such route' } }), json(403, { error: { code: 'forbidden', message: 'no' } }));
    expect(await api.listWebhookDeliveries('r1')).toBeNull();
    await expect(api.listWebhookDeliveries('r1')).rejects.toMatchObject({ status: 403, code: 'forbidden' });
  });

  it("rejects with the server's code and message", async () => {
    const { api } = clientWith(json(401, { error: { code: 'invalid_credentials', message: 'wrong email or password' } }));
    const err = await api.signIn('a@b.example', 'bad').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 401, code: 'invalid_credentials', message: 'wrong email or password' });
  });

  it('an answer not in the error shape, or none at all, is bad_response / network_error', async () => {
    const { api } = clientWith(() => new Response('<html>bad gateway</html>', { status: 502 }), json(500, { oops: true }), () => {
      throw new TypeError('fetch failed');
    });
    await expect(api.me()).rejects.toMatchObject({ status: 502, code: 'bad_response' });
    await expect(api.me()).rejects.toMatchObject({ status: 500, code: 'bad_response' });
    await expect(api.me()).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });
});
