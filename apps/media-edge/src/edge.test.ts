import { afterEach, describe, expect, it } from 'vitest';
import { admitted, DEFAULT_QUERY, startHarness, waitUntil, type Harness, type HarnessOptions } from './test-support/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(options);
  return h;
}

describe('routing failures, no bus request', () => {
  it('unknown provider closes 1008', async () => {
    const { connect, cp } = await harness();
    const client = await connect({ ...DEFAULT_QUERY, provider: 'acme-telecom' });
    expect(await client.waitForClose()).toEqual({ code: 1008, reason: 'unknown provider' });
    expect(cp.admits).toHaveLength(0);
  });

  it('missing provider closes 1008', async () => {
    const { connect } = await harness();
    const { provider: _omit, ...query } = DEFAULT_QUERY;
    expect((await (await connect(query)).waitForClose()).code).toBe(1008);
  });

  it.each(['telnyx', 'vonage', 'ari'])('known but unsupported %s closes 1011', async (provider) => {
    const { connect, cp } = await harness();
    const client = await connect({ ...DEFAULT_QUERY, provider });
    expect(await client.waitForClose()).toEqual({ code: 1011, reason: 'provider not supported' });
    expect(cp.admits).toHaveLength(0);
  });
});

describe('admission', () => {
  it('sends edge id, provider, agent uuid and every query parameter', async () => {
    const { startCall, cp } = await harness();
    await startCall();
    expect(cp.admits[0]).toEqual({ edge_id: 'edge-test', provider: 'cloudonix', agent_uuid: expect.any(String), query: DEFAULT_QUERY, timeout_ms: expect.any(Number) });
  });

  it.each([
    ['agent_not_found', 1008, 'agent not found'],
    ['quota_exceeded', 1008, 'quota exceeded'],
    ['missing_provider_identifier', 4400, 'missing provider identifier'],
    ['configuration_not_found', 4400, 'no matching telephony configuration'],
    ['configuration_missing_credentials', 4400, 'configuration has no credentials'],
    ['overloaded', 1013, 'try again later'],
  ])('%s closes %i', async (code, close, reason) => {
    const { connect, cp } = await harness({ script: { admit: () => ({ ok: false, error: { code, message: 'x' } }) } });
    const client = await connect();
    expect(await client.waitForClose()).toEqual({ code: close, reason });
    await waitUntil(() => h!.edge.activeCalls === 0);
    expect(cp.finalizes).toHaveLength(0);
  });

  it('no responders closes 1011 at once', async () => {
    const { connect } = await harness({ script: { absent: true } });
    expect(await (await connect()).waitForClose()).toEqual({ code: 1011, reason: 'server error' });
  });

  it('a control-plane that never answers closes 1011 within the bus timeout', async () => {
    const { connect } = await harness({ script: { admit: () => new Promise(() => {}) } });
    const started = Date.now();
    const client = await connect();
    expect((await client.waitForClose(4000)).code).toBe(1011);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(3000);
  });

  it('an invalid admission answer closes 1011', async () => {
    const { connect } = await harness({ script: { admit: () => ({ ok: true }) } });
    expect((await (await connect()).waitForClose()).code).toBe(1011);
  });
});

