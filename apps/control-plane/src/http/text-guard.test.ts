import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const UNSAFE = 'contains NUL or an unpaired UTF-16 surrogate';
const refused = (message: string) => ({ status: 400, body: { error: { code: 'validation_failed', message } } });
/** Log lines of failed requests (500s): there must be none. */
const failures = () => cp.logLines.filter((l) => l.includes('"request failed"'));

describe('REST text guard', () => {
  it('refuses NUL in a name with 400 naming the field, and stores nothing', async () => {
    const before = await cp.prisma.agent.count();
    expect(await cp.api('POST', '/agents', { name: 'Sup\u0000port', engine: { type: 'echo' } })).toEqual(refused(`name: ${UNSAFE}`));
    expect(await cp.prisma.agent.count()).toBe(before);
  });

  it('refuses unpaired surrogates at any depth, in values and keys (raw JSON escapes)', async () => {
    const value = await cp.api('POST', '/agents', '{"name":"ok","engine":{"type":"bridge","url":"wss://bot.example","headers":{"X-Key":"v\\ud800"}}}');
    expect(value).toEqual(refused(`engine.headers.X-Key: ${UNSAFE}`));
    const low = await cp.api('POST', '/agents', '{"name":"\\udc00x","engine":{"type":"echo"}}');
    expect(low).toEqual(refused(`name: ${UNSAFE}`));
    const key = await cp.api('POST', '/agents', '{"name":"ok","engine":{"type":"echo","\\u0000":1}}');
    expect(key).toEqual(refused(`engine: a key ${UNSAFE}`));
    const list = await cp.api('POST', '/agents', '{"name":"ok","engine":{"type":"echo","x":[1,{"y":"\\ud83d"}]}}');
    expect(list).toEqual(refused(`engine.x.1.y: ${UNSAFE}`));
  });

  it('covers every route: telephony configurations, quota, run actions', async () => {
    const created = await cp.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'A\u0000', domain_id: 'acme', bearer_token: 't' });
    expect(created).toEqual(refused(`name: ${UNSAFE}`));
    const config = await cp.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'Acme', domain_id: 'guard', bearer_token: 't' });
    expect(config.status).toBe(201);
    expect(await cp.api('PATCH', `/telephony-configurations/${config.body.id}`, { bearer_token: 'x\u0000' })).toEqual(refused(`bearer_token: ${UNSAFE}`));
    expect(await cp.api('PUT', `/users/${cp.userId}/quota`, { max_concurrent_calls: 1, monthly_call_seconds: null, 'n\u0000': 1 })).toEqual(refused(`body: a key ${UNSAFE}`));
    expect(await cp.api('POST', '/runs/r/hangup', { reason: '\u0000' })).toEqual(refused(`reason: ${UNSAFE}`));
  });

  it('refuses NUL in the query string and the path, and bad percent-encoding in the path', async () => {
    expect(await cp.api('GET', '/runs?agent_uuid=%00')).toEqual(refused(`query.agent_uuid: ${UNSAFE}`));
    expect(await cp.api('GET', '/agents/abc%00')).toEqual(refused(`path: ${UNSAFE}`));
    expect(await cp.api('GET', `/users/%00/quota`)).toEqual(refused(`path: ${UNSAFE}`));
    expect(await cp.api('GET', '/runs/%E0%A4')).toEqual(refused('path: invalid percent-encoding'));
  });

  it('refuses bodies nested deeper than 32 levels (a deep body overflowed the stack: 500)', async () => {
    const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    expect(await cp.api('POST', '/agents', `{"name":"deep","engine":{"type":"echo","x":${deep(5000)}}}`)).toEqual(refused('body: nested deeper than 32 levels'));
    expect(await cp.api('PATCH', '/agents/x', `[${'['.repeat(40)}${']'.repeat(40)}]`)).toEqual(refused('body: nested deeper than 32 levels'));
    const fits = await cp.api('POST', '/agents', `{"name":"deep","engine":{"type":"echo","x":${deep(30)}}}`);
    expect(fits).toMatchObject({ status: 400, body: { error: { code: 'invalid_engine_config' } } });
  });

  it('names long paths without quoting them whole', async () => {
    const key = 'k'.repeat(500);
    const res = await cp.api('POST', '/agents', { name: 'ok', engine: { type: 'echo', [key]: '\u0000' } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(`engine.${'k'.repeat(193)}…: ${UNSAFE}`);
  });

  it('lets well-formed text through: paired surrogates, accents, CJK', async () => {
    const res = await cp.api('POST', '/agents', { name: 'Ünïcødé 😀 客服', engine: { type: 'echo' } });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('Ünïcødé 😀 客服');
    expect((await cp.api('GET', `/agents/${res.body.uuid}`)).body.name).toBe('Ünïcødé 😀 客服');
  });

  it('never fails a request with a server error on the way', () => {
    expect(failures()).toEqual([]);
  });
});
