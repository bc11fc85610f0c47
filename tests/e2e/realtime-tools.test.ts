/**
 * Key presses and tools of the `realtime` engine through the embedded product: Twilio-style μ-law
 * calls (the fake Twilio media client, acknowledging marks as it plays) to an agent whose model is
 * the OpenAI Realtime stand-in on 127.0.0.1, and whose HTTP tools call a local server (the product
 * runs with VR3_ALLOW_INSECURE_PROVIDER_URLS=true). Each turn is started by a key press, which
 * reaches the model as a line of the conversation; the model's scripted answer then calls a tool:
 * `transfer_call` plays the announcement, then transfers to the configured target; an HTTP tool's
 * answer (its secret header sent) goes back to the model as the function's output and the model
 * speaks about it; a tool timeout is reported to the model and the call goes on.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sayInstructions } from '@vr3/engine-realtime';
import { startFakeProviderApi, type FakeProviderApi } from '@vr3/providers/testing';
import { startOpenAiRealtimeStandIn, type OpenAiRealtimeStandIn, type RecordedRealtimeEvent } from '@vr3/vendors/testing';
import { runEvents } from '../harness/bridge.ts';
import { ProductProcess } from '../harness/product.ts';
import { createRealtimeCredential, receivedMulawMs } from '../harness/realtime.ts';
import { startPlayoutCall } from '../harness/voice.ts';
import { finalRun, setupProvider, type ProviderCall, type ProviderSetup } from '../harness/providers.ts';

const VENDOR_KEY = `sk-realtime-${randomUUID()}`;
const TOOL_SECRET = `tool-${randomUUID()}`;
const TRANSFER_TARGET = '<Response><Dial>+15550009</Dial></Response>';
const ANNOUNCEMENT = 'Please hold while I transfer you to the front desk.';
let product: ProductProcess;
let twilio: FakeProviderApi;
let standIn: OpenAiRealtimeStandIn;
let setup: ProviderSetup;
let toolServer: Server;
const toolRequests: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }> = [];
const calls: ProviderCall[] = [];

beforeAll(async () => {
  // `/orders` answers at once; `/slow` never within the tool's 300 ms.
  toolServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      toolRequests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/slow') return void setTimeout(() => res.destroyed || res.end('{}'), 3000).unref();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"eta":"Friday"}');
    });
  });
  await new Promise<void>((r) => toolServer.listen(0, '127.0.0.1', r));
  const toolUrl = `http://127.0.0.1:${(toolServer.address() as AddressInfo).port}`;
  standIn = await startOpenAiRealtimeStandIn({ apiKey: VENDOR_KEY, vad: { silenceMs: 200 } });
  twilio = await startFakeProviderApi('twilio');
  product = await ProductProcess.start();
  const credentialId = await createRealtimeCredential(product, standIn);
  setup = await setupProvider(product, twilio, {
    engine: {
      type: 'realtime',
      llm: { vendor: 'openai', credential_id: credentialId, model: 'gpt-realtime' },
      prompt: 'You are the front desk. Answer briefly.',
      endpointing: { silence_ms: 200 },
      tools: {
        to_desk: { type: 'transfer_call', target: TRANSFER_TARGET, announcement: ANNOUNCEMENT },
        lookup: {
          type: 'http',
          description: 'Looks an order up',
          parameters: { type: 'object', properties: { order: { type: 'string' } }, required: ['order'] },
          url: `${toolUrl}/orders`,
          headers: { 'X-Api-Key': TOOL_SECRET },
        },
        slow: { type: 'http', description: 'A slow system', parameters: { type: 'object' }, url: `${toolUrl}/slow`, timeout_ms: 300 },
      },
    },
  });
});

afterEach(async () => {
  await Promise.all(calls.splice(0).map((c) => c.client.close(1000, '', 500).catch(() => undefined)));
});

afterAll(async () => {
  await product?.stop();
  await twilio?.close();
  await standIn?.close();
  toolServer?.closeAllConnections();
  await new Promise((r) => toolServer?.close(r));
});

/** A call whose vendor session is configured (so a key press goes straight to the model). */
async function call(): Promise<{ c: ProviderCall; from: number }> {
  const updates = standIn.events.filter((e) => e.type === 'session.update').length;
  const c = await startPlayoutCall(product, twilio, setup, calls);
  await standIn.waitForEvent('session.update', updates + 1);
  return { c, from: standIn.events.length };
}

/** Client events of `type` the stand-in received since index `from`. */
const eventsSince = (from: number, type: string): RecordedRealtimeEvent[] => standIn.events.slice(from).filter((e) => e.type === type);
const callPath = (c: ProviderCall) => `/2010-04-01/Accounts/${twilio.accountId}/Calls/${c.info.callId}.json`;
const hangupOf = (c: ProviderCall) => twilio.requests.find((r) => r.method === 'POST' && r.path === callPath(c) && r.body.includes('Status=completed'));

