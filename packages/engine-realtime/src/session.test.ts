import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EngineError } from '@vr3/agent';
import { ManualClock, RecordingIO, testSessionContext } from '@vr3/agent/testing';
import type { MediaFormat } from '@vr3/protocol';
import { connectOpenAiRealtime } from '@vr3/vendors';
import { startOpenAiRealtimeStandIn, type OpenAiRealtimeStandIn, type RecordedRealtimeEvent } from '@vr3/vendors/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRealtimeEngine, type RealtimeEngineOptions } from './engine.ts';
import { FAREWELL_INSTRUCTIONS, REPROMPT_INSTRUCTIONS, sayInstructions } from './instructions.ts';
import { RealtimeSession } from './session.ts';
import type { RealtimeRuntimeConfig } from './spec.ts';

const ID = '0b9f3c1e-7a41-4d55-9d2b-2f5c8f0e6a11';
const MULAW: MediaFormat = { encoding: 'mulaw', sampleRate: 8000 };
let standIn: OpenAiRealtimeStandIn;
const sessions: RealtimeSession[] = [];

beforeEach(async () => {
  standIn = await startOpenAiRealtimeStandIn({ vad: { silenceMs: 200 } });
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close({ endReason: 'caller_hangup' })));
  await standIn.close();
});

/** The credential's `base_url` for the stand-in (`http://127.0.0.1:<port>`). */
const baseUrl = (): string => standIn.url.replace('ws://', 'http://').replace('/v1/realtime', '');

function config(extra: Partial<RealtimeRuntimeConfig> = {}): RealtimeRuntimeConfig {
  return {
    type: 'realtime',
    llm: { vendor: 'openai', credential_id: ID, model: 'gpt-realtime', voice: 'marin', api_key: standIn.apiKey, base_url: baseUrl(), address_policy: 'any' },
    prompt: 'You answer the phone for {{called_number}} on behalf of {{customer}}.',
    ...extra,
  };
}

/** A started session of the engine on the stand-in, for a call in `callerFormat`. */
async function start(cfg: RealtimeRuntimeConfig, callerFormat: MediaFormat = MULAW, engine: RealtimeEngineOptions = {}) {
  const ctx = testSessionContext(cfg, { to: '+15550001', callerFormat, initialContext: { customer: 'Ada' } });
  const s = createRealtimeEngine(engine).createSession(ctx) as RealtimeSession;
  sessions.push(s);
  const io = new RecordingIO(s.format);
  io.attach(s);
  await s.start(io);
  return { s, io, ctx };
}

/** `ms` of loud (speech for the stand-in's energy VAD) or silent 8 kHz μ-law, in 20 ms frames. */
function mulawFrames(ms: number, loud: boolean): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let t = 0; t < ms; t += 20) {
    const frame = new Uint8Array(160).fill(0xff);
    if (loud) for (let i = 0; i < frame.length; i++) frame[i] = i % 2 === 0 ? 0x10 : 0x90;
    frames.push(frame);
  }
  return frames;
}

/** The caller says something: `speechMs` of speech, then enough silence for the server VAD. */
function speak(s: RealtimeSession, speechMs = 400): void {
  for (const f of [...mulawFrames(speechMs, true), ...mulawFrames(300, false)]) s.onAudio(f);
}

/** Speech over the agent: `speechMs` of it, then until VR3 has paused the agent (its `session.update`). */
async function speakOver(s: RealtimeSession, speechMs: number): Promise<void> {
  const updates = events('session.update').length;
  for (const f of mulawFrames(speechMs, true)) s.onAudio(f);
  await standIn.waitForEvent('session.update', updates + 1);
}

/** Enough silence for the stand-in's server VAD to end the speech. */
function silence(s: RealtimeSession): void {
  for (const f of mulawFrames(300, false)) s.onAudio(f);
}

const events = (type: string): RecordedRealtimeEvent[] => standIn.events.filter((e) => e.type === type);
/** `turn_detection` of the `n`-th `session.update`. */
const turnDetection = (n: number): Record<string, unknown> | undefined => (events('session.update')[n - 1]?.session as any)?.audio?.input?.turn_detection;
/** Transcript events as emitted (with their times). */
const transcriptEvents = (io: RecordingIO) => io.events.filter((e) => e.type === 'transcript').map((e) => e.data as Record<string, unknown>);
/** Transcript events without their times (which the cases on a fake clock check). */
const transcripts = (io: RecordingIO) => transcriptEvents(io).map(({ start_ms: _start, end_ms: _end, ...line }) => line);

