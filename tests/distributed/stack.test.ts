import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulawEncode } from '@vr3/codec';
import { sine } from '@vr3/codec/testing';
import { startTestBot } from '@vr3/engine-bridge/testing';
import { CloudonixMediaClient, startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { DOMAIN, finalRun, setupCloudonix, startCall, type CloudonixSetup, type LiveCall } from '../harness/cloudonix.ts';
import { DistributedStack, METRICS_AUTH, STACK_TIMINGS, tcpPeerPorts, type ServiceProcess } from '../harness/distributed.ts';

const TOKEN = `cx-token-${randomUUID()}`;
let stack: DistributedStack;
let api: FakeCloudonixApi;
let setup: CloudonixSetup;

beforeAll(async () => {
  api = await startFakeCloudonixApi({ bearerToken: TOKEN });
  stack = await DistributedStack.start({ controlPlanes: 2, edges: 2 });
  setup = await setupCloudonix(stack.via(stack.edges[0]!), api, TOKEN);
});

afterAll(async () => {
  await stack?.stop();
  await api?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TONE = mulawEncode(sine(440, 8000, 400, 8000));

/** Sends 400 ms of tone and resolves with how many echoed bytes came back. */
async function echoes(call: LiveCall): Promise<number> {
  const before = call.client.receivedMedia().length;
  for (let off = 0; off < TONE.length; off += 160) {
    call.client.sendMedia(TONE.subarray(off, off + 160));
    await sleep(20);
  }
  await expect.poll(() => call.client.receivedMedia().length - before, { timeout: 4_000 }).toBeGreaterThanOrEqual(TONE.length - 480);
  return call.client.receivedMedia().length - before;
}

const deleted = (session: string) => api.requests.some((r) => r.method === 'DELETE' && r.path === `/customers/self/domains/${DOMAIN}/sessions/${session}`);
const run = async (id: string) => (await stack.api('GET', `/runs/${id}`)).body;
const metric = async (p: ServiceProcess, name: string): Promise<number> => {
  const text = await (await fetch(`${p.baseUrl}/metrics`, METRICS_AUTH)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
};

describe('distributed stack: 2 control-planes, 2 media-edges, NATS, PostgreSQL, Redis', () => {
  it('serves calls through both edges, and a hangup on either control-plane reaches the edge holding the call', async () => {
    const [edgeA, edgeB] = stack.edges as [ServiceProcess, ServiceProcess];
    const a = await startCall(stack.via(edgeA), api, setup);
    const b = await startCall(stack.via(edgeB), api, setup);
    expect(await run(a.runId)).toMatchObject({ state: 'running', edge_id: edgeA.name });
    expect(await run(b.runId)).toMatchObject({ state: 'running', edge_id: edgeB.name });
    expect(edgeA.name).not.toBe(edgeB.name);
    expect(await echoes(a)).toBeGreaterThan(0);
    expect(await echoes(b)).toBeGreaterThan(0);

    // REST on control-plane 2 → NATS run control → edge 1 closes the stream; the provider hangup runs as a BullMQ job.
    expect((await stack.api('POST', `/runs/${a.runId}/hangup`, undefined, 1)).status).toBe(202);
    expect((await a.client.waitForClose(5_000)).code).toBe(1000);
    expect(await finalRun(stack.via(edgeA), a.runId)).toMatchObject({ state: 'completed', end_reason: 'api_hangup' });
    await expect.poll(() => deleted(a.session), { timeout: 10_000 }).toBe(true);

    // The agent hangs up on edge 2: RunAction over NATS → provider hangup job.
    b.client.sendDtmf('#');
    expect((await b.client.waitForClose(5_000)).code).toBe(1000);
    expect(await finalRun(stack.via(edgeB), b.runId)).toMatchObject({ state: 'completed', end_reason: 'agent_hangup' });
    await expect.poll(() => deleted(b.session), { timeout: 10_000 }).toBe(true);
    const runRow = await run(b.runId);
    expect(runRow.media_stats.frames_in).toBeGreaterThan(10);

    // Both replicas answered bus requests (queue group), and the edges never talk to PostgreSQL.
    for (const cp of stack.controlPlanes) expect(await metric(cp, 'vr3_control_plane_bus_handled_seconds_count')).toBeGreaterThan(0);
    for (const edge of stack.edges) expect(tcpPeerPorts(edge.pid).has(stack.pg.port)).toBe(false);
    expect(tcpPeerPorts(stack.controlPlanes[0]!.pid).has(stack.pg.port)).toBe(true);
  });

  it('bridges a call to a vr3 bot from a media-edge pod: the bot header arrives, its events and context are stored in order over NATS, its hangup reaches the provider', async () => {
    const secret = `Bearer bot-${randomUUID()}`;
    const bot = await startTestBot({ protocol: 'vr3', mode: 'listen' });
    try {
      const agent = await stack.api('POST', '/agents', { name: 'Bridge agent', engine: { type: 'bridge', url: bot.url, protocol: 'vr3', headers: { Authorization: secret } } });
      expect(agent.status).toBe(201);
      expect(JSON.stringify(agent.body)).not.toContain(secret);
      const edge = stack.edges[1]!;
      const call = await startCall(stack.via(edge), api, { ...setup, agentUuid: agent.body.uuid });
      const conn = await bot.nextConnection(5_000);
      expect(conn.headers.authorization).toBe(secret);
      const start = await conn.waitForStart();
      expect(start.metadata).toMatchObject({ run_id: call.runId, agent_uuid: agent.body.uuid, provider: 'cloudonix' });
      conn.sendJson({ event: 'event', data: { name: 'greeted' } });
      conn.sendJson({ event: 'set_context', values: { intent: 'billing' } });
      conn.sendJson({ event: 'hangup', reason: 'done' });
      expect((await call.client.waitForClose(5_000)).code).toBe(1000);
      expect(await finalRun(stack.via(edge), call.runId)).toMatchObject({ state: 'completed', end_reason: 'agent_hangup', edge_id: edge.name });
      await expect.poll(() => deleted(call.session), { timeout: 10_000 }).toBe(true);
      const events = (await stack.api('GET', `/runs/${call.runId}/events`)).body.data as Array<{ seq: number; type: string; data: Record<string, unknown> }>;
      const mine = events.filter((e) => e.type === 'event' || e.type === 'context');
      expect(mine.map((e) => [e.type, e.data])).toEqual([
        ['event', { name: 'greeted' }],
        ['context', { intent: 'billing' }],
      ]);
      expect(mine[0]!.seq).toBeLessThan(mine[1]!.seq);
      expect((await run(call.runId)).gathered_context).toMatchObject({ intent: 'billing' });
    } finally {
      await bot.close();
    }
  });

  it('exposes /healthz, /readyz and Prometheus /metrics on both apps', async () => {
    for (const p of [...stack.controlPlanes, ...stack.edges]) {
      expect((await fetch(`${p.baseUrl}/healthz`)).status).toBe(200);
      expect((await fetch(`${p.baseUrl}/readyz`)).status).toBe(200);
    }
    const edgeMetrics = await (await fetch(`${stack.edges[0]!.baseUrl}/metrics`, METRICS_AUTH)).text();
    for (const name of ['vr3_media_edge_active_calls', 'vr3_media_edge_handshake_seconds_bucket', 'vr3_media_edge_frames_in_total', 'vr3_media_edge_frames_out_total', 'vr3_media_edge_close_codes_total', 'vr3_media_edge_bus_request_seconds_bucket']) {
      expect(edgeMetrics).toContain(name);
    }
    const cpMetrics = await (await fetch(`${stack.controlPlanes[1]!.baseUrl}/metrics`, METRICS_AUTH)).text();
    for (const name of [
      'vr3_control_plane_active_runs',
      'vr3_control_plane_bus_handled_seconds_bucket',
      'vr3_control_plane_job_queue_depth{state="outbox_pending"}',
      'vr3_control_plane_job_queue_depth{state="waiting"}',
    ]) {
      expect(cpMetrics).toContain(name);
    }
    // Validations went to whichever replica the queue group picked: the fleet has counted them.
    const validated = await Promise.all(stack.controlPlanes.map((cp) => metric(cp, 'vr3_control_plane_provider_requests_total{provider="cloudonix",op="validateCall",outcome="ok"}')));
    expect(validated.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('measures handshake (socket open → running) and NATS request latency across processes', async () => {
    const edge = stack.edges[1]!;
    const histogram = async (name: string, labels = '') => {
      const text = await (await fetch(`${edge.baseUrl}/metrics`, METRICS_AUTH)).text();
      const buckets = new Map<number, number>();
      let sum = 0;
      let count = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith(`${name}_bucket{`) && line.includes(labels)) {
          const le = /le="([^"]+)"/.exec(line)![1]!;
          buckets.set(le === '+Inf' ? Infinity : Number(le), (buckets.get(Number(le)) ?? 0) + Number(line.split(' ').pop()));
        } else if (line.startsWith(`${name}_sum`) && line.includes(labels)) sum += Number(line.split(' ').pop());
        else if (line.startsWith(`${name}_count`) && line.includes(labels)) count += Number(line.split(' ').pop());
      }
      return { buckets, sum, count };
    };
    const before = await histogram('vr3_media_edge_handshake_seconds');
    const admitBefore = await histogram('vr3_media_edge_bus_request_seconds', 'op="admit"');
    const N = 20;
    for (let i = 0; i < N; i++) {
      const call = await startCall(stack.via(edge), api, setup);
      call.client.sendStop();
      await call.client.waitForClose(5_000);
    }
    const after = await histogram('vr3_media_edge_handshake_seconds');
    const admitAfter = await histogram('vr3_media_edge_bus_request_seconds', 'op="admit"');
    expect(after.count - before.count).toBe(N);
    // p50 upper bound from the cumulative buckets of these N handshakes.
    const p50 = [...after.buckets.entries()].sort((a, b) => a[0] - b[0]).find(([le, n]) => n - (before.buckets.get(le) ?? 0) >= N / 2)![0];
    const meanMs = ((after.sum - before.sum) / N) * 1000;
    const admitMeanMs = ((admitAfter.sum - admitBefore.sum) / (admitAfter.count - admitBefore.count)) * 1000;
    console.log(`distributed handshake: mean ${meanMs.toFixed(1)} ms, p50 ≤ ${p50 * 1000} ms; StreamAdmit over NATS: mean ${admitMeanMs.toFixed(1)} ms (${N} calls)`);
    expect(p50).toBeLessThanOrEqual(0.25);
    expect(admitMeanMs).toBeLessThan(250);
  });

  it('lets only one of many simultaneous streams through both edges and both replicas take the last quota slot', async () => {
    const me = (await stack.api('GET', '/me')).body;
    expect((await stack.api('PUT', `/users/${me.user_id}/quota`, { max_concurrent_calls: 1, monthly_call_seconds: null })).status).toBe(200);
    try {
      const attempts = await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          const edge = stack.edges[i % 2]!;
          const client = await CloudonixMediaClient.connect(stack.via(edge).streamUrl(setup.agentUuid, { provider: 'cloudonix', Domain: 'acme', callId: `race-${i}` }));
          const session = `race-${randomUUID()}`;
          api.addSession(DOMAIN, session);
          client.sendConnected();
          client.sendStart({ session, callSid: `CA-race-${i}` });
          const closed = await Promise.race([client.waitForClose(4_000), sleep(1_500).then(() => null)]);
          return { client, closed };
        }),
      );
      const admitted = attempts.filter((a) => a.closed === null);
      expect(admitted).toHaveLength(1);
      for (const a of attempts.filter((x) => x.closed !== null)) expect(a.closed).toEqual({ code: 1008, reason: 'quota exceeded' });
      admitted[0]!.client.sendStop();
      await admitted[0]!.client.waitForClose(5_000);
    } finally {
      await stack.api('PUT', `/users/${me.user_id}/quota`, { max_concurrent_calls: null, monthly_call_seconds: null });
    }
  });

  it('keeps a hangup asked for while Redis is down, and executes it once Redis is back', async () => {
    const call = await startCall(stack.via(stack.edges[1]!), api, setup);
    await stack.redis.stop();
    try {
      expect((await stack.api('POST', `/runs/${call.runId}/hangup`)).status).toBe(202);
      expect((await call.client.waitForClose(5_000)).code).toBe(1000);
      expect(await finalRun(stack.via(stack.edges[1]!), call.runId)).toMatchObject({ state: 'completed', end_reason: 'api_hangup' });
      await sleep(1_000);
      expect(deleted(call.session)).toBe(false);
      expect(await metric(stack.controlPlanes[0]!, 'vr3_control_plane_job_queue_depth{state="outbox_pending"}')).toBeGreaterThanOrEqual(1);
    } finally {
      await stack.redis.restart();
    }
    await expect.poll(() => deleted(call.session), { timeout: 20_000 }).toBe(true);
  });

  it('when every control-plane restarts mid-call, the call goes on and is finalized correctly afterwards; new streams meanwhile close 1011 within the 2 s admission wait', async () => {
    const edge = stack.edges[0]!;
    const call = await startCall(stack.via(edge), api, setup);
    await Promise.all(stack.controlPlanes.map((cp) => cp.kill()));

    const t0 = Date.now();
    const refused = await CloudonixMediaClient.connect(stack.via(edge).streamUrl(setup.agentUuid, { provider: 'cloudonix', Domain: 'acme' }));
    expect(await refused.waitForClose(5_000)).toEqual({ code: 1011, reason: 'server error' });
    // At once when NATS has seen the control-planes go (no responders), else at the edge's 2 s
    // admission wait; the margin is the connect and the close handshake on a loaded runner.
    expect(Date.now() - t0).toBeLessThan(2_500);
    expect(await echoes(call)).toBeGreaterThan(0); // media never needed the control-plane

    // Down longer than VR3_EDGE_LOST_AFTER_MS: the restarted reaper must still spare the live call.
    await sleep(STACK_TIMINGS.edgeLostAfterMs + 500);
    await Promise.all([stack.startControlPlane(), stack.startControlPlane()]);
    await sleep(STACK_TIMINGS.edgeLostAfterMs + 1_000);
    expect(await run(call.runId)).toMatchObject({ state: 'running' });
    expect(await echoes(call)).toBeGreaterThan(0);
    call.client.sendStop();
    expect((await call.client.waitForClose(5_000)).code).toBe(1000);
    const ended = await finalRun(stack.via(edge), call.runId);
    expect(ended).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    expect(ended.duration_seconds).toBeGreaterThanOrEqual(Math.floor((2 * STACK_TIMINGS.edgeLostAfterMs) / 1000));
    expect(ended.media_stats.frames_in).toBeGreaterThan(20);
  });

  it('kill -9 of an edge mid-call ends its runs edge_lost within the timeout and frees their quota; the other edge is unaffected', async () => {
    const [victim, survivor] = stack.edges as [ServiceProcess, ServiceProcess];
    const me = (await stack.api('GET', '/me')).body;
    await stack.api('PUT', `/users/${me.user_id}/quota`, { max_concurrent_calls: 2, monthly_call_seconds: null });
    try {
      const lost = await startCall(stack.via(victim), api, setup);
      const kept = await startCall(stack.via(survivor), api, setup);
      await victim.kill();
      const killedAt = Date.now();
      const ended = await finalRun(stack.via(survivor), lost.runId, STACK_TIMINGS.edgeLostAfterMs + 5_000);
      const took = Date.now() - killedAt;
      expect(ended).toMatchObject({ state: 'failed', end_reason: 'edge_lost', edge_id: victim.name });
      expect(took).toBeGreaterThanOrEqual(STACK_TIMINGS.edgeLostAfterMs - 500);
      expect(took).toBeLessThan(STACK_TIMINGS.edgeLostAfterMs + 3_000);
      // The freed slot admits another call while the survivor's call still runs and echoes.
      const next = await startCall(stack.via(survivor), api, setup);
      expect(await run(kept.runId)).toMatchObject({ state: 'running' });
      expect(await echoes(kept)).toBeGreaterThan(0);
      for (const c of [kept, next]) {
        c.client.sendStop();
        expect((await c.client.waitForClose(5_000)).code).toBe(1000);
        expect(await finalRun(stack.via(survivor), c.runId)).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
      }
    } finally {
      await stack.api('PUT', `/users/${me.user_id}/quota`, { max_concurrent_calls: null, monthly_call_seconds: null });
    }
  });

  it('drains on SIGTERM: not ready, new streams 1013, live calls hung up through the provider after the drain window, then exits 0', async () => {
    const edge = stack.edges.find((e) => e.alive)!;
    const call = await startCall(stack.via(edge), api, setup);
    const t0 = Date.now();
    const exit = edge.stop();
    await expect.poll(async () => (await fetch(`${edge.baseUrl}/readyz`)).status, { timeout: 2_000 }).toBe(503);
    const refused = await CloudonixMediaClient.connect(stack.via(edge).streamUrl(setup.agentUuid, { provider: 'cloudonix', Domain: 'acme' }));
    expect(await refused.waitForClose(3_000)).toEqual({ code: 1013, reason: 'try again later' });
    expect(await echoes(call)).toBeGreaterThan(0); // still served during the drain window
    expect((await call.client.waitForClose(STACK_TIMINGS.drainTimeoutMs + 5_000)).code).toBe(1013);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(STACK_TIMINGS.drainTimeoutMs - 100);
    expect(await exit).toBe(0);
    expect(await finalRun(stack.via(edge), call.runId)).toMatchObject({ state: 'failed', end_reason: 'edge_shutdown' });
    await expect.poll(() => deleted(call.session), { timeout: 10_000 }).toBe(true);
  });

  it('a control-plane stops gracefully on SIGTERM while the other keeps serving', async () => {
    const [first] = stack.controlPlanes.filter((c) => c.alive);
    expect(await first!.stop()).toBe(0);
    expect(first!.logLines('stopped')).toHaveLength(1);
    const edge = await stack.startEdge();
    const call = await startCall(stack.via(edge), api, setup);
    call.client.sendStop();
    await call.client.waitForClose(5_000);
    expect(await finalRun(stack.via(edge), call.runId)).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
  });
});
