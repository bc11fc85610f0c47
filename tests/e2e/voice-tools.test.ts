/**
 * Tools of the `voice` engine through the embedded product: Twilio-style μ-law calls (the fake
 * Twilio media client, acknowledging marks as it plays) to an agent whose STT, LLM and TTS are the
 * OpenAI-compatible stand-in on 127.0.0.1, and whose HTTP tools call a local server (the product
 * runs with VR3_ALLOW_INSECURE_PROVIDER_URLS=true). Each turn is started by a key press (`#` sends
 * at once), so no speech recognition is involved: `end_call` hangs up once the goodbye was played,
 * `transfer_call` transfers to the configured target, an HTTP tool's answer (its secret header
 * sent) goes back to the LLM, a tool timeout is reported to the LLM and the call goes on, and a
 * failing chat request is apologized for, then fails the run.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProviderApi, type FakeProviderApi } from '@vr3/providers/testing';
import { startOpenAiCompatibleStandIn, type OpenAiCompatibleStandIn } from '@vr3/vendors/testing';
import { runEvents } from '../harness/bridge.ts';
import { ProductProcess } from '../harness/product.ts';
import { createOpenAiCredential, openAiVoiceEngine, startPlayoutCall } from '../harness/voice.ts';
import { finalRun, setupProvider, type ProviderCall, type ProviderSetup } from '../harness/providers.ts';
import { startToolServer, type ToolServer } from '../harness/tool-server.ts';

const VENDOR_KEY = `sk-voice-${randomUUID()}`;
const MS_PER_CHAR = 20;
const TRANSFER_TARGET = '<Response><Dial>+15550009</Dial></Response>';
let product: ProductProcess;
let twilio: FakeProviderApi;
let vendor: OpenAiCompatibleStandIn;
let setup: ProviderSetup;
let tool: ToolServer;
const calls: ProviderCall[] = [];

beforeAll(async () => {
  tool = await startToolServer();
  vendor = await startOpenAiCompatibleStandIn({ apiKey: VENDOR_KEY, speech: { msPerChar: MS_PER_CHAR } });
  twilio = await startFakeProviderApi('twilio');
  product = await ProductProcess.start();
  const id = await createOpenAiCredential(product, VENDOR_KEY, vendor.url);
  setup = await setupProvider(product, twilio, {
    engine: openAiVoiceEngine(id, {
      prompt: 'You are the front desk. Answer briefly.',
      tools: {
        end_call: { type: 'end_call' },
        to_desk: { type: 'transfer_call', target: TRANSFER_TARGET },
        ...tool.tools(),
      },
    }),
  });
});

afterEach(async () => {
  await Promise.all(calls.splice(0).map((c) => c.client.close(1000, '', 500).catch(() => undefined)));
});

afterAll(async () => {
  await product?.stop();
  await twilio?.close();
  await vendor?.close();
  await tool?.close();
});

const call = (): Promise<ProviderCall> => startPlayoutCall(product, twilio, setup, calls);

const chats = () => vendor.requests.filter((r) => r.path === '/v1/chat/completions');
const speechAfter = (index: number) => vendor.requests.slice(index).filter((r) => r.path === '/v1/audio/speech').map((r) => (r.body as { input: string }).input);
/** Milliseconds of μ-law the caller has received. */
const receivedMs = (c: ProviderCall): number => c.client.receivedAudio().length / 8;
const callPath = (c: ProviderCall) => `/2010-04-01/Accounts/${twilio.accountId}/Calls/${c.info.callId}.json`;
const hangupOf = (c: ProviderCall) => twilio.requests.find((r) => r.method === 'POST' && r.path === callPath(c) && r.body.includes('Status=completed'));

