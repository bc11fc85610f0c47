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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sayInstructions } from '@vr3/engine-realtime';
import type { RecordedRealtimeEvent } from '@vr3/vendors/testing';
import { runEvents } from '../harness/bridge.ts';
import { receivedMulawMs, useRealtimeSuite } from '../harness/realtime.ts';
import { finalRun, type ProviderCall } from '../harness/providers.ts';
import { startToolServer, type ToolServer } from '../harness/tool-server.ts';

const TRANSFER_TARGET = '<Response><Dial>+15550009</Dial></Response>';
const ANNOUNCEMENT = 'Please hold while I transfer you to the front desk.';
let tool: ToolServer;
beforeAll(async () => {
  tool = await startToolServer();
});
afterAll(async () => {
  await tool?.close();
});

const s = useRealtimeSuite({
  engine: (credentialId) => ({
    type: 'realtime',
    llm: { vendor: 'openai', credential_id: credentialId, model: 'gpt-realtime' },
    prompt: 'You are the front desk. Answer briefly.',
    endpointing: { silence_ms: 200 },
    tools: {
      to_desk: { type: 'transfer_call', target: TRANSFER_TARGET, announcement: ANNOUNCEMENT },
      ...tool.tools(),
    },
  }),
});

/** A call whose vendor session is configured (so a key press goes straight to the model). */
async function call(): Promise<{ c: ProviderCall; from: number }> {
  const updates = s.standIn.events.filter((e) => e.type === 'session.update').length;
  const c = await s.call({ running: true });
  await s.standIn.waitForEvent('session.update', updates + 1);
  return { c, from: s.standIn.events.length };
}

/** Client events of `type` the stand-in received since index `from`. */
const eventsSince = (from: number, type: string): RecordedRealtimeEvent[] => s.standIn.events.slice(from).filter((e) => e.type === type);
const callPath = (c: ProviderCall) => `/2010-04-01/Accounts/${s.twilio.accountId}/Calls/${c.info.callId}.json`;
const hangupOf = (c: ProviderCall) => s.twilio.requests.find((r) => r.method === 'POST' && r.path === callPath(c) && r.body.includes('Status=completed'));