describe('provider handshake', () => {
  it.each([
    ['start before connected', (c: Client) => c.sendStart()],
    ['media before start', (c: Client) => (c.sendConnected(), c.sendMedia(new Uint8Array(160)))],
    ['not JSON', (c: Client) => c.sendRaw('hello')],
    ['binary frame', (c: Client) => c.sendRaw(new Uint8Array([1, 2, 3]))],
    ['start without streamSid', (c: Client) => (c.sendConnected(), c.sendRaw(JSON.stringify({ event: 'start', start: { callSid: 'CA1' } })))],
    ['duplicate connected', (c: Client) => (c.sendConnected(), c.sendConnected())],
    ['stop before start', (c: Client) => (c.sendConnected(), c.sendStop())],
  ])('%s closes 4400 and fails the run malformed_handshake', async (_name, send) => {
    const { connect, cp } = await harness();
    const client = await connect();
    send(client);
    expect(await client.waitForClose()).toEqual({ code: 4400, reason: 'malformed handshake' });
    await waitUntil(() => cp.finalizes.length === 1);
    expect(cp.finalizes[0]).toMatchObject({ run_id: 'run-1', state: 'failed', end_reason: 'malformed_handshake' });
    expect(cp.starts).toHaveLength(0);
  });

  it('frames sent during a slow admission are checked once admitted', async () => {
    const { connect, cp } = await harness({
      script: { admit: (_req, n) => new Promise((r) => setTimeout(() => r({ ok: true, run: { id: `run-${n}`, name: 'WR-AGS-00000001', agent_uuid: 'a', provider: 'cloudonix', telephony_configuration_id: 't', engine: { type: 'echo' }, max_duration_ms: null } }), 150)) },
    });
    const client = await connect();
    client.sendConnected();
    client.sendStart();
    client.sendMedia(new Uint8Array(160));
    await waitUntil(() => cp.starts.length === 1);
    expect(cp.starts[0]!.start).toMatchObject({ stream_id: client.streamSid, session_id: client.session, media_format: { encoding: 'mulaw', sampleRate: 8000 } });
    client.sendStop();
    expect((await client.waitForClose()).code).toBe(1000);
    await waitUntil(() => cp.finalizes.length === 1);
    expect(cp.finalizes[0]).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
  });

  it('a malformed frame during admission closes only once the run exists', async () => {
    const slow = (n: number) => new Promise((r) => setTimeout(() => r(admitted(n)), 150));
    const { connect, cp } = await harness({ script: { admit: (_req, n) => slow(n) } });
    const started = Date.now();
    const client = await connect();
    client.sendStart();
    expect((await client.waitForClose()).code).toBe(4400);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await waitUntil(() => cp.finalizes.length === 1);
    expect(cp.finalizes[0]).toMatchObject({ run_id: 'run-1', end_reason: 'malformed_handshake' });
  });

  it('an admission refusal outranks a malformed handshake', async () => {
    const refuse = () => new Promise((r) => setTimeout(() => r({ ok: false, error: { code: 'agent_not_found', message: 'x' } }), 50));
    const { connect } = await harness({ script: { admit: refuse } });
    const client = await connect();
    client.sendRaw('garbage');
    expect(await client.waitForClose()).toEqual({ code: 1008, reason: 'agent not found' });
  });

  it('too many ignored frames before start are malformed', async () => {
    const { connect } = await harness({ config: { maxHandshakeFrames: 2 } });
    const client = await connect();
    client.sendConnected();
    for (let i = 0; i < 3; i++) client.sendRaw(JSON.stringify({ event: 'custom', n: i }));
    expect((await client.waitForClose()).code).toBe(4400);
  });

  it('the deadline closes 4408 and fails the run handshake_timeout', async () => {
    const { connect, cp } = await harness({ config: { handshakeTimeoutMs: 300 } });
    const started = Date.now();
    const client = await connect();
    client.sendConnected();
    expect(await client.waitForClose()).toEqual({ code: 4408, reason: 'handshake timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    await waitUntil(() => cp.finalizes.length === 1);
    expect(cp.finalizes[0]).toMatchObject({ state: 'failed', end_reason: 'handshake_timeout' });
  });

  it('the deadline counts from socket open, not from admission', async () => {
    const { connect, cp } = await harness({
      config: { handshakeTimeoutMs: 400 },
      script: { admit: (_req, n) => new Promise((r) => setTimeout(() => r({ ok: true, run: { id: `run-${n}`, name: 'WR-AGS-00000001', agent_uuid: 'a', provider: 'cloudonix', telephony_configuration_id: 't', engine: { type: 'echo' }, max_duration_ms: null } }), 300)) },
    });
    const started = Date.now();
    const client = await connect();
    expect((await client.waitForClose()).code).toBe(4408);
    expect(Date.now() - started).toBeLessThan(650);
    await waitUntil(() => cp.finalizes.length === 1);
    expect(cp.finalizes[0]).toMatchObject({ run_id: 'run-1', end_reason: 'handshake_timeout' });
  });

  it('session validation failure closes 4400 and still finalizes', async () => {
    const { connect, cp } = await harness({ script: { start: () => ({ ok: false, error: { code: 'session_validation_failed', message: 'x' } }) } });
    const client = await connect();
    client.sendConnected();
    client.sendStart();
    expect(await client.waitForClose()).toEqual({ code: 4400, reason: 'session validation failed' });
    await waitUntil(() => cp.finalizes.length === 1);
    expect(cp.finalizes[0]).toMatchObject({ state: 'failed', end_reason: 'session_validation_failed', close: { code: 4400, reason: 'session validation failed', initiator: 'edge' } });
  });

  it('a RunStart bus failure closes 1011 and finalizes server_error', async () => {
    const { connect, cp } = await harness({
      script: {
        start: () => {
          throw new Error('db down');
        },
      },
    });
    const client = await connect();
    client.sendConnected();
    client.sendStart();
    expect((await client.waitForClose()).code).toBe(1011);
    await waitUntil(() => cp.finalizes.length === 1);
    expect(cp.finalizes[0]).toMatchObject({ state: 'failed', end_reason: 'server_error' });
  });

  it('RunStart waits runStartTimeoutMs, not busRequestTimeoutMs: a slow validation still starts the call', async () => {
    const slowStart = () => new Promise((r) => setTimeout(() => r({ ok: true }), 400));
    const { startCall, cp } = await harness({ config: { busRequestTimeoutMs: 150, runStartTimeoutMs: 1_000 }, script: { start: slowStart } });
    const client = await startCall();
    await waitUntil(() => h!.edge.activeCalls === 1 && cp.finalizes.length === 0);
    await new Promise((r) => setTimeout(r, 450));
    expect(cp.finalizes).toHaveLength(0);
    client.sendStop();
    expect((await client.waitForClose()).code).toBe(1000);
    await waitUntil(() => cp.finalizes.length === 1);
    expect(cp.finalizes[0]).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
  });

  it('a RunStart answer later than runStartTimeoutMs closes 1011, server_error', async () => {
    const { connect, cp } = await harness({ config: { busRequestTimeoutMs: 1_000, runStartTimeoutMs: 150 }, script: { start: () => new Promise(() => undefined) } });
    const client = await connect();
    const started = Date.now();
    client.sendConnected();
    client.sendStart();
    expect((await client.waitForClose()).code).toBe(1011);
    expect(Date.now() - started).toBeLessThan(900);
    await waitUntil(() => cp.finalizes.length === 1);
    expect(cp.finalizes[0]).toMatchObject({ state: 'failed', end_reason: 'server_error' });
  });
});

describe("the socket's close, sent with the finalize", () => {
  it('the edge closing after stop: its 1000', async () => {
    const { startCall, cp } = await harness();
    const client = await startCall();
    client.sendStop();
    expect((await client.waitForClose()).code).toBe(1000);
    await waitUntil(() => cp.finalizes.length === 1);
    expect(cp.finalizes[0]).toMatchObject({ end_reason: 'caller_hangup', close: { code: 1000, reason: 'call ended', initiator: 'edge' } });
  });

  it("the peer closing: its code and reason, with NUL made safe", async () => {
    const { startCall, cp } = await harness();
    await (await startCall()).close(1000, 'bye');
    await waitUntil(() => cp.finalizes.length === 1);
    expect(cp.finalizes[0]).toMatchObject({ state: 'completed', end_reason: 'stream_closed', close: { code: 1000, reason: 'bye', initiator: 'peer' } });
    await (await startCall()).close(4001, 'a\u0000b');
    await waitUntil(() => cp.finalizes.length === 2);
    expect(cp.finalizes[1]!.close).toEqual({ code: 4001, reason: 'a\uFFFDb', initiator: 'peer' });
  });
});

describe('limits', () => {
  it('a frame over maxPayloadBytes is closed 1009 by ws and the run is finalized once', async () => {
    const { startCall, cp } = await harness({ config: { maxPayloadBytes: 4096 } });
    const client = await startCall();
    client.sendRaw('x'.repeat(5000));
    expect((await client.waitForClose()).code).toBe(1009);
    await waitUntil(() => cp.finalizes.length === 1 && h!.edge.activeCalls === 0);
    // `ws` closed it, not the peer: the edge's 1009 is recorded, whatever the peer answered.
    expect(cp.finalizes[0]).toMatchObject({ state: 'failed', end_reason: 'stream_closed', close: { code: 1009, reason: '', initiator: 'edge' } });
  });

  it('beyond maxCalls new streams get 1013', async () => {
    const { startCall, connect } = await harness({ config: { maxCalls: 1 } });
    await startCall();
    expect(await (await connect()).waitForClose()).toEqual({ code: 1013, reason: 'try again later' });
  });

  it('rejects an invalid config naming the field', async () => {
    await expect(startHarness({ config: { handshakeTimeoutMs: -1 } })).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringContaining('handshakeTimeoutMs') });
  });
});

type Client = Awaited<ReturnType<Harness['connect']>>;
