/**
 * Text the database cannot store (NUL, unpaired UTF-16 surrogates) in stream metadata: refused
 * 4400 at the edge before it reaches the control-plane, and refused 4400 (not 1011) when a
 * control-plane refuses it itself.
 */
import { findUnsafeText, StreamError, StreamErrorCode } from '@vr3/protocol';
import { CloudonixMediaClient } from '@vr3/providers/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_QUERY, startHarness, waitUntil, type Harness, type HarnessOptions } from '../test-support/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(options);
  return h;
}

const MALFORMED = { code: 4400, reason: 'malformed handshake' };

/** Every request the edge sent the control-plane holds only safe text. */
function sentOnlySafeText(hn: Harness): void {
  for (const req of [...hn.cp.admits, ...hn.cp.starts, ...hn.cp.finalizes]) expect(findUnsafeText(req)).toBeNull();
}

describe('stream URL', () => {
  it('a query parameter holding NUL is refused 4400 before admission', async () => {
    const hn = await harness();
    const client = await hn.connect({ ...DEFAULT_QUERY, from: '+1555\u0000' });
    expect(await client.waitForClose()).toEqual(MALFORMED);
    expect(hn.cp.admits).toHaveLength(0);
  });

  it('a query key holding NUL is refused 4400 before admission', async () => {
    const hn = await harness();
    const client = await hn.connect({ ...DEFAULT_QUERY, 'x\u0000': '1' });
    expect(await client.waitForClose()).toEqual(MALFORMED);
    expect(hn.cp.admits).toHaveLength(0);
  });

  it('an agent UUID decoding to NUL names no agent (1008), with no bus request', async () => {
    const hn = await harness();
    const client = await CloudonixMediaClient.connect(hn.url(DEFAULT_QUERY, '/api/v1/agent-stream/abc%00def'));
    expect(await client.waitForClose()).toEqual({ code: 1008, reason: 'agent not found' });
    await client.close(1000, '', 500);
    expect(hn.cp.admits).toHaveLength(0);
  });
});

describe('provider start', () => {
  it.each([
    ['a NUL custom parameter', { customParameters: { note: 'a\u0000b' } }],
    ['an unpaired surrogate in from', { from: '+1555\uD800' }],
    ['a NUL custom parameter key', { customParameters: { 'k\u0000': 'v' } }],
    ['an unpaired low surrogate in the stream id', { streamSid: '\uDC00MZ1' }],
  ])('%s: 4400, run failed malformed_handshake, no RunStart', async (_name, start) => {
    const hn = await harness();
    const client = await hn.connect();
    client.sendConnected();
    client.sendStart(start);
    expect(await client.waitForClose()).toEqual(MALFORMED);
    await waitUntil(() => hn.cp.finalizes.length === 1);
    expect(hn.cp.finalizes[0]).toMatchObject({ run_id: 'run-1', state: 'failed', end_reason: 'malformed_handshake' });
    expect(hn.cp.starts).toHaveLength(0);
    sentOnlySafeText(hn);
  });

  it('unsafe text in start metadata only (a field no adapter reads): 4400', async () => {
    const hn = await harness();
    const client = await hn.connect();
    client.sendConnected();
    client.sendRaw(JSON.stringify({ event: 'start', start: { streamSid: 'MZ1', callSid: 'CA1', extra: [{ deep: 'x\u0000' }] } }));
    expect(await client.waitForClose()).toEqual(MALFORMED);
    expect(hn.cp.starts).toHaveLength(0);
  });

  it('well-formed text outside ASCII goes through', async () => {
    const hn = await harness();
    const client = await hn.connect({ ...DEFAULT_QUERY, from: 'Zoë 😀' });
    client.sendConnected();
    client.sendStart({ customParameters: { name: 'Zoë 😀 客服' } });
    await waitUntil(() => hn.cp.starts.length === 1);
    expect(hn.cp.starts[0]!.start.custom_parameters).toMatchObject({ name: 'Zoë 😀 客服' });
    client.sendStop();
    expect((await client.waitForClose()).code).toBe(1000);
  });
});

describe('a control-plane that refuses the text itself', () => {
  const refuse = (): never => {
    throw new StreamError(StreamErrorCode.MalformedHandshake, 'invalid message: start.from contains NUL or an unpaired UTF-16 surrogate');
  };

  it('at admission: 4400 and no run to finalize', async () => {
    const hn = await harness({ script: { admit: refuse } });
    const client = await hn.connect();
    expect(await client.waitForClose()).toEqual(MALFORMED);
    await waitUntil(() => hn.edge.activeCalls === 0);
    expect(hn.cp.finalizes).toHaveLength(0);
  });

  it('at RunStart: 4400 and the run finalized failed malformed_handshake', async () => {
    const hn = await harness({ script: { start: refuse } });
    const client = await hn.connect();
    client.sendConnected();
    client.sendStart();
    expect(await client.waitForClose()).toEqual(MALFORMED);
    await waitUntil(() => hn.cp.finalizes.length === 1);
    expect(hn.cp.finalizes[0]).toMatchObject({ run_id: 'run-1', state: 'failed', end_reason: 'malformed_handshake' });
  });

  it('any other failure still closes 1011', async () => {
    const hn = await harness({ script: { start: () => { throw new Error('db down'); } } });
    const client = await hn.connect();
    client.sendConnected();
    client.sendStart();
    expect((await client.waitForClose()).code).toBe(1011);
  });
});

describe('provider stop reason', () => {
  it('a stop reason with unsafe text still ends the call, without the reason', async () => {
    const hn = await harness();
    const client = await hn.startCall();
    client.sendRaw(JSON.stringify({ event: 'stop', stop: { reason: 'caller\u0000hung up' } }));
    expect((await client.waitForClose()).code).toBe(1000);
    await waitUntil(() => hn.cp.finalizes.length === 1);
    expect(hn.cp.finalizes[0]).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    expect(hn.cp.finalizes[0]!.stop_reason).toBeUndefined();
  });

  it('a long stop reason is cut to 64 characters without splitting a surrogate pair', async () => {
    const hn = await harness();
    const client = await hn.startCall();
    client.sendRaw(JSON.stringify({ event: 'stop', stop: { reason: `${'a'.repeat(63)}😀😀` } }));
    expect((await client.waitForClose()).code).toBe(1000);
    await waitUntil(() => hn.cp.finalizes.length === 1);
    expect(hn.cp.finalizes[0]!.stop_reason).toBe('a'.repeat(63));
    sentOnlySafeText(hn);
  });
});
