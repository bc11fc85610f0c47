/**
 * The `realtime` engine through the embedded product: Twilio-style μ-law calls (the fake Twilio
 * media client, acknowledging marks as it plays) to an agent whose model is the OpenAI Realtime
 * stand-in on 127.0.0.1 (a service credential with its `base_url`; the product runs with
 * VR3_ALLOW_INSECURE_PROVIDER_URLS=true). μ-law passes through untouched both ways; the caller
 * hears the greeting and the reply; barge-in clears the provider and truncates the item at what
 * was heard; a short noise over the agent only pauses it, and it resumes; `end_call` hangs up
 * after the goodbye; a vendor failure fails the run.
 */
import { describe, expect, it } from 'vitest';
import { runEvents } from '../harness/bridge.ts';
import { receivedMulawMs as heardMs, sayMulaw as say, useRealtimeSuite } from '../harness/realtime.ts';
import { finalRun, type ProviderCall } from '../harness/providers.ts';


const s = useRealtimeSuite({
  engine: (credentialId) => ({
    type: 'realtime',
    llm: { vendor: 'openai', credential_id: credentialId, model: 'gpt-realtime', voice: 'marin' },
    prompt: 'You are the front desk of {{called_number}}.',
    greeting: 'Hello, front desk.',
    tools: { end_call: { type: 'end_call' } },
    transcription: { model: 'gpt-4o-mini-transcribe' },
    endpointing: { silence_ms: 200 },
  }),
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const call = (): Promise<ProviderCall> => s.call();

describe('realtime engine', () => {
  it('μ-law passes through both ways; the caller hears the greeting and the reply; the run keeps transcripts and latency', async () => {
    s.standIn.scriptInputTranscript('what are your hours');
    s.standIn.scriptResponse({ audioMs: 400, transcript: ['Hello, ', 'front desk.'] }, { audioMs: 300, transcript: ['Nine to five.'] });
    const c = await call();
    const create = await s.standIn.waitForEvent('response.create', 1);
    expect(create.response).toMatchObject({ instructions: expect.stringContaining('"Hello, front desk."') });
    const update = s.standIn.events.find((e) => e.type === 'session.update')!;
    expect(update.session).toMatchObject({ instructions: `You are the front desk of ${c.info.to}.`, audio: { input: { format: { type: 'audio/pcmu' } }, output: { format: { type: 'audio/pcmu' }, voice: 'marin' } } });
    expect(s.standIn.upgrades.at(-1)).toMatchObject({ model: 'gpt-realtime', authorized: true });

    // The greeting: 400 ms of the stand-in's tone.
    await expect.poll(() => c.client.receivedAudio().length, { timeout: 5000 }).toBe(3200);

    // Agent → caller: the vendor's μ-law bytes reach the provider untouched.
    const agentBytes = Buffer.from(Uint8Array.from({ length: 1600 }, (_, i) => (i * 91 + 7) % 256));
    s.standIn.sendEvent({ type: 'response.output_audio.delta', response_id: 'resp_raw', item_id: 'item_raw', output_index: 0, content_index: 0, delta: agentBytes.toString('base64') });
    await expect.poll(() => c.client.receivedAudio().length, { timeout: 5000 }).toBe(4800);
    expect(c.client.receivedAudio().subarray(3200)).toEqual(agentBytes);

    // Caller → vendor: quiet μ-law of every value class, appended untouched.
    const before = s.standIn.receivedAudioBytes;
    const callerBytes = Buffer.from(Uint8Array.from({ length: 800 }, (_, i) => (i % 2 === 0 ? 0xf0 : 0x70) | (i * 7) % 16));
    for (let off = 0; off < callerBytes.length; off += 160) c.client.sendAudio(callerBytes.subarray(off, off + 160));
    await expect.poll(() => s.standIn.receivedAudioBytes - before, { timeout: 5000 }).toBe(800);
    const appended = Buffer.concat(s.standIn.events.filter((e) => e.type === 'input_audio_buffer.append').map((e) => Buffer.from(e.audio as string, 'base64')));
    expect(appended.subarray(appended.length - 800)).toEqual(callerBytes);

    // The caller speaks; the server VAD ends the turn; the reply (300 ms) is heard.
    await say(c, 400, true);
    await say(c, 400, false);
    await expect.poll(() => c.client.receivedAudio().length, { timeout: 5000 }).toBe(4800 + 2400);
    await sleep(400); // the reply's mark is acknowledged once played

    await c.client.hangup();
    const run = await finalRun(s.product, c.runId);
    expect(run).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    const events = await runEvents(s.product, c.runId);
    const said = [
      ['agent', 'Hello, front desk.'],
      ['caller', 'what are your hours'],
      ['agent', 'Nine to five.'],
    ];
    const transcripts = events.filter((e) => e.type === 'transcript');
    expect(transcripts.map((e) => [e.data.role, e.data.text])).toEqual(said);
    for (const e of transcripts) expect(e.data.start_ms).toBeLessThanOrEqual(e.data.end_ms);
    // The run keeps the conversation and the model's tokens.
    const lines = run.gathered_context.transcript as Array<{ role: string; text: string; start_ms: number; end_ms: number }>;
    expect(lines.map((l) => [l.role, l.text])).toEqual(said);
    for (let i = 1; i < lines.length; i++) expect(lines[i]!.start_ms).toBeGreaterThanOrEqual(lines[i - 1]!.start_ms);
    const usage = run.gathered_context.usage as Record<string, number>;
    for (const tokens of ['llm_prompt_tokens', 'llm_completion_tokens', 'llm_completion_audio_tokens']) expect(usage[tokens]).toBeGreaterThan(0);
    const latency = events.find((e) => e.type === 'metric' && e.data.name === 'first_audio_sent_ms');
    expect(latency?.data.value).toBeGreaterThanOrEqual(0);
    expect(latency?.data.value).toBeLessThan(1000);
    // Neither the key nor what was said is in the product's log.
    const output = s.product.output.join('');
    for (const secret of [s.vendorKey, 'what are your hours', 'Nine to five']) expect(output).not.toContain(secret);
  });

  it('barge-in: the provider is told to clear at once, and speech of 500 ms truncates the item at what the caller heard', async () => {
    s.standIn.scriptResponse({ audioMs: 4000, transcript: ['One two three four five six seven eight nine ten.'] });
    const truncates = s.standIn.events.filter((e) => e.type === 'conversation.item.truncate').length;
    const c = await call();
    await expect.poll(() => heardMs(c), { timeout: 5000 }).toBeGreaterThanOrEqual(1000);
    const atSpeech = heardMs(c);
    await say(c, 700, true);
    // Paused at the onset; cut once the speech ended, having lasted the agent's min_duration_ms (500).
    expect(c.client.clears).toBe(1);
    await say(c, 300, false);
    const truncate = await s.standIn.waitForEvent('conversation.item.truncate', truncates + 1);
    const atTruncate = heardMs(c);
    expect(c.client.clears).toBe(1);
    // The caller had heard about what the provider received, less what it still buffered.
    expect(truncate.audio_end_ms).toBeGreaterThanOrEqual(atSpeech - 500);
    expect(truncate.audio_end_ms).toBeLessThanOrEqual(atTruncate);
    expect(truncate.audio_end_ms).toBeLessThan(4000);

    await c.client.hangup();
    expect(await finalRun(s.product, c.runId)).toMatchObject({ state: 'completed' });
    const agent = (await runEvents(s.product, c.runId)).find((e) => e.type === 'transcript' && e.data.role === 'agent');
    expect(agent?.data).toMatchObject({ interrupted: true });
    expect('One two three four five six seven eight nine ten.'.startsWith(agent?.data.text)).toBe(true);
    expect(agent?.data.text.length).toBeLessThan(40);
  });

  it('a false interruption: a short noise over the agent pauses it, then it resumes where the caller stopped hearing it', async () => {
    const greeting = 'We open at nine and close at five on weekdays.';
    s.standIn.scriptResponse({ audioMs: 3000, transcript: [greeting] });
    s.standIn.scriptInputTranscript(''); // the noise has no words
    const creates = s.standIn.events.filter((e) => e.type === 'response.create').length;
    const truncates = s.standIn.events.filter((e) => e.type === 'conversation.item.truncate').length;
    const c = await call();
    await expect.poll(() => heardMs(c), { timeout: 5000 }).toBeGreaterThanOrEqual(2000);
    await say(c, 200, true);
    expect(c.client.clears).toBe(1);
    await say(c, 300, false);
    // The agent plays on to the end of its greeting, from where it stopped: what reaches the caller
    // again is only what the provider had buffered and dropped (not the 2 s already received).
    await expect.poll(() => heardMs(c), { timeout: 8000 }).toBeGreaterThanOrEqual(3000);
    await sleep(600); // the greeting's mark is acknowledged once played
    expect(heardMs(c)).toBeLessThan(3000 + 1500);
    expect(c.client.clears).toBe(1);
    // Nothing was cut, and the noise got no reply: VR3 asked for the greeting only.
    expect(s.standIn.events.filter((e) => e.type === 'conversation.item.truncate')).toHaveLength(truncates);
    expect(s.standIn.events.filter((e) => e.type === 'response.create')).toHaveLength(creates + 1);

    await c.client.hangup();
    expect(await finalRun(s.product, c.runId)).toMatchObject({ state: 'completed' });
    const transcript = (await runEvents(s.product, c.runId)).filter((e) => e.type === 'transcript').map((e) => e.data);
    expect(transcript.map(({ start_ms: _start, end_ms: _end, ...line }) => line)).toEqual([{ role: 'agent', text: greeting, final: true }]);
    // Heard to its end across the pause: from its first audio to the end of its 3 s (and the pause).
    expect(transcript[0].end_ms - transcript[0].start_ms).toBeGreaterThanOrEqual(2900);
  });

  it('end_call hangs up once the goodbye was played', async () => {
    s.standIn.scriptResponse({ audioMs: 600, transcript: ['Goodbye!'], functionCall: { name: 'end_call', arguments: '{"reason":"caller is done"}' } });
    const c = await call();
    const hangupPath = `/2010-04-01/Accounts/${s.twilio.accountId}/Calls/${c.info.callId}.json`;
    const hangup = () => s.twilio.requests.find((r) => r.method === 'POST' && r.path === hangupPath);
    await expect.poll(hangup, { timeout: 5000 }).toBeDefined();
    // Hung up only after the whole goodbye reached the caller.
    expect(c.client.receivedAudio().length).toBe(600 * 8);
    const run = await finalRun(s.product, c.runId);
    expect(run).toMatchObject({ state: 'completed', end_reason: 'agent_hangup' });
    const events = await runEvents(s.product, c.runId);
    expect(events.find((e) => e.type === 'tool_call')?.data).toEqual({ name: 'end_call', arguments: { reason: 'caller is done' }, result: { ok: true } });
    expect(events.filter((e) => e.type === 'transcript').map((e) => e.data.text)).toEqual(['Goodbye!']);
  });

  it('a vendor failure ends the call failed / agent_error, naming the vendor and status', async () => {
    s.standIn.rejectUpgrades(503);
    try {
      const c = await call();
      expect(await finalRun(s.product, c.runId)).toMatchObject({ state: 'failed', end_reason: 'agent_error' });
      const log = (await runEvents(s.product, c.runId)).find((e) => e.type === 'log' && e.data.level === 'error');
      expect(log?.data).toMatchObject({ vendor: 'openai', status: 503, message: 'realtime: openai realtime failed (vendor_unavailable 503)' });
    } finally {
      s.standIn.rejectUpgrades(null);
    }
    // An error event mid-call does too.
    s.standIn.scriptResponse({ error: { type: 'invalid_request_error', code: 'model_not_found', message: 'no such model' } });
    const c = await call();
    expect(await finalRun(s.product, c.runId)).toMatchObject({ state: 'failed', end_reason: 'agent_error' });
    const log = (await runEvents(s.product, c.runId)).find((e) => e.type === 'log' && e.data.level === 'error');
    expect(log?.data).toMatchObject({ vendor: 'openai', vendor_code: 'model_not_found' });
    expect(s.product.output.join('')).not.toContain(s.vendorKey);
  });
});
