/**
 * Live calls through the embedded product: the organization's event stream
 * (`GET /api/v1/live-calls/events`, through the product's port to the control-plane thread) shows a
 * Cloudonix call to a `voice` agent (the OpenAI-compatible stand-in) as it starts and runs, pushes
 * the agent's greeting as a transcript line, and a hang-up through the API ends the call
 * `api_hangup` on the stream, on the provider's socket and on the run. Stopping the product ends
 * open streams instead of waiting on them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStream, type EventStreamClient } from '@vr3/control-plane/testing';
import { startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { startOpenAiCompatibleStandIn, type OpenAiCompatibleStandIn } from '@vr3/vendors/testing';
import { finalRun, setupCloudonix, startCall, type CloudonixSetup } from '../harness/cloudonix.ts';
import { ProductProcess } from '../harness/product.ts';
import { createOpenAiCredential, openAiVoiceEngine } from '../harness/voice.ts';

const TOKEN = `cx-token-${randomUUID()}`;
const VENDOR_KEY = `sk-live-${randomUUID()}`;
const GREETING = 'Hello, front desk here.';
let product: ProductProcess;
let api: FakeCloudonixApi;
let vendor: OpenAiCompatibleStandIn;
let setup: CloudonixSetup;
const streams: EventStreamClient[] = [];

beforeAll(async () => {
  vendor = await startOpenAiCompatibleStandIn({ apiKey: VENDOR_KEY, speech: { msPerChar: 10 } });
  api = await startFakeCloudonixApi({ bearerToken: TOKEN });
  product = await ProductProcess.start();
  const id = await createOpenAiCredential(product, VENDOR_KEY, vendor.url);
  setup = await setupCloudonix(product, api, TOKEN, openAiVoiceEngine(id, { prompt: 'You are the front desk.', greeting: GREETING }));
});

afterAll(async () => {
  for (const s of streams) s.close();
  await product?.stop();
  await api?.close();
  await vendor?.close();
});

async function liveStream(key = product.apiKey): Promise<EventStreamClient & { body?: unknown }> {
  const s = await openEventStream(`${product.baseUrl}/api/v1/live-calls/events`, { authorization: `Bearer ${key}` });
  streams.push(s);
  return s;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ofRun = (runId: string) => (d: { call: { id: string } }) => d.call.id === runId;

describe('live calls (embedded)', () => {
  it('refuses a stream without a valid API key', async () => {
    const s = await liveStream('vr3_not_a_key_0123456789abcdef');
    expect(s.status).toBe(401);
    expect(s.body).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('shows the call as it starts and runs, pushes the voice agent greeting, and a hang-up ends it api_hangup', async () => {
    const s = await liveStream();
    expect(s.status).toBe(200);
    expect((await s.waitFor<{ calls: unknown[] }>('snapshot')).data.calls).toEqual([]);

    const call = await startCall(product, api, setup);
    const started = await s.waitFor('call.started', ofRun(call.runId));
    expect(started.data.call).toMatchObject({ provider: 'cloudonix', call_type: 'inbound', agent: { uuid: setup.agentUuid } });
    const running = await s.waitFor('call.updated', (d: { call: { id: string; state: string } }) => d.call.id === call.runId && d.call.state === 'running');
    expect(running.data.call).toMatchObject({
      caller_number: '+15555550100',
      called_number: '+15555550199',
      edge_id: expect.any(String),
      started_at: expect.any(String),
    });

    // The caller's line stays open (silence) while the greeting plays; its transcript line arrives as it is spoken.
    const silence = new Uint8Array(160).fill(0xff);
    const pump = (async () => {
      for (let i = 0; i < 150 && !s.events.some((e) => e.event === 'call.transcript'); i++) {
        call.client.sendMedia(silence);
        await sleep(20);
      }
    })();
    const line = await s.waitFor('call.transcript', (d: { run_id: string }) => d.run_id === call.runId, 8000);
    await pump;
    expect(line.data).toMatchObject({ run_id: call.runId, seq: expect.any(Number), at: expect.any(String), data: { role: 'agent', text: GREETING } });

    // A new stream's snapshot lists the running call.
    const late = await liveStream();
    const snapshot = (await late.waitFor<{ calls: Array<{ id: string; state: string }> }>('snapshot')).data;
    expect(snapshot.calls).toEqual([expect.objectContaining({ id: call.runId, state: 'running' })]);

    expect((await product.api('POST', `/runs/${call.runId}/hangup`)).status).toBe(202);
    const ended = await s.waitFor('call.ended', ofRun(call.runId));
    expect(ended.data.call).toMatchObject({ id: call.runId, state: 'completed', end_reason: 'api_hangup', ended_at: expect.any(String) });
    await late.waitFor('call.ended', ofRun(call.runId));
    await call.client.waitForClose(5000);
    expect(await finalRun(product, call.runId)).toMatchObject({ state: 'completed', end_reason: 'api_hangup' });
    // Transcripts are personal data: never in the product's logs.
    expect(product.output.join('\n')).not.toContain(GREETING);
  });

  it('stopping the product ends open streams instead of waiting on them', async () => {
    const s = await liveStream();
    await s.waitFor('snapshot');
    const stopping = Date.now();
    expect(await product.stop()).toBe(0);
    await s.ended;
    expect(Date.now() - stopping).toBeLessThan(10_000);
  });
});
