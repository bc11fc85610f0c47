/**
 * Admission that holds, on the embedded product: sockets that open and never complete their
 * provider handshake are bounded per source address (beyond it 1013 at once, no run minted), and
 * the ones admitted hold nothing past the handshake deadline: their runs end, their quota slots are
 * free, and a real caller gets through.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudonixMediaClient, startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { runCall, tone } from '@vr3/simulator';
import { eventually, METRICS_AUTH, ProductProcess } from '../harness/product.ts';
import { DOMAIN, finalRun, setupCloudonix, type CloudonixSetup } from '../harness/cloudonix.ts';

const TOKEN = `cx-token-${randomUUID()}`;
const PER_ADDRESS = 3;
const HANDSHAKE_TIMEOUT_MS = 1000;
const BURST = 8;

let product: ProductProcess;
let api: FakeCloudonixApi;
let setup: CloudonixSetup;
let userId: string;

beforeAll(async () => {
  api = await startFakeCloudonixApi({ bearerToken: TOKEN });
  product = await ProductProcess.start({
    env: { VR3_MAX_PENDING_HANDSHAKES_PER_ADDRESS: String(PER_ADDRESS), VR3_HANDSHAKE_TIMEOUT_MS: String(HANDSHAKE_TIMEOUT_MS) },
  });
  setup = await setupCloudonix(product, api, TOKEN);
  userId = (await product.api('GET', '/me')).body.user_id;
  // As many concurrent calls as one address may hold pending: the silent sockets take every slot.
  expect((await product.api('PUT', `/users/${userId}/quota`, { max_concurrent_calls: PER_ADDRESS, monthly_call_seconds: null })).status).toBe(200);
});

afterAll(async () => {
  await product?.stop();
  await api?.close();
});

const activeCalls = async (): Promise<number> => (await product.api('GET', `/users/${userId}/quota`)).body.usage.active_calls;

async function refusedMetric(code: string): Promise<number> {
  const text = await (await fetch(`${product.baseUrl}/metrics`, METRICS_AUTH)).text();
  const line = text.split('\n').find((l) => l.startsWith(`vr3_media_edge_streams_refused_total{code="${code}"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('pending handshakes per source address', () => {
  it('a burst of sockets that never send start: beyond the bound 1013 at once; at the deadline every run ends and its slot is free; a real caller then gets through', async () => {
    const url = product.streamUrl(setup.agentUuid, { provider: 'cloudonix', Domain: 'acme' });
    const started = Date.now();
    const clients = await Promise.all(Array.from({ length: BURST }, () => CloudonixMediaClient.connect(url)));
    for (const c of clients) c.sendConnected();
    const closes = clients.map((c) => c.waitForClose(HANDSHAKE_TIMEOUT_MS + 4000).then((info) => ({ ...info, afterMs: Date.now() - started })));

    // While the admitted ones wait for `start`, each holds a run and a quota slot.
    await eventually(async () => (await activeCalls()) === PER_ADDRESS, HANDSHAKE_TIMEOUT_MS - 200, 25);

    const outcomes = await Promise.all(closes);
    const refused = outcomes.filter((o) => o.code === 1013);
    const timedOut = outcomes.filter((o) => o.code === 4408);
    expect(refused).toHaveLength(BURST - PER_ADDRESS);
    expect(timedOut).toHaveLength(PER_ADDRESS);
    for (const o of refused) {
      expect(o.reason).toBe('try again later');
      expect(o.afterMs).toBeLessThan(HANDSHAKE_TIMEOUT_MS - 200);
    }
    for (const o of timedOut) expect(o.afterMs).toBeGreaterThanOrEqual(HANDSHAKE_TIMEOUT_MS - 100);

    // Only the admitted sockets minted runs, and every one of them ended at the deadline.
    const runs = (await product.api('GET', `/runs?agent_uuid=${setup.agentUuid}&limit=100`)).body.data as Array<{ id: string }>;
    expect(runs).toHaveLength(PER_ADDRESS);
    for (const run of runs) expect(await finalRun(product, run.id)).toMatchObject({ state: 'failed', end_reason: 'handshake_timeout' });
    await eventually(async () => (await activeCalls()) === 0, 3000);
    expect(await refusedMetric('too_many_pending_handshakes')).toBe(BURST - PER_ADDRESS);

    // A real caller: admitted, validated, echoed, hung up.
    const session = `sess-${randomUUID()}`;
    api.addSession(DOMAIN, session);
    const report = await runCall({
      url: product.streamUrl(setup.agentUuid, { provider: 'cloudonix', Domain: 'acme', callId: 'after-the-burst' }),
      provider: 'cloudonix',
      audio: tone(440, 600, 8000),
      call: { session },
      tailMs: 300,
    });
    expect(report.framesReceived).toBeGreaterThan(0);
    expect(report.close?.code).toBe(1000);
    const all = (await product.api('GET', `/runs?agent_uuid=${setup.agentUuid}&limit=100`)).body.data as Array<{ id: string; gathered_context: { call_id?: string } }>;
    const caller = all.find((r) => r.gathered_context?.call_id === 'after-the-burst');
    expect(caller).toBeDefined();
    expect(await finalRun(product, caller!.id)).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    await eventually(async () => (await activeCalls()) === 0, 3000);
  });
});