describe('voice engine tools', () => {
  it('end_call: the goodbye is played in full, then the provider hangs up; the run keeps the tool call', async () => {
    const goodbye = 'Thanks for calling, goodbye.';
    vendor.scriptChat({ text: ['Thanks for calling, ', 'goodbye.'], toolCalls: [{ name: 'end_call', arguments: '{"reason":"caller is done"}' }] });
    const c = await call();
    const from = vendor.requests.length;
    c.client.sendDtmf('#');
    let receivedAtHangup = -1;
    await expect
      .poll(
        () => {
          const found = hangupOf(c) !== undefined;
          if (found && receivedAtHangup < 0) receivedAtHangup = receivedMs(c);
          return found;
        },
        { timeout: 6000, interval: 10 },
      )
      .toBe(true);
    // 28 characters of 20 ms: all of it had reached the caller (and was acknowledged as played) before the hangup.
    expect(receivedAtHangup).toBeGreaterThanOrEqual(goodbye.length * MS_PER_CHAR - 20);
    expect(speechAfter(from)).toEqual([goodbye]);
    expect(await finalRun(product, c.runId)).toMatchObject({ state: 'completed', end_reason: 'agent_hangup' });
    const events = await runEvents(product, c.runId);
    expect(events.find((e) => e.type === 'tool_call')?.data).toEqual({ name: 'end_call', arguments: { reason: 'caller is done' }, result: { ok: true } });
    expect(events.filter((e) => e.type === 'transcript').map((e) => [e.data.role, e.data.text])).toEqual([
      ['caller', '[The caller pressed # on the keypad]'],
      ['agent', goodbye],
    ]);
  });

  it('transfer_call: the announcement is played, then the provider transfers to the configured target', async () => {
    vendor.scriptChat({ text: [], toolCalls: [{ name: 'to_desk', arguments: '{}' }] });
    const c = await call();
    const from = vendor.requests.length;
    c.client.sendDtmf('#');
    let receivedAtTransfer = -1;
    await expect
      .poll(
        () => {
          const found = twilio.transfers.some((t) => t.callId === c.info.callId);
          if (found && receivedAtTransfer < 0) receivedAtTransfer = receivedMs(c);
          return found;
        },
        { timeout: 6000, interval: 10 },
      )
      .toBe(true);
    const announcement = 'Please hold while I transfer your call.';
    expect(speechAfter(from)).toEqual([announcement]);
    expect(receivedAtTransfer).toBeGreaterThanOrEqual(announcement.length * MS_PER_CHAR - 20);
    expect(twilio.transfers.filter((t) => t.callId === c.info.callId)).toEqual([{ callId: c.info.callId, target: TRANSFER_TARGET }]);
    expect(await finalRun(product, c.runId)).toMatchObject({ state: 'completed', end_reason: 'transfer' });
    expect(hangupOf(c)).toBeUndefined();
    // The target never went to the model.
    expect(JSON.stringify(chats().map((r) => r.body))).not.toContain('+15550009');
  });

  it('an HTTP tool: the request carries its secret header, the answer goes back to the LLM, the agent speaks the reply', async () => {
    vendor.scriptChat({ text: [], toolCalls: [{ id: 'call_lookup', name: 'lookup', arguments: '{"order":"A1"}' }] }, { text: ['It ships on Friday.'] });
    const c = await call();
    const from = vendor.requests.length;
    const before = chats().length;
    c.client.sendDtmf('#');
    await expect.poll(() => chats().length, { timeout: 5000 }).toBe(before + 2);
    const request = tool.requests.find((r) => r.url === '/orders');
    expect(request).toMatchObject({ method: 'POST', body: '{"order":"A1"}', headers: { 'x-api-key': tool.secret } });
    const followUp = chats()[before + 1]!.body as { messages: Array<Record<string, unknown>> };
    expect(followUp.messages.slice(-2)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_lookup', type: 'function', function: { name: 'lookup', arguments: '{"order":"A1"}' } }] },
      { role: 'tool', tool_call_id: 'call_lookup', content: '{"eta":"Friday"}' },
    ]);
    await expect.poll(() => speechAfter(from), { timeout: 5000 }).toEqual(['It ships on Friday.']);
    await expect.poll(() => receivedMs(c), { timeout: 5000 }).toBeGreaterThanOrEqual('It ships on Friday.'.length * MS_PER_CHAR - 20);
    await c.client.hangup();
    expect(await finalRun(product, c.runId)).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    const events = await runEvents(product, c.runId);
    expect(events.filter((e) => e.type === 'tool_call').map((e) => e.data)).toEqual([{ name: 'lookup', arguments: { order: 'A1' }, result: { eta: 'Friday' } }]);
    // The secret header is in no log line, and write-only over the API (sealed apart from the configuration).
    expect(product.output.join('')).not.toContain(tool.secret);
    const agent = await product.api('GET', `/agents/${setup.agentUuid}`);
    expect(JSON.stringify(agent.body)).not.toContain(tool.secret);
    expect(agent.body.engine_secrets_set).toEqual(['tools.lookup.headers.X-Api-Key']);
  });

  it('an HTTP tool that times out is reported to the LLM, and the call goes on', async () => {
    vendor.scriptChat({ text: [], toolCalls: [{ name: 'slow', arguments: '{}' }] }, { text: ['Our system is slow today.'] });
    const c = await call();
    const from = vendor.requests.length;
    const before = chats().length;
    c.client.sendDtmf('#');
    await expect.poll(() => chats().length, { timeout: 5000 }).toBe(before + 2);
    const followUp = chats()[before + 1]!.body as { messages: Array<Record<string, unknown>> };
    expect(followUp.messages.at(-1)).toMatchObject({ role: 'tool', content: expect.stringContaining('did not answer within 300 ms') });
    await expect.poll(() => speechAfter(from), { timeout: 5000 }).toEqual(['Our system is slow today.']);
    expect((await product.api('GET', `/runs/${c.runId}`)).body.state).toBe('running');
    const events = await runEvents(product, c.runId);
    expect(events.filter((e) => e.type === 'tool_call').map((e) => e.data)).toEqual([{ name: 'slow', arguments: {}, error: 'timeout' }]);
    await c.client.hangup();
    expect(await finalRun(product, c.runId)).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
  });

  it('a vendor 500 on the chat request: the caller hears an apology, then the call ends failed / agent_error, naming the vendor and status', async () => {
    vendor.scriptChat({ status: 500 });
    const c = await call();
    const from = vendor.requests.length;
    c.client.sendDtmf('#');
    const run = await finalRun(product, c.runId);
    expect(run).toMatchObject({ state: 'failed', end_reason: 'agent_error' });
    const apology = 'Sorry, something went wrong on our side. Please call again later.';
    expect(speechAfter(from)).toEqual([apology]);
    expect(receivedMs(c)).toBeGreaterThanOrEqual(apology.length * MS_PER_CHAR - 20);
    const log = (await runEvents(product, c.runId)).find((e) => e.type === 'log' && e.data.level === 'error');
    expect(log?.data).toMatchObject({ vendor: 'openai', status: 500, message: expect.stringMatching(/^llm: openai chat failed/) });
    expect(JSON.stringify(run) + product.output.join('')).not.toContain(VENDOR_KEY);
  });
});
