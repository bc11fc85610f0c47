import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EngineError } from '@vr3/agent';
import { RecordingIO, testSessionContext } from '@vr3/agent/testing';
import type { Vad } from '@vr3/vad';
import { createScriptedVad } from '@vr3/vad/testing';
import { OpenAiCompatibleClient } from '@vr3/vendors';
import { startOpenAiCompatibleStandIn, type OpenAiCompatibleStandIn } from '@vr3/vendors/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VOICE_SAMPLE_RATE, VoiceSession } from './session.ts';
import { probabilityVad, speak, talkOver, timedTranscripts, transcripts } from './session-test-kit.ts';
import { VOICE_DEFAULTS, type VoiceRuntimeConfig } from './spec.ts';

const KEY = 'sk-session-test-s3cr3t';
const ID = '0b9f3c1e-7a41-4d55-9d2b-2f5c8f0e6a11';
let vendor: OpenAiCompatibleStandIn;

beforeEach(async () => {
  vendor = await startOpenAiCompatibleStandIn({ apiKey: KEY, speech: { msPerChar: 10 } });
});
afterEach(async () => {
  await vendor.close();
});

function config(extra: Partial<VoiceRuntimeConfig> = {}): VoiceRuntimeConfig {
  const cred = { credential_id: ID, api_key: KEY, base_url: vendor.url, address_policy: 'any' as const };
  return {
    type: 'voice',
    stt: { vendor: 'openai', model: 'whisper-1', ...cred },
    llm: { model: 'gpt-4o-mini', ...cred },
    tts: { vendor: 'openai', model: 'tts-1', voice: 'alloy', ...cred },
    prompt: 'Agent of {{called_number}} for {{customer}}.',
    ...extra,
  };
}

/** A session on the stand-in whose VAD reports speech at 200–800 ms of caller audio (or as `vad` says). */
function session(cfg: VoiceRuntimeConfig, vad: Vad = createScriptedVad({ sampleRate: VOICE_SAMPLE_RATE, speech: [{ startMs: 200, endMs: 800 }] }), now?: () => number) {
  const ctx = testSessionContext(cfg, { to: '+15550001', initialContext: { customer: 'Ada' } });
  const client = new OpenAiCompatibleClient({ baseUrl: vendor.url, apiKey: KEY, addressPolicy: 'any' });
  const s = new VoiceSession({
    ctx,
    clients: { stt: client, llm: client, tts: client },
    vad: { createVad: () => Promise.resolve(vad) },
    ...(now === undefined ? {} : { now }),
  });
  const io = new RecordingIO(s.format);
  io.attach(s);
  return { s, io, ctx };
}

