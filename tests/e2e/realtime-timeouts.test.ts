/**
 * Vendor deadlines of the `realtime` engine through the embedded product, started with
 * VR3_VENDOR_TIMEOUT_MS=1500: Twilio-style μ-law calls to an agent whose model is the OpenAI
 * Realtime stand-in on 127.0.0.1, scripted to stop answering. A Realtime server that never answers
 * the upgrade, never acknowledges the session's configuration (`session.updated`) or never starts
 * the greeting it was asked for (`response.created`) fails the run `agent_error` within the
 * operator's deadline (not the client's default 10 s), naming the vendor, the timeout and what
 * was awaited.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProviderApi, type FakeProviderApi } from '@vr3/providers/testing';
import { startOpenAiRealtimeStandIn, type OpenAiRealtimeStandIn } from '@vr3/vendors/testing';
import { runEvents } from '../harness/bridge.ts';
import { ProductProcess } from '../harness/product.ts';
import { createRealtimeCredential, receivedMulawMs, startRealtimeCall } from '../harness/realtime.ts';
import { finalRun, setupProvider, type ProviderCall, type ProviderSetup } from '../harness/providers.ts';

const VENDOR_KEY = `sk-realtime-${randomUUID()}`;
const VENDOR_TIMEOUT_MS = 1500;
/**
 * How soon after the vendor went quiet the run must have ended: the deadline plus room for a
 * loaded machine (the admission, the run's finalization); the client's default (10 s) is beyond it.
 */
const ENDED_WITHIN_MS = VENDOR_TIMEOUT_MS + 4000;
let product: ProductProcess;
let twilio: FakeProviderApi;
let standIn: OpenAiRealtimeStandIn;
let setup: ProviderSetup;
const calls: ProviderCall[] = [];

beforeAll(async () => {
  standIn = await startOpenAiRealtimeStandIn({ apiKey: VENDOR_KEY, vad: { silenceMs: 200 } });
  twilio = await startFakeProviderApi('twilio');
  product = await ProductProcess.start({ env: { VR3_VENDOR_TIMEOUT_MS: String(VENDOR_TIMEOUT_MS) } });
  const credentialId = await createRealtimeCredential(product, standIn);
  setup = await setupProvider(product, twilio, {
    engine: {
      type: 'realtime',
      llm: { vendor: 'openai', credential_id: credentialId, model: 'gpt-realtime' },
      prompt: 'You are the front desk.',
      greeting: 'Hello, front desk.',
    },
  });
});

afterEach(async () => {
  standIn.ignoreEvents();
  standIn.holdUpgrades(false);
  await Promise.all(calls.splice(0).map((c) => c.client.close(1000, '', 500).catch(() => undefined)));
});

afterAll(async () => {
  await product?.stop();
  await twilio?.close();
  await standIn?.close();
});

const call = (): Promise<ProviderCall> => startRealtimeCall(product, twilio, setup, calls);
const errorLog = async (runId: string) => (await runEvents(product, runId)).find((e) => e.type === 'log' && e.data.level === 'error')?.data;

/** Waits for the run to end; the time from `since` to its end (by the run's own timestamps, not this test's polling). */
async function endedAfter(c: ProviderCall, since: number) {
  const run = await finalRun(product, c.runId, 2 * ENDED_WITHIN_MS);
  return { run, elapsed: Date.parse(run.ended_at as string) - since };
}

describe(`realtime engine vendor deadlines (VR3_VENDOR_TIMEOUT_MS=${VENDOR_TIMEOUT_MS})`, () => {
  it('a session.update never acknowledged: the call ends failed / agent_error naming the vendor, the timeout and session.updated, within the deadline', async () => {
    standIn.ignoreEvents('session.update');
    const updates = standIn.events.filter((e) => e.type === 'session.update').length;
    const c = await call();
    await standIn.waitForEvent('session.update', updates + 1);
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
    expect(JSON.stringify(run) + product.output.join('')).not.toContain(VENDOR_KEY);
  });

  it('a greeting never started: the call ends failed / agent_error naming response.created, within the deadline; the caller heard nothing', async () => {
    standIn.ignoreEvents('response.create');
    const creates = standIn.events.filter((e) => e.type === 'response.create').length;
    const c = await call();
    await standIn.waitForEvent('response.create', creates + 1);
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
    standIn.holdUpgrades(true);
    const upgrades = standIn.upgrades.length;
    const c = await call();
    await expect.poll(() => standIn.upgrades.length, { timeout: 5000 }).toBe(upgrades + 1);
    const { run, elapsed } = await endedAfter(c, Date.now());
    expect(run).toMatchObject({ state: 'failed', end_reason: 'agent_error' });
    expect(elapsed).toBeGreaterThanOrEqual(VENDOR_TIMEOUT_MS - 500);
    expect(elapsed).toBeLessThan(ENDED_WITHIN_MS);
    expect(await errorLog(c.runId)).toMatchObject({ vendor: 'openai', vendor_code: 'vendor_timeout', message: 'realtime: openai realtime failed (vendor_timeout)' });
  });
});