describe('RealtimeSession on the Realtime stand-in', () => {
  it('configures a μ-law call for pass-through: pcmu both ways, rendered instructions, voice, server VAD, tools', async () => {
    const { s } = await start(
      config({
        tools: { end_call: { type: 'end_call' }, to_reception: { type: 'transfer_call', target: '+15550009' } },
        endpointing: { silence_ms: 350 },
        vad: { threshold: 0.6, prefix_padding_ms: 200 },
        transcription: { model: 'gpt-4o-mini-transcribe' },
        language: 'en',
      }),
    );
    expect(s.format).toEqual(MULAW);
    expect(standIn.upgrades[0]).toMatchObject({ path: '/v1/realtime', model: 'gpt-realtime', authorized: true });
    const update = await standIn.waitForEvent('session.update');
    expect(update.session).toMatchObject({
      type: 'realtime',
      instructions: 'You answer the phone for +15550001 on behalf of Ada.',
      audio: {
        input: {
          format: { type: 'audio/pcmu' },
          // VR3 decides barge-in itself (a pause first): the vendor never cancels on speech alone.
          turn_detection: { type: 'server_vad', threshold: 0.6, prefix_padding_ms: 200, silence_duration_ms: 350, create_response: true, interrupt_response: false },
          transcription: { model: 'gpt-4o-mini-transcribe', language: 'en' },
        },
        output: { format: { type: 'audio/pcmu' }, voice: 'marin' },
      },
    });
    expect((update.session.tools as Array<{ name: string }>).map((t) => t.name)).toEqual(['end_call', 'to_reception']);
    expect(JSON.stringify(update)).not.toContain('+15550009'); // the transfer target stays with us
    expect(events('response.create')).toEqual([]); // no greeting configured
  });

  it('passes μ-law bytes through untouched both ways', async () => {
    const { s, io } = await start(config());
    await standIn.waitForEvent('session.update');
    const caller = Uint8Array.from({ length: 480 }, (_, i) => (i * 37) % 256);
    for (let off = 0; off < caller.length; off += 160) s.onAudio(caller.subarray(off, off + 160));
    await standIn.waitForEvent('input_audio_buffer.append', 3);
    const appended = Buffer.concat(events('input_audio_buffer.append').map((e) => Buffer.from(e.audio as string, 'base64')));
    expect(appended).toEqual(Buffer.from(caller));
    const agent = Buffer.from(Uint8Array.from({ length: 800 }, (_, i) => (i * 91 + 7) % 256));
    standIn.sendEvent({ type: 'response.output_audio.delta', response_id: 'resp_x', item_id: 'item_x', output_index: 0, content_index: 0, delta: agent.toString('base64') });
    await expect.poll(() => io.audioBytes().length).toBe(800);
    expect(io.audioBytes()).toEqual(agent);
  });

  it('runs any other call at PCM16 24 kHz', async () => {
    const { s } = await start(config(), { encoding: 'pcm16le', sampleRate: 16_000 });
    expect(s.format).toEqual({ encoding: 'pcm16le', sampleRate: 24_000 });
    const update = await standIn.waitForEvent('session.update');
    expect(update.session.audio).toMatchObject({ input: { format: { type: 'audio/pcm', rate: 24_000 } }, output: { format: { type: 'audio/pcm', rate: 24_000 } } });
  });

  it('greets through response.create with instructions; the agent transcript is kept once the greeting was heard', async () => {
    standIn.scriptResponse({ audioMs: 400, transcript: ['Hello, ', 'Ada!'] });
    const { io } = await start(config({ greeting: 'Hello, {{customer}}!' }));
    const create = await standIn.waitForEvent('response.create');
    expect(create.response).toEqual({ instructions: sayInstructions('Hello, Ada!') });
    await expect.poll(() => io.audioBytes().length).toBe(400 * 8);
    await expect.poll(() => io.marks.length).toBe(1);
    expect(transcripts(io)).toEqual([]); // not heard yet
    io.ackMarks();
    expect(transcripts(io)).toEqual([{ role: 'agent', text: 'Hello, Ada!', final: true }]);
  });

  it('a caller turn: server VAD → reply audio, caller transcript, first-audio latency metric', async () => {
    standIn.scriptInputTranscript('what are your hours');
    standIn.scriptResponse({ audioMs: 300, transcript: ['Nine to five.'] });
    const { s, io } = await start(config({ transcription: { model: 'gpt-4o-mini-transcribe' } }));
    speak(s);
    await expect.poll(() => io.audioBytes().length).toBe(300 * 8);
    await expect.poll(() => io.marks.length).toBe(1);
    io.ackMarks();
    expect(transcripts(io)).toEqual([
      { role: 'caller', text: 'what are your hours', final: true },
      { role: 'agent', text: 'Nine to five.', final: true },
    ]);
    const metric = io.events.find((e) => e.type === 'metric');
    expect(metric?.data).toMatchObject({ name: 'first_audio_sent_ms', unit: 'ms' });
    expect((metric?.data as { value: number }).value).toBeGreaterThanOrEqual(0);
  });

  it('barge-in: pauses at the speech onset; speech of min_duration_ms truncates the item at what the caller heard and gets its own reply', async () => {
    standIn.scriptResponse({ audioMs: 2000, transcript: ['One two three four ', 'five six seven eight.'] });
    const { s, io } = await start(config({ greeting: 'Count to eight.', endpointing: { silence_ms: 200 } }));
    // Handed to the edge only 1 s ahead of playback; the rest waits here.
    await expect.poll(() => io.audioBytes().length).toBe(1000 * 8);
    io.play(700); // the caller heard 700 ms of the greeting's 2000
    await expect.poll(() => io.audioBytes().length).toBe(1700 * 8);
    const before = io.audioBytes().length;
    await speakOver(s, 700);
    // Paused at the onset: the provider cleared, the vendor told not to answer on its own; nothing cut yet.
    expect(io.clears).toBe(1);
    expect(turnDetection(2)).toMatchObject({ create_response: false, interrupt_response: false });
    expect(events('conversation.item.truncate')).toEqual([]);
    silence(s);
    const truncate = await standIn.waitForEvent('conversation.item.truncate');
    expect(truncate).toMatchObject({ content_index: 0, audio_end_ms: 700 });
    expect(String(truncate.item_id)).toMatch(/^item_standin_/);
    // The run keeps what was heard, marked interrupted, beside the whole reply; the vendor accepted the truncation.
    expect(transcripts(io)).toEqual([{ role: 'agent', text: 'One two three', final: true, interrupted: true, reply: 'One two three four five six seven eight.' }]);
    // The caller's turn then gets its own reply: asked for by VR3, the vendor answering on its own again after it.
    await standIn.waitForEvent('response.create', 2);
    expect(turnDetection(3)).toMatchObject({ create_response: true });
    await expect.poll(() => io.audioBytes().length).toBe(before + 300 * 8);
    expect(io.failures).toEqual([]);
    expect(events('conversation.item.truncate')).toHaveLength(1);
    expect(events('response.cancel')).toEqual([]); // the greeting had been streamed in full
  });

  it('a false interruption: speech shorter than min_duration_ms pauses the agent, which resumes where the caller stopped hearing it', async () => {
    const { s, io } = await start(config({ endpointing: { silence_ms: 200 } }));
    await standIn.waitForEvent('session.update');
    // 2 s of agent audio with distinct bytes, so the resumed position shows.
    const agent = Buffer.from(Uint8Array.from({ length: 2000 * 8 }, (_, i) => (i * 7 + (i >> 8)) % 251));
    const where = { response_id: 'resp_r', item_id: 'item_r', output_index: 0, content_index: 0 };
    standIn.sendEvent({ type: 'response.created', response: { id: 'resp_r' } });
    standIn.sendEvent({ type: 'response.output_audio_transcript.delta', ...where, delta: 'We open at nine and close at five.' });
    for (let off = 0; off < agent.length; off += 800) standIn.sendEvent({ type: 'response.output_audio.delta', ...where, delta: agent.subarray(off, off + 800).toString('base64') });
    standIn.sendEvent({ type: 'response.done', response: { id: 'resp_r', status: 'completed', output: [] } });
    await expect.poll(() => io.audioBytes().length).toBe(1000 * 8);
    io.play(600);
    await expect.poll(() => io.audioBytes().length).toBe(1600 * 8);
    await speakOver(s, 200);
    expect(io.clears).toBe(1);
    silence(s);
    // Resumed from 600 ms: what is sent again continues the agent's audio from there, to its end.
    for (let i = 0; i < 40 && io.audioBytes().length < 3000 * 8; i++) {
      io.play(500);
      await new Promise((r) => setTimeout(r, 25));
    }
    const received = io.audioBytes();
    expect(received.length).toBe(1600 * 8 + 1400 * 8);
    expect(received.subarray(1600 * 8)).toEqual(agent.subarray(600 * 8));
    await expect.poll(() => turnDetection(3)).toMatchObject({ create_response: true });
    // Nothing was cut, cancelled or answered; the item is heard in full.
    expect(events('conversation.item.truncate')).toEqual([]);
    expect(events('response.cancel')).toEqual([]);
    expect(events('response.create')).toEqual([]);
    await expect.poll(() => io.marks).toEqual(['realtime-item:1:item_r']); // of the pause's generation
    io.ackMarks();
    expect(transcripts(io)).toEqual([{ role: 'agent', text: 'We open at nine and close at five.', final: true }]);
  });

  it('speech too short to interrupt whose transcript has words interrupts after all; without words the agent resumes', async () => {
    standIn.scriptResponse({ audioMs: 2000, transcript: ['One two three four ', 'five six seven eight.'] }, { audioMs: 2000 });
    standIn.scriptInputTranscript('', 'No.');
    const cfg = config({ greeting: 'Count.', endpointing: { silence_ms: 200 }, transcription: { model: 'gpt-4o-mini-transcribe' } });
    const { s, io } = await start(cfg);
    await expect.poll(() => io.audioBytes().length).toBe(1000 * 8);
    io.play(300);
    await expect.poll(() => io.audioBytes().length).toBe(1300 * 8);
    // A noise: transcribed to nothing; the agent resumes.
    await speakOver(s, 200);
    silence(s);
    await expect.poll(() => io.audioBytes().length).toBe(1300 * 8 + 1000 * 8);
    io.play(300);
    // "No.": as short, but words.
    await speakOver(s, 200);
    silence(s);
    expect((await standIn.waitForEvent('conversation.item.truncate')).audio_end_ms).toBe(600);
    await standIn.waitForEvent('response.create', 2);
    expect(io.clears).toBe(2);
    expect(transcripts(io)).toEqual([
      { role: 'caller', text: 'No.', final: true },
      { role: 'agent', text: 'One two', final: true, interrupted: true, reply: 'One two three four five six seven eight.' },
    ]);
  });

  it('barge-in while the reply still streams: the response is cancelled once the speech lasted min_duration_ms', async () => {
    standIn.scriptResponse({ audioMs: 3000, chunkDelayMs: 100, transcript: ['A long answer.'] });
    const { s, io } = await start(config({ greeting: 'Long.', endpointing: { silence_ms: 200 }, interruption: { min_duration_ms: 300 } }));
    await expect.poll(() => io.audioBytes().length, { timeout: 3000 }).toBeGreaterThanOrEqual(400 * 8);
    await speakOver(s, 400);
    silence(s);
    const cancel = await standIn.waitForEvent('response.cancel');
    expect(String(cancel.response_id)).toMatch(/^resp_standin_/);
    await standIn.waitForEvent('conversation.item.truncate');
    await standIn.waitForEvent('response.create', 2);
    expect(io.failures).toEqual([]);
  });

  it('the vendor answering a noise on its own (its speech ended before the pause reached it): that reply is cancelled, the agent resumes', async () => {
    standIn.scriptResponse({ audioMs: 2000 }, { audioMs: 1000, chunkDelayMs: 100, transcript: ['Sorry?'] });
    const { s, io } = await start(config({ greeting: 'Hi.', endpointing: { silence_ms: 200 } }));
    await expect.poll(() => io.audioBytes().length).toBe(1000 * 8);
    io.play(500);
    await expect.poll(() => io.audioBytes().length).toBe(1500 * 8);
    standIn.ignoreEvents('session.update'); // the pause's update never takes effect
    for (const f of [...mulawFrames(200, true), ...mulawFrames(300, false)]) s.onAudio(f);
    // The vendor's own reply (VR3 asked only for the greeting) is cancelled as soon as it starts.
    expect(String((await standIn.waitForEvent('response.cancel')).response_id)).toMatch(/^resp_standin_/);
    expect(events('response.create')).toHaveLength(1);
    for (let i = 0; i < 40 && io.audioBytes().length < 3000 * 8; i++) {
      io.play(500);
      await new Promise((r) => setTimeout(r, 25));
    }
    // The greeting's rest only: 1500 ms before the pause, its last 1500 ms after it; none of the cancelled reply.
    expect(io.audioBytes().length).toBe(3000 * 8);
    expect(events('conversation.item.truncate')).toEqual([]);
    expect(io.failures).toEqual([]);
  });

  it('min_duration_ms 0: any speech over the agent cuts it off at the onset, and the vendor cancels the response', async () => {
    standIn.scriptResponse({ audioMs: 2000, transcript: ['One two three four ', 'five six seven eight.'] });
    const { s, io } = await start(config({ greeting: 'Count.', endpointing: { silence_ms: 200 }, interruption: { min_duration_ms: 0 } }));
    await standIn.waitForEvent('session.update');
    expect(turnDetection(1)).toMatchObject({ create_response: true, interrupt_response: true });
    await expect.poll(() => io.audioBytes().length).toBe(1000 * 8);
    io.play(700);
    for (const f of mulawFrames(100, true)) s.onAudio(f);
    expect((await standIn.waitForEvent('conversation.item.truncate')).audio_end_ms).toBe(700);
    expect(io.clears).toBe(1);
    expect(events('session.update')).toHaveLength(1); // no pause
  });

  it('a vendor that leaves session.update unanswered fails the call within the reply deadline, naming the event', async () => {
    standIn.ignoreEvents('session.update');
    const startedAt = performance.now();
    const { io } = await start(config(), MULAW, { replyTimeoutMs: 300 });
    await expect.poll(() => io.failures.length).toBe(1);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(290);
    expect(io.failures[0]).toMatchObject({ code: 'agent_error', message: 'realtime: openai realtime failed (vendor_timeout: no session.updated within 300 ms)' });
    expect(io.events.find((e) => e.type === 'log')?.data).toMatchObject({ level: 'error', vendor: 'openai', vendor_code: 'vendor_timeout' });
  });

  it('a vendor that leaves response.create unanswered fails the call; the reply deadline defaults to the handshake timeout', async () => {
    standIn.ignoreEvents('response.create');
    const { io } = await start(config({ greeting: 'Hi.' }), MULAW, { client: { handshakeTimeoutMs: 300 } });
    await expect.poll(() => io.failures.length).toBe(1);
    expect(io.failures[0]).toMatchObject({ message: 'realtime: openai realtime failed (vendor_timeout: no response.created within 300 ms)' });
  });

  it('barge-in with interruption disabled: nothing is cleared or truncated', async () => {
    standIn.scriptResponse({ audioMs: 1000 });
    const { s, io } = await start(config({ greeting: 'Hi.', interruption: { enabled: false } }));
    const update = await standIn.waitForEvent('session.update');
    expect((update.session.audio as any).input.turn_detection.interrupt_response).toBe(false);
    await expect.poll(() => io.audioBytes().length).toBe(1000 * 8);
    speak(s);
    await standIn.waitForEvent('response.create', 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(io.clears).toBe(0);
    expect(events('conversation.item.truncate')).toEqual([]);
  });

  it('end_call: answers the function call, hangs up only once the goodbye was heard', async () => {
    standIn.scriptResponse({ audioMs: 300, transcript: ['Goodbye!'], functionCall: { name: 'end_call', arguments: '{"reason":"done"}', callId: 'call_end' } });
    const { io } = await start(config({ greeting: 'Say bye.', tools: { end_call: { type: 'end_call' } } }));
    await expect.poll(() => io.marks).toEqual([expect.stringMatching(/^realtime-item:/), 'realtime-action']);
    expect(io.events.find((e) => e.type === 'tool_call')?.data).toEqual({ name: 'end_call', arguments: { reason: 'done' }, result: { ok: true } });
    const output = await standIn.waitForEvent('conversation.item.create');
    expect(output.item).toEqual({ type: 'function_call_output', call_id: 'call_end', output: '{"ok":true}' });
    expect(events('response.create')).toHaveLength(1); // the greeting's; no reply to the call's output
    expect(io.hangups).toEqual([]);
    io.ackMarks();
    expect(io.hangups).toEqual(['end_call']);
    expect(transcripts(io)).toEqual([{ role: 'agent', text: 'Goodbye!', final: true }]);
  });

  it('end_call without a word: the configured goodbye (else a farewell) is asked for first, then the call ends after it', async () => {
    standIn.scriptResponse({ functionCall: { name: 'hang_up', arguments: '{}' } }, { audioMs: 200, transcript: ['Bye now.'] });
    const { io } = await start(config({ greeting: 'Hello.', tools: { hang_up: { type: 'end_call', goodbye: 'Thanks for calling, bye!' } } }));
    const farewell = await standIn.waitForEvent('response.create', 2);
    expect(farewell.response).toEqual({ instructions: sayInstructions('Thanks for calling, bye!'), tool_choice: 'none' });
    await expect.poll(() => io.marks.at(-1)).toBe('realtime-action');
    expect(io.audioBytes().length).toBe(200 * 8);
    io.ackMarks();
    expect(io.hangups).toEqual(['end_call']);
  });

  it('end_call without a word and no goodbye configured: the model is asked for short last words', async () => {
    standIn.scriptResponse({ functionCall: { name: 'end_call', arguments: '{}' } }, { audioMs: 100 });
    const { io } = await start(config({ greeting: 'Hello.', tools: { end_call: { type: 'end_call' } } }));
    expect((await standIn.waitForEvent('response.create', 2)).response).toEqual({ instructions: FAREWELL_INSTRUCTIONS, tool_choice: 'none' });
    await expect.poll(() => io.marks.at(-1)).toBe('realtime-action');
  });

  it('an HTTP tool: the arguments go to its URL, the answer back to the model, which then speaks', async () => {
    const requests: Array<{ method: string; url: string; body: string; auth: string | undefined }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        requests.push({ method: req.method!, url: req.url!, body, auth: req.headers.authorization });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"open":"9 to 5"}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hours`;
      standIn.scriptResponse({ functionCall: { name: 'opening_hours', arguments: '{"day":"monday"}', callId: 'call_h' } }, { audioMs: 200, transcript: ['Nine to five.'] });
      const tools = { opening_hours: { type: 'http' as const, description: 'Opening hours', parameters: { type: 'object', properties: { day: { type: 'string' } } }, url, headers: { Authorization: 'Bearer tool-s3cr3t' } } };
      const { io } = await start(config({ greeting: 'Hi.', tools }));
      const output = await standIn.waitForEvent('conversation.item.create');
      expect(output.item).toEqual({ type: 'function_call_output', call_id: 'call_h', output: '{"open":"9 to 5"}' });
      expect(requests).toEqual([{ method: 'POST', url: '/hours', body: '{"day":"monday"}', auth: 'Bearer tool-s3cr3t' }]);
      await standIn.waitForEvent('response.create', 2); // the model speaks about the answer
      await expect.poll(() => io.audioBytes().length).toBe(200 * 8);
      expect(io.events.find((e) => e.type === 'tool_call')?.data).toEqual({ name: 'opening_hours', arguments: { day: 'monday' }, result: { open: '9 to 5' } });
      expect(JSON.stringify(io.events)).not.toContain('tool-s3cr3t');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('transfer_call hands the call to the configured target after the last words; an unknown function gets an error output', async () => {
    standIn.scriptResponse(
      { functionCall: { name: 'lookup_order', arguments: '{"id":' } },
      { audioMs: 200, transcript: ['Transferring you.'], functionCall: { name: 'transfer_call', arguments: '{"reason":"billing"}' } },
    );
    const { io } = await start(config({ greeting: 'Hello.', tools: { transfer_call: { type: 'transfer_call', target: '<Dial>+15550009</Dial>' } } }));
    await expect.poll(() => io.marks.at(-1)).toBe('realtime-action');
    const calls = io.events.filter((e) => e.type === 'tool_call').map((e) => e.data);
    expect(calls).toEqual([
      { name: 'lookup_order', arguments: '{"id":', error: 'unknown tool' },
      { name: 'transfer_call', arguments: { reason: 'billing' }, result: { ok: true } },
    ]);
    expect((await standIn.waitForEvent('conversation.item.create')).item).toMatchObject({ output: '{"error":"unknown tool"}' });
    io.ackMarks();
    expect(io.transfers).toEqual(['<Dial>+15550009</Dial>']);
    expect(io.hangups).toEqual([]);
  });

  it('a key press goes to the model as a user line, and the model answers it', async () => {
    standIn.scriptResponse({ audioMs: 100 });
    const { s, io } = await start(config());
    await standIn.waitForEvent('session.update');
    s.onDtmf('5');
    const item = await standIn.waitForEvent('conversation.item.create');
    expect(item.item).toEqual({ type: 'message', role: 'user', content: [{ type: 'input_text', text: '[The caller pressed 5 on the keypad]' }] });
    await standIn.waitForEvent('response.create');
    await expect.poll(() => io.audioBytes().length).toBe(100 * 8);
    expect(transcripts(io)).toEqual([{ role: 'caller', text: '[The caller pressed 5 on the keypad]', final: true }]);
    expect(io.failures).toEqual([]);
  });

  it('a vendor error event ends the call agent_error, naming the vendor and its code', async () => {
    standIn.scriptResponse({ error: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist' } });
    const { io } = await start(config({ greeting: 'Hi.' }));
    await expect.poll(() => io.failures.length).toBe(1);
    expect(io.failures[0]).toBeInstanceOf(EngineError);
    expect(io.failures[0]).toMatchObject({ code: 'agent_error', message: 'realtime: openai realtime failed (vendor_error model_not_found)' });
    expect(io.events.find((e) => e.type === 'log')?.data).toMatchObject({ level: 'error', vendor: 'openai', vendor_code: 'model_not_found' });
  });

  it('a race the vendor refuses (a response already active) does not end the call', async () => {
    const { io } = await start(config());
    standIn.sendEvent({ type: 'error', error: { type: 'invalid_request_error', code: 'conversation_already_has_active_response', message: 'busy' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(io.failures).toEqual([]);
  });

  it('a refused connect (401, 503) ends the call agent_error with the status; the key is never in the message', async () => {
    const wrong = { ...config(), llm: { ...config().llm, api_key: 'sk-wrong-key-123456789' } };
    const { io } = await start(wrong);
    expect(io.failures[0]).toMatchObject({ code: 'agent_error', message: 'realtime: openai realtime failed (vendor_rejected 401)' });
    expect(io.events.find((e) => e.type === 'log')?.data).toMatchObject({ vendor: 'openai', status: 401 });
    expect(JSON.stringify(io.events)).not.toContain('sk-wrong');
    standIn.rejectUpgrades(503);
    const { io: io2 } = await start(config());
    expect(io2.failures[0]).toMatchObject({ code: 'agent_error', message: 'realtime: openai realtime failed (vendor_unavailable 503)' });
  });

  it('a call that ends while the session connects is no failure; close() stops the audio held back', async () => {
    const ctx = testSessionContext(config(), { callerFormat: MULAW });
    const s = createRealtimeEngine().createSession(ctx) as RealtimeSession;
    const io = new RecordingIO(s.format);
    io.attach(s);
    const started = s.start(io);
    ctx.controller.abort();
    await started; // the connect fails (aborted) before the edge gets to close the session
    await s.close({ endReason: 'caller_hangup' });
    expect(io.failures).toEqual([]);
    expect(io.events).toEqual([]);
    await expect.poll(() => standIn.openConnections).toBe(0);

    standIn.scriptResponse({ audioMs: 3000 });
    const { s: other, io: io2 } = await start(config({ greeting: 'Hi.' }));
    await expect.poll(() => io2.audioBytes().length).toBe(1000 * 8);
    await other.close({ endReason: 'caller_hangup' });
    io2.play(1000);
    await new Promise((r) => setTimeout(r, 100));
    expect(io2.audioBytes().length).toBe(1000 * 8);
  });

  it('the vendor dropping the socket ends the call; close() closes the vendor session', async () => {
    const { io } = await start(config());
    await standIn.waitForEvent('session.update');
    standIn.dropConnections(1011);
    await expect.poll(() => io.failures.length).toBe(1);
    expect(io.failures[0]).toMatchObject({ code: 'agent_error', message: 'realtime: openai realtime failed (vendor_closed)' });
    const { s: other } = await start(config());
    await expect.poll(() => standIn.openConnections).toBe(1);
    await other.close({ endReason: 'caller_hangup' });
    await expect.poll(() => standIn.openConnections).toBe(0);
  });
});

describe('RealtimeSession silence', () => {
  /** A started session whose silence clocks run on `clock` (its `now` too). */
  async function startSilent(silence: RealtimeRuntimeConfig['silence'], extra: Partial<RealtimeRuntimeConfig> = {}) {
    const clock = new ManualClock();
    const ctx = testSessionContext(config({ silence, ...extra }), { to: '+15550001', initialContext: { customer: 'Ada' } });
    const s = new RealtimeSession({
      ctx,
      timers: clock.timers,
      now: clock.now,
      connect: ({ signal, onEvent }) => connectOpenAiRealtime({ url: standIn.url, apiKey: standIn.apiKey, model: 'gpt-realtime', vendor: 'openai', addressPolicy: 'any', signal, onEvent }),
    });
    sessions.push(s);
    const io = new RecordingIO(s.format);
    io.attach(s);
    await s.start(io);
    return { s, io, clock };
  }
  const logs = (io: RecordingIO) => io.events.filter((e) => e.type === 'log').map((e) => e.data);

  it('re-prompts through the model once nobody spoke for reprompt_after_s; after hangup_after_s in all, the goodbye is heard, then the call ends', async () => {
    standIn.scriptResponse({ audioMs: 400, transcript: ['Are you still there?'] }, { audioMs: 300, transcript: ['Bye for now.'] });
    const { s, io, clock } = await startSilent({ reprompt_after_s: 2, hangup_after_s: 3.5, goodbye: 'Bye for now.' });
    // No greeting: the clocks run from the start.
    expect(clock.pending()).toEqual([2000, 3500]);
    clock.advance(2000);
    expect((await standIn.waitForEvent('response.create')).response).toEqual({ instructions: REPROMPT_INSTRUCTIONS });
    await expect.poll(() => io.marks.length).toBe(1);
    expect(io.audioBytes().length).toBe(400 * 8);
    // The reprompt is still playing: not silence. Its mark says it was heard; the hang-up clock goes on from 2 s.
    expect(clock.pending()).toEqual([400]);
    io.ackMarks();
    expect(clock.pending()).toEqual([1500]);
    expect(transcripts(io)).toEqual([{ role: 'agent', text: 'Are you still there?', final: true }]);
    clock.advance(1500);
    expect((await standIn.waitForEvent('response.create', 2)).response).toEqual({ instructions: sayInstructions('Bye for now.'), tool_choice: 'none' });
    await expect.poll(() => io.marks.at(-1)).toBe('realtime-action');
    expect(io.hangups).toEqual([]);
    io.ackMarks();
    expect(io.hangups).toEqual(['silence']);
    expect(logs(io)).toEqual([
      { level: 'info', message: 'caller silent: reprompt', after_s: 2 },
      { level: 'info', message: 'caller silent: the agent hangs up', after_s: 3.5 },
    ]);
    // The caller's audio no longer goes to the model once the call is ending.
    const appended = events('input_audio_buffer.append').length;
    silence(s);
    expect(events('input_audio_buffer.append')).toHaveLength(appended);
  });

  it('the clocks wait for the greeting to be heard on the playback clock; caller speech and key presses stop them; the configured reprompt is said as it is', async () => {
    standIn.scriptResponse({ audioMs: 400, transcript: ['Hello.'] }, { audioMs: 200, transcript: ['Yes?'] }, { audioMs: 200, transcript: ['Five.'] });
    const { s, io, clock } = await startSilent({ reprompt_after_s: 2, reprompt: 'Hello, anyone there?' }, { greeting: 'Hello.' });
    expect(clock.pending()).toEqual([]);
    await expect.poll(() => io.marks.length).toBe(1);
    // Handed over, not yet heard: the session looks again once it should have played, and waits on.
    expect(clock.pending()).toEqual([400]);
    clock.advance(400);
    expect(clock.pending()).toEqual([400]);
    io.play(400);
    clock.advance(400);
    expect(clock.pending()).toEqual([2000]);
    // The caller speaks: the clocks stop; the model answers, and once that was heard they run again.
    speak(s);
    await expect.poll(() => io.marks.length).toBe(2);
    expect(clock.pending()).toEqual([200]);
    io.ackMarks();
    expect(clock.pending()).toEqual([2000]);
    s.onDtmf('5');
    expect(clock.pending()).toEqual([]);
    await expect.poll(() => io.marks.length).toBe(3);
    io.ackMarks();
    expect(clock.pending()).toEqual([2000]);
    clock.advance(2000);
    expect((await standIn.waitForEvent('response.create', 3)).response).toEqual({ instructions: sayInstructions('Hello, anyone there?') });
    expect(io.hangups).toEqual([]);
  });

  it('without silence durations nothing is timed', async () => {
    standIn.scriptResponse({ audioMs: 200 });
    const { io, clock } = await startSilent({ reprompt: 'Hello?' }, { greeting: 'Hi.' });
    await expect.poll(() => io.marks.length).toBe(1);
    io.ackMarks();
    expect(clock.pending()).toEqual([]);
  });
});

describe('RealtimeSession record', () => {
  /** A started session whose clock is `clock`, started 5 s into it (transcript times count from the start). */
  async function startTimed(extra: Partial<RealtimeRuntimeConfig> = {}) {
    const clock = new ManualClock();
    clock.advance(5000);
    const ctx = testSessionContext(config(extra), { to: '+15550001', initialContext: { customer: 'Ada' } });
    const s = new RealtimeSession({
      ctx,
      timers: clock.timers,
      now: clock.now,
      connect: ({ signal, onEvent }) => connectOpenAiRealtime({ url: standIn.url, apiKey: standIn.apiKey, model: 'gpt-realtime', vendor: 'openai', addressPolicy: 'any', signal, onEvent }),
    });
    sessions.push(s);
    const io = new RecordingIO(s.format);
    io.attach(s);
    await s.start(io);
    await standIn.waitForEvent('session.update');
    return { s, io, clock };
  }
  /** Caller audio in real time: each 20 ms frame goes out as the clock reaches its end. */
  const sendTimed = (s: RealtimeSession, clock: ManualClock, frames: Uint8Array[]): void => {
    for (const f of frames) {
      clock.advance(20);
      s.onAudio(f);
    }
  };
  const USAGE_1 = { input_tokens: 120, output_tokens: 40, input_token_details: { text_tokens: 100, audio_tokens: 20 }, output_token_details: { text_tokens: 10, audio_tokens: 30 } };
  const USAGE_2 = { input_tokens: 150, output_tokens: 25, input_token_details: { text_tokens: 110, audio_tokens: 40 }, output_token_details: { text_tokens: 5, audio_tokens: 20 } };

  it('times every line on the session clock and leaves the conversation and the token usage on the run at close', async () => {
    standIn.scriptInputTranscript('what are your hours');
    standIn.scriptResponse({ audioMs: 300, transcript: ['Nine to five.'], usage: USAGE_1 }, { audioMs: 100, transcript: ['Five.'], usage: USAGE_2 });
    const { s, io, clock } = await startTimed({ transcription: { model: 'gpt-4o-mini-transcribe' }, endpointing: { silence_ms: 200 } });
    // 400 ms of silence, 400 ms of speech, then silence until the VAD ends the turn (200 ms of it, at 1000).
    sendTimed(s, clock, [...mulawFrames(400, false), ...mulawFrames(400, true), ...mulawFrames(300, false)]);
    // The reply's audio is handed over at 1100; the caller has heard it all by 1400.
    await expect.poll(() => io.audioBytes().length).toBe(300 * 8);
    await expect.poll(() => io.marks.length).toBe(1);
    clock.advance(300);
    io.ackMarks();
    // A key press at 1900, answered.
    clock.advance(500);
    s.onDtmf('5');
    await expect.poll(() => io.marks.length).toBe(2);
    await expect.poll(() => events('response.create').length).toBe(1);
    const lines = [
      { role: 'caller', text: 'what are your hours', start_ms: 400, end_ms: 1000 },
      { role: 'agent', text: 'Nine to five.', start_ms: 1100, end_ms: 1400 },
      { role: 'caller', text: '[The caller pressed 5 on the keypad]', start_ms: 1900, end_ms: 1900 },
    ];
    expect(transcriptEvents(io)).toEqual(lines.map((l) => ({ ...l, final: true })));
    expect(io.contexts).toEqual([]);
    // The call ends with the answer to the key heard up to its end: it goes on the run as it was heard.
    clock.advance(100);
    io.play(100);
    await s.close({ endReason: 'caller_hangup' });
    const agentLast = { role: 'agent', text: 'Five.', start_ms: 1900, end_ms: 2000 };
    expect(transcriptEvents(io).at(-1)).toEqual({ ...agentLast, final: true });
    expect(io.contexts).toEqual([
      { usage: { llm_prompt_tokens: 270, llm_completion_tokens: 65, llm_prompt_audio_tokens: 60, llm_completion_audio_tokens: 50 } },
      { transcript: [...lines, agentLast] },
    ]);
  });

  it('an interrupted agent line ends when the caller stopped hearing it, with the whole reply beside what was heard', async () => {
    standIn.scriptResponse({ audioMs: 2000, transcript: ['One two three four ', 'five six seven eight.'] });
    const { s, io, clock } = await startTimed({ greeting: 'Count to eight.', endpointing: { silence_ms: 200 } });
    await expect.poll(() => io.audioBytes().length).toBe(1000 * 8);
    clock.advance(700);
    io.play(700);
    // The caller speaks over the agent at 700: the agent is paused there, and cut once the speech ended 1 s later.
    await speakOver(s, 700);
    clock.advance(1000);
    silence(s);
    await standIn.waitForEvent('conversation.item.truncate');
    const heard = { role: 'agent', text: 'One two three', start_ms: 0, end_ms: 700, interrupted: true, reply: 'One two three four five six seven eight.' };
    expect(transcriptEvents(io)).toEqual([{ ...heard, final: true }]);
    await s.close({ endReason: 'caller_hangup' });
    const [usage, transcript] = io.contexts as [{ usage: Record<string, number> }, { transcript: unknown[] }];
    expect(transcript.transcript[0]).toEqual(heard);
    // Without a scripted usage the stand-in counts the replies' tokens.
    expect(usage.usage.llm_completion_tokens).toBeGreaterThan(0);
    expect(usage.usage.llm_completion_audio_tokens).toBeGreaterThan(0);
    expect(usage.usage.llm_prompt_tokens).toBeGreaterThan(0);
  });
});