describe('VoiceSession', () => {
  it('greets, then turns an utterance into a transcript, a streamed reply spoken sentence by sentence, and latency metrics', async () => {
    vendor.scriptTranscription({ text: ' what time is it ' });
    vendor.scriptChat({ text: ['It is ', 'three now. ', 'Anything else?'] });
    const { s, io } = session(config({ greeting: 'Hi, {{customer}}!' }));
    await s.start(io);
    speak(s, 1500);
    await vendor.waitForRequests(5, 5000);
    await expect.poll(() => io.events.filter((e) => e.type === 'metric').length).toBe(4);
    // The reply's transcript follows once the caller has heard it (the provider played its marks).
    expect(transcripts(io)).toHaveLength(2);
    io.ackMarks();
    expect(transcripts(io)).toEqual([
      { role: 'agent', text: 'Hi, Ada!', final: true },
      { role: 'caller', text: 'what time is it', final: true },
      { role: 'agent', text: 'It is three now. Anything else?', final: true },
    ]);
    const chat = vendor.requests.find((r) => r.path === '/v1/chat/completions')!.body as { messages: unknown[] };
    expect(chat.messages).toEqual([
      { role: 'system', content: 'Agent of +15550001 for Ada.' },
      { role: 'assistant', content: 'Hi, Ada!' },
      { role: 'user', content: 'what time is it' },
    ]);
    // The utterance: speech 200–800 ms, 300 ms of pre-roll (from the stream's start here) and 300 ms of endpointing, as a 16 kHz WAV.
    const form = vendor.requests.find((r) => r.path === '/v1/audio/transcriptions')!.body as { file: { wav: { sampleRate: number; durationMs: number } } };
    expect(form.file.wav).toMatchObject({ sampleRate: 16_000, durationMs: 1100 });
    // Every character is 10 ms of 24 kHz tone, resampled to 16 kHz.
    const bytes = io.audio.reduce((n, a) => n + a.byteLength, 0);
    const chars = 'Hi, Ada!'.length + 'It is three now.'.length + 'Anything else?'.length;
    expect(Math.abs(bytes / 32 - chars * 10)).toBeLessThan(5);
    expect(s.segments.map((x) => x.text)).toEqual(['It is three now.', 'Anything else?']);
    expect(s.segments[0]!.audioMs).toBeCloseTo(160, 0);
    expect(io.failures).toEqual([]);
    s.close({ endReason: 'caller_hangup' });
  });

  it('ends the call agent_error naming the vendor and status when a vendor fails (after a spoken apology), never its key', async () => {
    vendor.scriptTranscription({ text: 'hello' });
    vendor.scriptChat({ status: 500 });
    const { s, io, ctx } = session(config());
    await s.start(io);
    speak(s, 1500);
    // The LLM failed: the caller hears an apology first; the call fails once it was heard.
    await expect.poll(() => speechInputs(), { timeout: 5000 }).toEqual([VOICE_DEFAULTS.errorApology]);
    expect(io.failures).toEqual([]);
    await playUntil(io, () => io.failures.length > 0);
    expect(io.failures).toHaveLength(1);
    const failure = io.failures[0]!;
    expect(failure).toBeInstanceOf(EngineError);
    expect((failure as EngineError).code).toBe('agent_error');
    expect(failure.message).toMatch(/^llm: openai chat failed \(.*500\)$/);
    expect(io.events.filter((e) => e.type === 'log').map((e) => e.data)).toEqual([{ level: 'error', message: failure.message, vendor: 'openai', vendor_code: expect.any(String), status: 500 }]);
    expect(JSON.stringify(ctx.logger.lines) + failure.message).not.toContain(KEY);
    s.close({ endReason: 'agent_error' });
  });

  it('a chat request that times out, or a failing apology, fails the call at once', async () => {
    vendor.scriptTranscription({ text: 'hello' });
    vendor.scriptChat({ hang: 'before_headers' });
    vendor.scriptSpeech({ status: 503 });
    const fast = new OpenAiCompatibleClient({ baseUrl: vendor.url, apiKey: KEY, addressPolicy: 'any', firstByteTimeoutMs: 300 });
    const timed = new VoiceSession({ ctx: testSessionContext(config()), clients: { stt: fast, llm: fast, tts: fast }, vad: { createVad: () => Promise.resolve(createScriptedVad({ sampleRate: VOICE_SAMPLE_RATE, speech: [{ startMs: 200, endMs: 800 }] })) } });
    const tio = new RecordingIO(timed.format);
    tio.attach(timed);
    await timed.start(tio);
    speak(timed, 1500);
    await expect.poll(() => tio.failures.length, { timeout: 5000 }).toBe(1);
    // The apology's speech request failed too: the call ended with the LLM's failure.
    expect(speechInputs()).toEqual([VOICE_DEFAULTS.errorApology]);
    expect((tio.failures[0] as EngineError).code).toBe('agent_error');
    expect(tio.failures[0]!.message).toMatch(/^llm: openai chat failed \(vendor_(first_byte_)?timeout/);
    timed.close({ endReason: 'agent_error' });
  });

  it('after close, late caller audio and vendor answers do nothing', async () => {
    vendor.scriptTranscription({ text: 'hello', firstByteDelayMs: 200 });
    const { s, io, ctx } = session(config());
    await s.start(io);
    speak(s, 1500);
    await vendor.waitForRequests(1, 2000);
    ctx.controller.abort();
    s.close({ endReason: 'caller_hangup' });
    speak(s, 100);
    await new Promise((r) => setTimeout(r, 300));
    expect(io.failures).toEqual([]);
    expect(io.events).toEqual([]);
  });
});

describe('VoiceSession transcript times', () => {
  it('each line has its span on the session clock: the caller from speech onset to end, the agent from first audio sent to last audio heard', async () => {
    vendor.scriptTranscription({ text: 'what time is it' });
    vendor.scriptChat({ text: ['It is three now.'] });
    // The session's clock moves with the caller's audio: 20 ms a frame.
    let t = 0;
    const { s, io } = session(config({ greeting: 'Hi.' }), probabilityVad([{ startMs: 1000, endMs: 1600 }]), () => t);
    await s.start(io);
    const frame = new Uint8Array((VOICE_SAMPLE_RATE / 1000) * 20 * 2);
    for (let i = 0; i < 1000 && timedTranscripts(io).length < 3; i++) {
      t += 20;
      io.play(20); // the caller hears the agent in real time
      s.onAudio(frame);
      await new Promise((r) => setTimeout(r, 2));
    }
    const [greeting, caller, reply] = timedTranscripts(io);
    expect([greeting?.text, caller?.text, reply?.text]).toEqual(['Hi.', 'what time is it', 'It is three now.']);
    // The greeting (30 ms of audio) from its first audio sent to the frame after which it had all been heard.
    expect(greeting!.end_ms! - greeting!.start_ms!).toBeGreaterThanOrEqual(20);
    expect(greeting!.end_ms!).toBeLessThanOrEqual(caller!.start_ms!);
    // The caller: the VAD's onset (its first 32 ms window of speech) and end of speech.
    expect(caller!.start_ms).toBeGreaterThanOrEqual(960);
    expect(caller!.start_ms).toBeLessThanOrEqual(1024);
    expect(caller!.end_ms).toBeGreaterThanOrEqual(1580);
    expect(caller!.end_ms).toBeLessThanOrEqual(1640);
    // The reply: sent after the caller's turn, heard to its end (160 ms of audio at 20 ms a frame).
    expect(reply!.start_ms).toBeGreaterThan(caller!.end_ms!);
    // The turn ends once the endpointing silence has been classified as silence (the VAD quiet), not
    // a minimum-speech time later: the reply's audio follows the end of speech by the silence, a VAD
    // window and the stand-ins' answers (each real millisecond here is ~10 ms of this clock).
    expect(reply!.start_ms! - caller!.end_ms!).toBeGreaterThanOrEqual(VOICE_DEFAULTS.endpointingSilenceMs);
    expect(reply!.start_ms! - caller!.end_ms!).toBeLessThan(VOICE_DEFAULTS.endpointingSilenceMs + 250);
    expect(reply!.end_ms! - reply!.start_ms!).toBeGreaterThanOrEqual(140);
    expect(reply!.end_ms! - reply!.start_ms!).toBeLessThanOrEqual(200);
    s.close({ endReason: 'caller_hangup' });
    // The run's final transcript is the same lines.
    expect(io.contexts.find((c) => 'transcript' in c)?.transcript).toEqual(timedTranscripts(io).map(({ final: _final, ...line }) => line));
  });

  it('key presses span from the first key to their sending', async () => {
    vendor.scriptChat({ text: ['Noted.'] });
    let t = 0;
    const { s, io } = session(config(), undefined, () => t);
    await s.start(io);
    t = 500;
    s.onDtmf('1');
    t = 900;
    s.onDtmf('#');
    await expect.poll(() => timedTranscripts(io).length, { timeout: 5000 }).toBe(1);
    expect(timedTranscripts(io)[0]).toMatchObject({ role: 'caller', start_ms: 500, end_ms: 900 });
    s.close({ endReason: 'caller_hangup' });
  });
});

describe('VoiceSession barge-in', () => {
  // The caller asks at 200–800 ms; the reply's two sentences are 26 + 27 characters of 60 ms each:
  // 1560 + 1620 ms of audio. From stream time 1500 the caller hears it in real time.
  const REPLY = ['Your order ships tomorrow. ', 'It should arrive by Friday.'];
  const QUESTION = { startMs: 200, endMs: 800 };

  /** Asks the question and waits until the whole reply has been synthesized. */
  async function askAndWait(s: VoiceSession, io: RecordingIO): Promise<void> {
    await s.start(io);
    speak(s, 1500);
    await expect.poll(() => s.segments.reduce((ms, seg) => ms + seg.audioMs, 0), { timeout: 5000 }).toBeGreaterThanOrEqual(3170);
    // Metered: no more than the playout lead (1.5 s) goes out before the caller hears it.
    expect(io.playback.sentMs()).toBeLessThanOrEqual(1600);
  }

  it('clears the agent within 300 ms of the caller speaking over it, aborts the reply, and keeps only the words heard', async () => {
    vendor.scriptTranscription({ text: 'when does my order ship' }, { text: 'what about Sunday' });
    // The reply streams its two sentences, then the LLM keeps the stream open (still generating).
    vendor.scriptChat({ text: [...REPLY.slice(0, 1), `${REPLY[1]!} `, 'Then'], hang: 'mid_stream' }, { text: ['We are closed on Sunday.'] });
    vendor.scriptSpeech({ msPerChar: 60 }, { msPerChar: 60 });
    // The caller speaks over the reply 2040 ms into it, for a second.
    const { s, io, ctx } = session(config(), probabilityVad([QUESTION, { startMs: 3540, endMs: 4540 }]));
    await askAndWait(s, io);
    expect(io.clears).toBe(0);

    const clearedAt = await talkOver(s, io, 1500, 6000);
    // Paused after two 32 ms windows of speech (the frame that completes them), far sooner than min_duration_ms.
    expect(clearedAt).toBe(3620);
    expect(clearedAt! - 3540).toBeLessThanOrEqual(300);
    expect(io.clears).toBe(1);
    // 2120 ms heard: the first sentence and 560 of the second's 1620 ms ("It should" of 27 characters).
    const heard = 'Your order ships tomorrow. It should';
    // What the caller heard, and what the agent was saying (both sentences given to speech).
    expect(transcripts(io)).toContainEqual({ role: 'agent', text: heard, final: true, interrupted: true, reply: 'Your order ships tomorrow. It should arrive by Friday.' });
    const chatIndex = vendor.requests.findIndex((r) => r.path === '/v1/chat/completions');
    await vendor.waitForClientClose(chatIndex, 2000);

    // The caller's words become the next turn; the LLM sees the truncated reply.
    await expect.poll(() => vendor.requests.filter((r) => r.path === '/v1/chat/completions').length, { timeout: 5000 }).toBe(2);
    const next = vendor.requests.filter((r) => r.path === '/v1/chat/completions')[1]!.body as { messages: unknown[] };
    expect(next.messages.slice(1)).toEqual([
      { role: 'user', content: 'when does my order ship' },
      { role: 'assistant', content: heard },
      { role: 'user', content: 'what about Sunday' },
    ]);
    expect(transcripts(io).filter((t) => t.role === 'caller').map((t) => t.text)).toEqual(['when does my order ship', 'what about Sunday']);
    // Transcripts stay out of the log.
    expect(JSON.stringify(ctx.logger.lines)).not.toContain('Your order');
    expect(ctx.logger.lines.find((l) => l.msg === 'caller interrupted the agent')?.obj).toMatchObject({ heard_ms: 2120, speech_ms: 512 });
    expect(io.failures).toEqual([]);
    s.close({ endReason: 'caller_hangup' });
  });

  it('an interruption after the reply was complete truncates its history entry', async () => {
    vendor.scriptTranscription({ text: 'when does my order ship' }, { text: 'thanks' });
    vendor.scriptChat({ text: REPLY }, { text: ['You are welcome.'] });
    vendor.scriptSpeech({ msPerChar: 60 }, { msPerChar: 60 });
    // Speech 600 ms into the reply, paused 80 ms later: 680 of the first sentence's 1560 ms were heard, "Your order".
    const { s, io } = session(config({ interruption: { min_duration_ms: 300 } }), probabilityVad([QUESTION, { startMs: 2100, endMs: 2900 }]));
    await askAndWait(s, io);
    expect(transcripts(io)).toHaveLength(1); // the reply's transcript waits for its playback
    await talkOver(s, io, 1500, 4500);
    expect(io.clears).toBe(1);
    expect(transcripts(io)[1]).toEqual({ role: 'agent', text: 'Your order', final: true, interrupted: true, reply: 'Your order ships tomorrow. It should arrive by Friday.' });
    await expect.poll(() => vendor.requests.filter((r) => r.path === '/v1/chat/completions').length, { timeout: 5000 }).toBe(2);
    const next = vendor.requests.filter((r) => r.path === '/v1/chat/completions')[1]!.body as { messages: Array<{ role: string; content: string }> };
    expect(next.messages.map((m) => m.content)).toEqual([expect.any(String), 'when does my order ship', 'Your order', 'thanks']);
    s.close({ endReason: 'caller_hangup' });
  });

  it('a short noise over the agent pauses it, then it resumes where it stopped (false interruption)', async () => {
    vendor.scriptTranscription({ text: 'when does my order ship' });
    vendor.scriptChat({ text: REPLY });
    vendor.scriptSpeech({ msPerChar: 60 }, { msPerChar: 60 });
    // 150 ms of "speech" 2000 ms into the reply: long enough to pause, too short to interrupt (or for an utterance).
    const { s, io } = session(config(), probabilityVad([QUESTION, { startMs: 3500, endMs: 3650 }]));
    await askAndWait(s, io);
    let chunksBefore = 0;
    const clearedAt = await talkOver(s, io, 1500, 5500, () => (chunksBefore = io.audio.length));
    expect(clearedAt).toBe(3560);
    expect(io.clears).toBe(1);
    // Resumed: what was sent but not heard (from 2060 ms into the reply) is sent again, unchanged,
    // and the caller hears the whole reply once.
    const before = Buffer.concat(io.audio.slice(0, chunksBefore));
    const after = Buffer.concat(io.audio.slice(chunksBefore));
    const discarded = before.subarray(2060 * 32);
    expect(discarded.byteLength).toBeGreaterThan(0);
    expect(after.subarray(0, discarded.byteLength).equals(discarded)).toBe(true);
    const replyMs = s.segments.reduce((ms, seg) => ms + seg.audioMs, 0);
    expect(2060 + after.byteLength / 32).toBeCloseTo(replyMs, 3);
    // Resumed once the caller was quiet for 0.6 s; played to the end: the whole reply is the
    // transcript, not interrupted; nothing else was asked.
    io.ackMarks();
    expect(transcripts(io)).toEqual([
      { role: 'caller', text: 'when does my order ship', final: true },
      { role: 'agent', text: 'Your order ships tomorrow. It should arrive by Friday.', final: true },
    ]);
    expect(vendor.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(1);
    s.close({ endReason: 'caller_hangup' });
  });

  it('interruption.enabled: false lets the agent talk on', async () => {
    vendor.scriptTranscription({ text: 'when does my order ship' }, { text: 'hello?' });
    vendor.scriptChat({ text: REPLY }, { text: ['Yes?'] });
    vendor.scriptSpeech({ msPerChar: 60 }, { msPerChar: 60 });
    const { s, io } = session(config({ interruption: { enabled: false } }), probabilityVad([QUESTION, { startMs: 2000, endMs: 3000 }]));
    await askAndWait(s, io);
    await talkOver(s, io, 1500, 4200);
    expect(io.clears).toBe(0);
    // The caller's words wait for their turn: the reply stays whole.
    await expect.poll(() => transcripts(io).length, { timeout: 5000 }).toBe(3);
    expect(transcripts(io)[1]).toEqual({ role: 'agent', text: 'Your order ships tomorrow. It should arrive by Friday.', final: true });
    expect(transcripts(io).some((t) => t.interrupted === true)).toBe(false);
    s.close({ endReason: 'caller_hangup' });
  });
});

/** A tool endpoint on 127.0.0.1: records each request (headers, body) and answers as `answer` says. */
async function toolServer(answer: (body: string) => { status?: number; body: string; delayMs?: number }) {
  const requests: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string; closed: boolean }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const rec = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, closed: false };
      requests.push(rec);
      res.on('close', () => (rec.closed = !res.writableFinished));
      const a = answer(body);
      const send = () => void (res.destroyed ? undefined : res.writeHead(a.status ?? 200, { 'content-type': 'application/json' }).end(a.body));
      if (a.delayMs) setTimeout(send, a.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

const chatBodies = () => vendor.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as { messages: Array<Record<string, unknown>>; tools?: unknown[] });
const speechInputs = () => vendor.requests.filter((r) => r.path === '/v1/audio/speech').map((r) => (r.body as { input: string }).input);
const toolEvents = (io: RecordingIO) => io.events.filter((e) => e.type === 'tool_call').map((e) => e.data);

/** Acknowledges marks until `done()` holds (the playout places its end mark once the audio went out). */
async function playUntil(io: RecordingIO, done: () => boolean): Promise<void> {
  await expect
    .poll(() => {
      io.ackMarks();
      return done();
    }, { timeout: 5000 })
    .toBe(true);
}

describe('VoiceSession tools', () => {
  it('end_call: the reply is spoken, the call hangs up only once its audio was heard; the model was offered the function', async () => {
    vendor.scriptTranscription({ text: 'that is all, thanks' });
    vendor.scriptChat({ text: ['Thanks for calling, ', 'goodbye.'], toolCalls: [{ name: 'hang_up', arguments: '{"reason":"caller is done"}' }] });
    const { s, io, ctx } = session(config({ tools: { hang_up: { type: 'end_call' } } }));
    await s.start(io);
    speak(s, 1500);
    await expect.poll(() => toolEvents(io).length, { timeout: 5000 }).toBe(1);
    expect(toolEvents(io)).toEqual([{ name: 'hang_up', arguments: { reason: 'caller is done' }, result: { ok: true } }]);
    // All of the goodbye's audio goes out (28 characters of 10 ms), and its end mark; no hangup before it is heard.
    await expect.poll(() => io.audio.reduce((n, a) => n + a.byteLength, 0) / 32, { timeout: 5000 }).toBeGreaterThan(270);
    await expect.poll(() => io.marks.length).toBeGreaterThanOrEqual(2);
    expect(io.hangups).toEqual([]);
    io.ackMarks();
    expect(io.hangups).toEqual(['end_call']);
    expect(transcripts(io).at(-1)).toEqual({ role: 'agent', text: 'Thanks for calling, goodbye.', final: true });
    const [chat] = chatBodies();
    expect(chat!.tools).toEqual([{ type: 'function', function: expect.objectContaining({ name: 'hang_up', parameters: expect.objectContaining({ type: 'object' }) }) }]);
    // Tool arguments stay out of the log.
    expect(JSON.stringify(ctx.logger.lines)).not.toContain('caller is done');
    s.close({ endReason: 'agent_hangup' });
  });

  it('end_call without a word: the tool\'s goodbye is spoken first; caller audio after it starts no turn', async () => {
    vendor.scriptTranscription({ text: 'bye' }, { text: 'wait' });
    vendor.scriptChat({ text: [], toolCalls: [{ name: 'bye', arguments: '{}' }] });
    const { s, io } = session(config({ tools: { bye: { type: 'end_call', goodbye: 'See you soon.' } } }), createScriptedVad({ sampleRate: VOICE_SAMPLE_RATE, speech: [{ startMs: 200, endMs: 800 }, { startMs: 1700, endMs: 2300 }] }));
    await s.start(io);
    speak(s, 1500);
    await expect.poll(() => speechInputs(), { timeout: 5000 }).toEqual(['See you soon.']);
    expect(io.hangups).toEqual([]);
    speak(s, 1500);
    await playUntil(io, () => io.hangups.length > 0);
    expect(io.hangups).toEqual(['end_call']);
    await new Promise((r) => setTimeout(r, 200));
    expect(chatBodies()).toHaveLength(1);
    expect(transcripts(io).at(-1)).toEqual({ role: 'agent', text: 'See you soon.', final: true });
    s.close({ endReason: 'agent_hangup' });
  });

  it('transfer_call: the announcement is spoken, then the call goes to the configured target, which the model never sees', async () => {
    vendor.scriptTranscription({ text: 'a person please' });
    vendor.scriptChat({ text: [], toolCalls: [{ name: 'to_desk', arguments: '' }] });
    const { s, io } = session(config({ tools: { to_desk: { type: 'transfer_call', target: '+15550009' } } }));
    await s.start(io);
    speak(s, 1500);
    await expect.poll(() => speechInputs(), { timeout: 5000 }).toEqual(['Please hold while I transfer your call.']);
    expect(io.transfers).toEqual([]);
    await playUntil(io, () => io.transfers.length > 0);
    expect(io.transfers).toEqual(['+15550009']);
    expect(io.hangups).toEqual([]);
    expect(toolEvents(io)).toEqual([{ name: 'to_desk', arguments: {}, result: { ok: true } }]);
    expect(JSON.stringify(vendor.requests.map((r) => r.body))).not.toContain('+15550009');
    s.close({ endReason: 'transfer' });
  });

  it('an HTTP tool: its secret header and arguments go to the URL, the answer back to the LLM, and the reply continues the turn', async () => {
    const tool = await toolServer(() => ({ body: '{"eta":"Friday"}' }));
    try {
      vendor.scriptTranscription({ text: 'where is order A1' });
      vendor.scriptChat({ text: ['Let me check. '], toolCalls: [{ id: 'call_7', name: 'lookup', arguments: '{"order":"A1"}' }] }, { text: ['It ships ', 'on Friday.'] });
      const { s, io, ctx } = session(
        config({
          tools: {
            lookup: { type: 'http', description: 'Order status', parameters: { type: 'object', properties: { order: { type: 'string' } } }, url: `${tool.url}/orders`, headers: { 'X-Api-Key': 'tool-s3cr3t' } },
          },
        }),
      );
      await s.start(io);
      speak(s, 1500);
      await expect.poll(() => chatBodies().length, { timeout: 5000 }).toBe(2);
      expect(tool.requests).toMatchObject([{ method: 'POST', url: '/orders', body: '{"order":"A1"}', headers: { 'x-api-key': 'tool-s3cr3t', 'content-type': 'application/json' } }]);
      expect(chatBodies()[1]!.messages.slice(1)).toEqual([
        { role: 'user', content: 'where is order A1' },
        { role: 'assistant', content: 'Let me check.', tool_calls: [{ id: 'call_7', type: 'function', function: { name: 'lookup', arguments: '{"order":"A1"}' } }] },
        { role: 'tool', tool_call_id: 'call_7', content: '{"eta":"Friday"}' },
      ]);
      expect(toolEvents(io)).toEqual([{ name: 'lookup', arguments: { order: 'A1' }, result: { eta: 'Friday' } }]);
      await expect.poll(() => speechInputs(), { timeout: 5000 }).toEqual(['Let me check.', 'It ships on Friday.']);
      await playUntil(io, () => transcripts(io).length === 2);
      expect(transcripts(io)[1]).toEqual({ role: 'agent', text: 'Let me check. It ships on Friday.', final: true });
      expect(io.failures).toEqual([]);
      expect(JSON.stringify(ctx.logger.lines)).not.toMatch(/tool-s3cr3t|Friday|A1/);
      s.close({ endReason: 'caller_hangup' });
    } finally {
      await tool.close();
    }
  });

  it('an HTTP tool that times out, and an unknown function, are reported to the LLM; the call goes on', async () => {
    const tool = await toolServer(() => ({ body: '{}', delayMs: 2000 }));
    try {
      vendor.scriptTranscription({ text: 'check it' });
      vendor.scriptChat({ text: [], toolCalls: [{ name: 'slow', arguments: '{}' }, { name: 'nope', arguments: '{"x":1}' }] }, { text: ['Sorry, the system is slow.'] });
      const { s, io } = session(config({ tools: { slow: { type: 'http', description: 'Slow', parameters: { type: 'object' }, url: tool.url, timeout_ms: 200 } } }));
      await s.start(io);
      speak(s, 1500);
      await expect.poll(() => chatBodies().length, { timeout: 5000 }).toBe(2);
      const messages = chatBodies()[1]!.messages;
      expect(messages.slice(-2)).toEqual([
        { role: 'tool', tool_call_id: 'call_0', content: expect.stringContaining('"error":"the tool did not answer within 200 ms"') },
        { role: 'tool', tool_call_id: 'call_1', content: '{"error":"unknown tool"}' },
      ]);
      expect(toolEvents(io)).toEqual([
        { name: 'slow', arguments: {}, error: 'timeout' },
        { name: 'nope', arguments: { x: 1 }, error: 'unknown tool' },
      ]);
      await expect.poll(() => speechInputs(), { timeout: 5000 }).toEqual(['Sorry, the system is slow.']);
      expect(io.failures).toEqual([]);
      expect(io.hangups).toEqual([]);
      s.close({ endReason: 'caller_hangup' });
    } finally {
      await tool.close();
    }
  });

  it('a model that keeps calling tools gets four follow-ups, then the agent apologizes', async () => {
    const tool = await toolServer(() => ({ body: '"again"' }));
    try {
      vendor.scriptTranscription({ text: 'loop' });
      for (let i = 0; i < 6; i++) vendor.scriptChat({ text: [], toolCalls: [{ name: 'again', arguments: '{}' }] });
      const { s, io } = session(config({ tools: { again: { type: 'http', description: 'Again', parameters: { type: 'object' }, url: tool.url } } }));
      await s.start(io);
      speak(s, 1500);
      await expect.poll(() => speechInputs(), { timeout: 5000 }).toEqual([VOICE_DEFAULTS.toolApology]);
      expect(chatBodies()).toHaveLength(5);
      expect(tool.requests).toHaveLength(5);
      expect(io.failures).toEqual([]);
      s.close({ endReason: 'caller_hangup' });
    } finally {
      await tool.close();
    }
  });

  it('the caller speaking while an HTTP tool runs interrupts the turn: the request is dropped, the LLM hears why', async () => {
    const tool = await toolServer(() => ({ body: '{"eta":"Friday"}', delayMs: 8000 }));
    try {
      vendor.scriptTranscription({ text: 'where is order A1' }, { text: 'never mind' });
      vendor.scriptChat({ text: ['Let me check. '], toolCalls: [{ name: 'lookup', arguments: '{"order":"A1"}' }] }, { text: ['Alright.'] });
      vendor.scriptSpeech({ msPerChar: 60 });
      const cfg = config({ tools: { lookup: { type: 'http', description: 'Order status', parameters: { type: 'object' }, url: tool.url } } });
      // "Let me check." is 780 ms from about 1500 ms; the caller speaks at 3540–4540 ms, while the tool runs.
      const { s, io } = session(cfg, probabilityVad([{ startMs: 200, endMs: 800 }, { startMs: 3540, endMs: 4540 }]));
      await s.start(io);
      speak(s, 1500);
      await expect.poll(() => tool.requests.length, { timeout: 5000 }).toBe(1);
      await talkOver(s, io, 1500, 6000);
      await expect.poll(() => chatBodies().length, { timeout: 5000 }).toBe(2);
      expect(tool.requests[0]!.closed).toBe(true);
      expect(toolEvents(io)).toEqual([{ name: 'lookup', arguments: { order: 'A1' }, error: 'interrupted' }]);
      expect(chatBodies()[1]!.messages.slice(1)).toEqual([
        { role: 'user', content: 'where is order A1' },
        { role: 'assistant', content: 'Let me check.', tool_calls: [expect.objectContaining({ id: 'call_0' })] },
        { role: 'tool', tool_call_id: 'call_0', content: '{"error":"the caller spoke before the tool answered"}' },
        { role: 'user', content: 'never mind' },
      ]);
      expect(io.failures).toEqual([]);
      s.close({ endReason: 'caller_hangup' });
    } finally {
      await tool.close();
    }
  });
});

describe('VoiceSession DTMF', () => {
  it('keys go to the LLM as one caller line: at once on #, else 1.5 s after the last key', async () => {
    vendor.scriptChat({ text: ['Got it.'] }, { text: ['Thanks.'] });
    const { s, io } = session(config());
    await s.start(io);
    s.onDtmf('1');
    s.onDtmf('2');
    s.onDtmf('#');
    await expect.poll(() => chatBodies().length, { timeout: 3000 }).toBe(1);
    expect(chatBodies()[0]!.messages.at(-1)).toEqual({ role: 'user', content: '[The caller pressed 1 2 # on the keypad]' });
    expect(transcripts(io)[0]).toEqual({ role: 'caller', text: '[The caller pressed 1 2 # on the keypad]', final: true });
    const pressed = performance.now();
    s.onDtmf('4');
    s.onDtmf('2');
    await expect.poll(() => chatBodies().length, { timeout: 4000 }).toBe(2);
    expect(performance.now() - pressed).toBeGreaterThanOrEqual(1400);
    expect(chatBodies()[1]!.messages.at(-1)).toEqual({ role: 'user', content: '[The caller pressed 4 2 on the keypad]' });
    s.close({ endReason: 'caller_hangup' });
  });
});

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  return {
    timers: {
      setTimeout: (fn: () => void, ms: number) => {
        pending.set(++next, { fn, ms });
        return next;
      },
      clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    },
    /** Delays of the pending timers. */
    pending: () => [...pending.values()].map((t) => t.ms).sort((a, b) => a - b),
    /** Runs the pending timer of delay `ms`. */
    fire(ms: number) {
      const entry = [...pending.entries()].find(([, t]) => t.ms === ms);
      if (!entry) throw new Error(`no pending ${ms} ms timer (pending: ${this.pending().join(', ')})`);
      pending.delete(entry[0]);
      entry[1].fn();
    },
  };
}