describe('realtime engine key presses and tools', () => {
  it('a key press reaches the model as a line of the conversation; the model answers it and the run keeps both', async () => {
    standIn.scriptResponse({ audioMs: 300, transcript: ['You pressed five.'] });
    const { c, from } = await call();
    c.client.sendDtmf('5');
    await expect.poll(() => eventsSince(from, 'response.create').length, { timeout: 5000 }).toBe(1);
    expect(eventsSince(from, 'conversation.item.create').map((e) => e.item)).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: '[The caller pressed 5 on the keypad]' }] },
    ]);
    await expect.poll(() => receivedMulawMs(c), { timeout: 5000 }).toBe(300);
    await new Promise((r) => setTimeout(r, 400)); // the reply's mark is acknowledged once played
    await c.client.hangup();
    expect(await finalRun(product, c.runId)).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    const transcript = (await runEvents(product, c.runId)).filter((e) => e.type === 'transcript').map((e) => [e.data.role, e.data.text]);
    expect(transcript).toEqual([
      ['caller', '[The caller pressed 5 on the keypad]'],
      ['agent', 'You pressed five.'],
    ]);
  });

  it('transfer_call: the announcement is played, then the provider transfers to the configured target', async () => {
    standIn.scriptResponse({ functionCall: { name: 'to_desk', arguments: '{"reason":"wants a person"}', callId: 'call_transfer' } }, { audioMs: 600, transcript: [ANNOUNCEMENT] });
    const { c, from } = await call();
    c.client.sendDtmf('0');
    let receivedAtTransfer = -1;
    await expect
      .poll(
        () => {
          const found = twilio.transfers.some((t) => t.callId === c.info.callId);
          if (found && receivedAtTransfer < 0) receivedAtTransfer = receivedMulawMs(c);
          return found;
        },
        { timeout: 6000, interval: 10 },
      )
      .toBe(true);
    // The model called the tool without a word: it was asked to say the announcement, heard in full before the transfer.
    expect(eventsSince(from, 'response.create').map((e) => e.response)).toEqual([undefined, { instructions: sayInstructions(ANNOUNCEMENT), tool_choice: 'none' }]);
    expect(eventsSince(from, 'conversation.item.create').at(-1)?.item).toEqual({ type: 'function_call_output', call_id: 'call_transfer', output: '{"ok":true}' });
    expect(receivedAtTransfer).toBe(600);
    expect(twilio.transfers.filter((t) => t.callId === c.info.callId)).toEqual([{ callId: c.info.callId, target: TRANSFER_TARGET }]);
    expect(await finalRun(product, c.runId)).toMatchObject({ state: 'completed', end_reason: 'transfer' });
    expect(hangupOf(c)).toBeUndefined();
    const events = await runEvents(product, c.runId);
    expect(events.filter((e) => e.type === 'tool_call').map((e) => e.data)).toEqual([{ name: 'to_desk', arguments: { reason: 'wants a person' }, result: { ok: true } }]);
    // The target never went to the model.
    expect(JSON.stringify(standIn.events)).not.toContain('+15550009');
  });

  it('an HTTP tool: the request carries its secret header, the answer goes back to the model as the function output, the model speaks the reply', async () => {
    standIn.scriptResponse({ functionCall: { name: 'lookup', arguments: '{"order":"A1"}', callId: 'call_lookup' } }, { audioMs: 400, transcript: ['It ships on Friday.'] });
    const { c, from } = await call();
    const requests = toolRequests.length;
    c.client.sendDtmf('#');
    await expect.poll(() => eventsSince(from, 'response.create').length, { timeout: 5000 }).toBe(2);
    expect(toolRequests.slice(requests)).toEqual([expect.objectContaining({ method: 'POST', url: '/orders', body: '{"order":"A1"}', headers: expect.objectContaining({ 'x-api-key': TOOL_SECRET }) })]);
    // The output, then a response about it.
    const sent = standIn.events.slice(from).filter((e) => e.type === 'conversation.item.create' || e.type === 'response.create');
    expect(sent.slice(-2)).toEqual([
      { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_lookup', output: '{"eta":"Friday"}' } },
      { type: 'response.create' },
    ]);
    await expect.poll(() => receivedMulawMs(c), { timeout: 5000 }).toBe(400);
    await new Promise((r) => setTimeout(r, 500)); // the reply's mark is acknowledged once played
    await c.client.hangup();
    expect(await finalRun(product, c.runId)).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    const events = await runEvents(product, c.runId);
    expect(events.filter((e) => e.type === 'tool_call').map((e) => e.data)).toEqual([{ name: 'lookup', arguments: { order: 'A1' }, result: { eta: 'Friday' } }]);
    expect(events.filter((e) => e.type === 'transcript' && e.data.role === 'agent').map((e) => e.data.text)).toEqual(['It ships on Friday.']);
    // The secret header is in no log line, never went to the model, and is write-only over the API.
    expect(product.output.join('')).not.toContain(TOOL_SECRET);
    expect(JSON.stringify(standIn.events)).not.toContain(TOOL_SECRET);
    const agent = await product.api('GET', `/agents/${setup.agentUuid}`);
    expect(JSON.stringify(agent.body)).not.toContain(TOOL_SECRET);
    expect(agent.body.engine_secrets_set).toEqual(['tools.lookup.headers.X-Api-Key']);
  });

  it('an HTTP tool that times out is reported to the model, which speaks about it; the call goes on', async () => {
    standIn.scriptResponse({ functionCall: { name: 'slow', arguments: '{}', callId: 'call_slow' } }, { audioMs: 300, transcript: ['Our system is slow today.'] });
    const { c, from } = await call();
    c.client.sendDtmf('#');
    await expect.poll(() => eventsSince(from, 'response.create').length, { timeout: 5000 }).toBe(2);
    const output = eventsSince(from, 'conversation.item.create').at(-1)?.item as { type: string; call_id: string; output: string };
    expect(output).toMatchObject({ type: 'function_call_output', call_id: 'call_slow' });
    expect(output.output).toContain('did not answer within 300 ms');
    await expect.poll(() => receivedMulawMs(c), { timeout: 5000 }).toBe(300);
    expect((await product.api('GET', `/runs/${c.runId}`)).body.state).toBe('running');
    const events = await runEvents(product, c.runId);
    expect(events.filter((e) => e.type === 'tool_call').map((e) => e.data)).toEqual([{ name: 'slow', arguments: {}, error: 'timeout' }]);
    await c.client.hangup();
    expect(await finalRun(product, c.runId)).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
  });
});