describe('realtime engine key presses and tools', () => {
  it('a key press reaches the model as a line of the conversation; the model answers it and the run keeps both', async () => {
    s.standIn.scriptResponse({ audioMs: 300, transcript: ['You pressed five.'] });
    const { c, from } = await call();
    c.client.sendDtmf('5');
    await expect.poll(() => eventsSince(from, 'response.create').length, { timeout: 5000 }).toBe(1);
    expect(eventsSince(from, 'conversation.item.create').map((e) => e.item)).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: '[The caller pressed 5 on the keypad]' }] },
    ]);
    await expect.poll(() => receivedMulawMs(c), { timeout: 5000 }).toBe(300);
    await new Promise((r) => setTimeout(r, 400)); // the reply's mark is acknowledged once played
    await c.client.hangup();
    expect(await finalRun(s.product, c.runId)).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    const transcript = (await runEvents(s.product, c.runId)).filter((e) => e.type === 'transcript').map((e) => [e.data.role, e.data.text]);
    expect(transcript).toEqual([
      ['caller', '[The caller pressed 5 on the keypad]'],
      ['agent', 'You pressed five.'],
    ]);
  });

  it('transfer_call: the announcement is played, then the provider transfers to the configured target', async () => {
    s.standIn.scriptResponse({ functionCall: { name: 'to_desk', arguments: '{"reason":"wants a person"}', callId: 'call_transfer' } }, { audioMs: 600, transcript: [ANNOUNCEMENT] });
    const { c, from } = await call();
    c.client.sendDtmf('0');
    let receivedAtTransfer = -1;
    await expect
      .poll(
        () => {
          const found = s.twilio.transfers.some((t) => t.callId === c.info.callId);
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
    expect(s.twilio.transfers.filter((t) => t.callId === c.info.callId)).toEqual([{ callId: c.info.callId, target: TRANSFER_TARGET }]);
    expect(await finalRun(s.product, c.runId)).toMatchObject({ state: 'completed', end_reason: 'transfer' });
    expect(hangupOf(c)).toBeUndefined();
    const events = await runEvents(s.product, c.runId);
    expect(events.filter((e) => e.type === 'tool_call').map((e) => e.data)).toEqual([{ name: 'to_desk', arguments: { reason: 'wants a person' }, result: { ok: true } }]);
    // The target never went to the model.
    expect(JSON.stringify(s.standIn.events)).not.toContain('+15550009');
  });

  it('an HTTP tool: the request carries its secret header, the answer goes back to the model as the function output, the model speaks the reply', async () => {
    s.standIn.scriptResponse({ functionCall: { name: 'lookup', arguments: '{"order":"A1"}', callId: 'call_lookup' } }, { audioMs: 400, transcript: ['It ships on Friday.'] });
    const { c, from } = await call();
    const requests = tool.requests.length;
    c.client.sendDtmf('#');
    await expect.poll(() => eventsSince(from, 'response.create').length, { timeout: 5000 }).toBe(2);
    expect(tool.requests.slice(requests)).toEqual([expect.objectContaining({ method: 'POST', url: '/orders', body: '{"order":"A1"}', headers: expect.objectContaining({ 'x-api-key': tool.secret }) })]);
    // The output, then a response about it.
    const sent = s.standIn.events.slice(from).filter((e) => e.type === 'conversation.item.create' || e.type === 'response.create');
    expect(sent.slice(-2)).toEqual([
      { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_lookup', output: '{"eta":"Friday"}' } },
      { type: 'response.create' },
    ]);
    await expect.poll(() => receivedMulawMs(c), { timeout: 5000 }).toBe(400);
    await new Promise((r) => setTimeout(r, 500)); // the reply's mark is acknowledged once played
    await c.client.hangup();
    expect(await finalRun(s.product, c.runId)).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    const events = await runEvents(s.product, c.runId);
    expect(events.filter((e) => e.type === 'tool_call').map((e) => e.data)).toEqual([{ name: 'lookup', arguments: { order: 'A1' }, result: { eta: 'Friday' } }]);
    expect(events.filter((e) => e.type === 'transcript' && e.data.role === 'agent').map((e) => e.data.text)).toEqual(['It ships on Friday.']);
    // The secret header is in no log line, never went to the model, and is write-only over the API.
    expect(s.product.output.join('')).not.toContain(tool.secret);
    expect(JSON.stringify(s.standIn.events)).not.toContain(tool.secret);
    const agent = await s.product.api('GET', `/agents/${s.setup.agentUuid}`);
    expect(JSON.stringify(agent.body)).not.toContain(tool.secret);
    expect(agent.body.engine_secrets_set).toEqual(['tools.lookup.headers.X-Api-Key']);
  });

  it('an HTTP tool that times out is reported to the model, which speaks about it; the call goes on', async () => {
    s.standIn.scriptResponse({ functionCall: { name: 'slow', arguments: '{}', callId: 'call_slow' } }, { audioMs: 300, transcript: ['Our system is slow today.'] });
    const { c, from } = await call();
    c.client.sendDtmf('#');
    await expect.poll(() => eventsSince(from, 'response.create').length, { timeout: 5000 }).toBe(2);
    const output = eventsSince(from, 'conversation.item.create').at(-1)?.item as { type: string; call_id: string; output: string };
    expect(output).toMatchObject({ type: 'function_call_output', call_id: 'call_slow' });
    expect(output.output).toContain('did not answer within 300 ms');
    await expect.poll(() => receivedMulawMs(c), { timeout: 5000 }).toBe(300);
    expect((await s.product.api('GET', `/runs/${c.runId}`)).body.state).toBe('running');
    const events = await runEvents(s.product, c.runId);
    expect(events.filter((e) => e.type === 'tool_call').map((e) => e.data)).toEqual([{ name: 'slow', arguments: {}, error: 'timeout' }]);
    await c.client.hangup();
    expect(await finalRun(s.product, c.runId)).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
  });
});
