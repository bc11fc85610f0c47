/**
 * Vendor deadlines of the `realtime` engine through the embedded product, started with
 * VR3_VENDOR_TIMEOUT_MS=1500: Twilio-style μ-law calls to an agent whose model is the OpenAI
 * Realtime stand-in on 127.0.0.1, scripted to stop answering. A Realtime server that never answers
 * the upgrade, never acknowledges the session's configuration (`session.updated`) or never starts
 * the greeting it was asked for (`response.created`) fails the run `agent_error` within the
 * operator's deadline (not the client's default 10 s), naming the vendor, the timeout and what
 * was awaited.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runEvents } from '../harness/bridge.ts';
import { receivedMulawMs, useRealtimeSuite } from '../harness/realtime.ts';
import { finalRun, type ProviderCall } from '../harness/providers.ts';

const VENDOR_TIMEOUT_MS = 1500;
/**
 * How soon after the vendor went quiet the run must have ended: the deadline plus room for a
 * loaded machine (the admission, the run's finalization); the client's default (10 s) is beyond it.
 */
const ENDED_WITHIN_MS = VENDOR_TIMEOUT_MS + 4000;

afterEach(() => {
  s.standIn.ignoreEvents();
  s.standIn.holdUpgrades(false);
});

const s = useRealtimeSuite({
  env: { VR3_VENDOR_TIMEOUT_MS: String(VENDOR_TIMEOUT_MS) },
  engine: (credentialId) => ({
    type: 'realtime',
    llm: { vendor: 'openai', credential_id: credentialId, model: 'gpt-realtime' },
    prompt: 'You are the front desk.',
    greeting: 'Hello, front desk.',
  }),
});

const call = (): Promise<ProviderCall> => s.call();
const errorLog = async (runId: string) => (await runEvents(s.product, runId)).find((e) => e.type === 'log' && e.data.level === 'error')?.data;

/** Waits for the run to end; the time from `since` to its end (by the run's own timestamps, not this test's polling). */
async function endedAfter(c: ProviderCall, since: number) {
  const run = await finalRun(s.product, c.runId, 2 * ENDED_WITHIN_MS);
  return { run, elapsed: Date.parse(run.ended_at as string) - since };
}

describe(`realtime engine vendor deadlines (VR3_VENDOR_TIMEOUT_MS=${VENDOR_TIMEOUT_MS})`, () => {
  it('a session.update never acknowledged: the call ends failed / agent_error naming the vendor, the timeout and session.updated, within the deadline', async () => {
    s.standIn.ignoreEvents('session.update');
    const updates = s.standIn.events.filter((e) => e.type === 'session.update').length;
    const c = await call();
    await s.standIn.waitForEvent('session.update', updates + 1);
    const sentAt = Date.now();
    const { run, elapsed } = await endedAfter(c, sentAt);
    expect(run).toMatchObject({ state: 'failed', end_reason: 'agent_error' });
    expect(elapsed).toBeGreaterThanOrEqual(VENDOR_TIMEOUT_MS - 250);
    expect(elapsed).toBeLessThan(ENDED_WITHIN_MS);
    expect(await errorLog(c.runId)).toMatchObject({
      vendor: 'openai',
      vendor_code: 'vendor_timeout',
      message: `realtime: openai realtime failed (vendor_timeout: no session.updated within ${VENDOR_TIMEOUT_MS} ms)`,
    });
    expect(JSON.stringify(run) + s.product.output.join('')).not.toContain(s.vendorKey);
  });

  it('a greeting never started: the call ends failed / agent_error naming response.created, within the deadline; the caller heard nothing', async () => {
    s.standIn.ignoreEvents('response.create');
    const creates = s.standIn.events.filter((e) => e.type === 'response.create').length;
    const c = await call();
    await s.standIn.waitForEvent('response.create', creates + 1);
    const { run, elapsed } = await endedAfter(c, Date.now());
    expect(run).toMatchObject({ state: 'failed', end_reason: 'agent_error' });
    expect(elapsed).toBeGreaterThanOrEqual(VENDOR_TIMEOUT_MS - 250);
    expect(elapsed).toBeLessThan(ENDED_WITHIN_MS);
    expect(receivedMulawMs(c)).toBe(0);
    expect(await errorLog(c.runId)).toMatchObject({
      vendor: 'openai',
      vendor_code: 'vendor_timeout',
      message: `realtime: openai realtime failed (vendor_timeout: no response.created within ${VENDOR_TIMEOUT_MS} ms)`,
    });
  });

  it('an upgrade never answered: the handshake deadline ends the call failed / agent_error with vendor_timeout', async () => {
    s.standIn.holdUpgrades(true);
    const upgrades = s.standIn.upgrades.length;
    const c = await call();
    await expect.poll(() => s.standIn.upgrades.length, { timeout: 5000 }).toBe(upgrades + 1);
    const { run, elapsed } = await endedAfter(c, Date.now());
    expect(run).toMatchObject({ state: 'failed', end_reason: 'agent_error' });
    expect(elapsed).toBeGreaterThanOrEqual(VENDOR_TIMEOUT_MS - 500);
    expect(elapsed).toBeLessThan(ENDED_WITHIN_MS);
    expect(await errorLog(c.runId)).toMatchObject({ vendor: 'openai', vendor_code: 'vendor_timeout', message: 'realtime: openai realtime failed (vendor_timeout)' });
  });
});