describe('VoiceSession silence', () => {
  function silentSession(silence: VoiceRuntimeConfig['silence'], vad?: Vad) {
    const clock = manualTimers();
    const cfg = config({ silence });
    const ctx = testSessionContext(cfg, { to: '+15550001', initialContext: { customer: 'Ada' } });
    const client = new OpenAiCompatibleClient({ baseUrl: vendor.url, apiKey: KEY, addressPolicy: 'any' });
    const s = new VoiceSession({
      ctx,
      clients: { stt: client, llm: client, tts: client },
      vad: { createVad: () => Promise.resolve(vad ?? createScriptedVad({ sampleRate: VOICE_SAMPLE_RATE, speech: [] })) },
      timers: clock.timers,
    });
    const io = new RecordingIO(s.format);
    io.attach(s);
    return { s, io, clock };
  }

  it('re-prompts after reprompt_after_s (once heard, the clocks run again), then says goodbye and hangs up after it was heard', async () => {
    const { s, io, clock } = silentSession({ reprompt_after_s: 5, hangup_after_s: 12, goodbye: 'Bye for now.' });
    await s.start(io);
    expect(clock.pending()).toEqual([5000, 12000]);
    clock.fire(5000);
    await expect.poll(() => speechInputs(), { timeout: 3000 }).toEqual(['Are you still there?']);
    expect(clock.pending()).toEqual([]);
    await playUntil(io, () => clock.pending().length > 0);
    // The reprompt joins the conversation; its transcript is the agent's.
    expect(transcripts(io)).toEqual([{ role: 'agent', text: 'Are you still there?', final: true }]);
    clock.fire(Math.max(...clock.pending()));
    await expect.poll(() => speechInputs(), { timeout: 3000 }).toEqual(['Are you still there?', 'Bye for now.']);
    expect(io.hangups).toEqual([]);
    await playUntil(io, () => io.hangups.length > 0);
    expect(io.hangups).toEqual(['silence']);
    s.close({ endReason: 'agent_hangup' });
  });

  it('caller speech and key presses stop the clocks; without a goodbye the hang-up is immediate', async () => {
    const { s, io, clock } = silentSession({ reprompt: 'Hello?', hangup_after_s: 8 }, createScriptedVad({ sampleRate: VOICE_SAMPLE_RATE, speech: [{ startMs: 100, endMs: 500 }] }));
    vendor.scriptTranscription({ text: '' });
    await s.start(io);
    expect(clock.pending()).toEqual([8000]);
    speak(s, 300);
    await expect.poll(() => clock.pending(), { timeout: 3000 }).toEqual([]);
    // The utterance was noise (no words): the clock runs again.
    speak(s, 900);
    await expect.poll(() => clock.pending(), { timeout: 3000 }).toEqual([8000]);
    s.onDtmf('5');
    expect(clock.pending()).toEqual([]);
    s.close({ endReason: 'caller_hangup' });

    const other = silentSession({ hangup_after_s: 8 });
    await other.s.start(other.io);
    other.clock.fire(8000);
    expect(other.io.hangups).toEqual(['silence']);
    expect(speechInputs()).toEqual([]);
    other.s.close({ endReason: 'agent_hangup' });
  });
});
