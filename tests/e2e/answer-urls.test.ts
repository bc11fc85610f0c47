/**
 * Answer URLs end to end on the embedded product, without VR3_PUBLIC_URL (the public base is derived
 * from where it listens): the agent API names the answer URLs, a provider fetches its answer
 * document there, takes the stream URL out of it and streams a call on it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMediaClient, startFakeProviderApi, type FakeProviderApi } from '@vr3/providers/testing';
import { eventually, ProductProcess } from '../harness/product.ts';
import { echoTone, finalRun, setupProvider, type ProviderSetup } from '../harness/providers.ts';

let product: ProductProcess;
let twilio: FakeProviderApi;
let vobiz: FakeProviderApi;

beforeAll(async () => {
  [twilio, vobiz] = await Promise.all([startFakeProviderApi('twilio'), startFakeProviderApi('vobiz')]);
  product = await ProductProcess.start();
});
afterAll(async () => {
  await product?.stop();
  await Promise.all([twilio?.close(), vobiz?.close()]);
});

const unescapeXml = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e] ?? '');

/** POSTs the provider's answer webhook form to the agent's answer URL, as the provider does. */
async function fetchAnswer(setup: ProviderSetup, form: Record<string, string>): Promise<string> {
  const agent = await product.api('GET', `/agents/${setup.agentUuid}`);
  const answerUrl = agent.body.answer_urls[setup.provider] as string;
  expect(answerUrl).toBe(`http://127.0.0.1:${product.port}/api/v1/answer/${setup.provider}/${setup.agentUuid}`);
  const res = await fetch(answerUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
  return res.text();
}

/** Waits for the run of `callId` to be running. */
async function runningRun(setup: ProviderSetup, callId: string): Promise<string> {
  const run = await eventually(async () => {
    const list = await product.api('GET', `/runs?agent_uuid=${setup.agentUuid}&state=running&limit=100`);
    return (list.body.data as any[]).find((r) => r.gathered_context?.call_sid === callId);
  }, 5000);
  return run.id as string;
}

describe('answer URLs on the embedded product', () => {
  it('twilio: the TwiML stream URL and its <Parameter>s carry a call that echoes and ends 1000', async () => {
    const setup = await setupProvider(product, twilio);
    const callId = `CA${randomUUID().replace(/-/g, '')}`;
    twilio.addCall(callId);
    const twiml = await fetchAnswer(setup, { AccountSid: twilio.accountId, CallSid: callId, From: '+15550101', To: '+15550202' });

    const streamUrl = unescapeXml(/<Connect><Stream url="([^"]+)">/.exec(twiml)?.[1] ?? '');
    expect(streamUrl).toBe(`ws://127.0.0.1:${product.port}/api/v1/agent-stream/twilio/${setup.agentUuid}`);
    // Twilio puts the <Parameter>s into start.customParameters.
    const customParameters = Object.fromEntries([...twiml.matchAll(/<Parameter name="([^"]*)" value="([^"]*)"\/>/g)].map((m) => [unescapeXml(m[1]!), unescapeXml(m[2]!)]));
    expect(customParameters).toEqual({ from: '+15550101', to: '+15550202' });

    const client = await connectMediaClient('twilio', streamUrl);
    const info = client.begin({ accountId: twilio.accountId, callId, customParameters });
    const runId = await runningRun(setup, callId);
    const echo = await echoTone({ client, info, runId });
    expect(Math.abs(echo.frequency - 440)).toBeLessThan(10);
    expect((await client.hangup()).code).toBe(1000);
    const run = await finalRun(product, runId);
    expect(run).toMatchObject({
      state: 'completed',
      end_reason: 'caller_hangup',
      telephony_configuration_id: setup.configId,
      initial_context: { caller_number: '+15550101', called_number: '+15550202' },
    });
  });

  it('vobiz: the <Stream> XML names the agent\'s audio; its stream URL carries the call and numbers and a call on it ends 1000', async () => {
    const setup = await setupProvider(product, vobiz);
    const callId = randomUUID();
    vobiz.addCall(callId);
    const xml = await fetchAnswer(setup, { CallUUID: callId, From: '+15550303', To: '+15550404', Direction: 'inbound' });

    // The echo agent works at 16 kHz: Vobiz is asked for L16 at that rate.
    const stream = /<Stream bidirectional="true" audioTrack="inbound" keepCallAlive="true" contentType="([^"]+)">([^<]+)<\/Stream>/.exec(xml);
    expect(stream?.[1]).toBe('audio/x-l16;rate=16000');
    const streamUrl = unescapeXml(stream?.[2] ?? '');
    expect(new URL(streamUrl).searchParams.get('provider')).toBe('vobiz');

    const client = await connectMediaClient('vobiz', streamUrl);
    const info = client.begin({ accountId: vobiz.accountId, callId, format: { encoding: 'pcm16be', sampleRate: 16000 } });
    const runId = await runningRun(setup, callId);
    const echo = await echoTone({ client, info, runId });
    expect(Math.abs(echo.frequency - 440)).toBeLessThan(10);
    expect((await client.hangup()).code).toBe(1000);
    const run = await finalRun(product, runId);
    expect(run).toMatchObject({
      state: 'completed',
      end_reason: 'stream_closed',
      telephony_configuration_id: setup.configId,
      initial_context: { caller_number: '+15550303', called_number: '+15550404' },
      gathered_context: { call_id: callId },
    });
  });
});
