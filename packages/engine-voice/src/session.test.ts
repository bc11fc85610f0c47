import { EngineError } from '@vr3/agent';
import { RecordingIO, testSessionContext } from '@vr3/agent/testing';
import { SpeechGate, type Vad, type VadEvent } from '@vr3/vad';
import { createScriptedVad } from '@vr3/vad/testing';
import { OpenAiCompatibleClient } from '@vr3/vendors';
import { startOpenAiCompatibleStandIn, type OpenAiCompatibleStandIn } from '@vr3/vendors/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VOICE_SAMPLE_RATE, VoiceSession } from './session.ts';
import type { VoiceRuntimeConfig } from './spec.ts';

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
function session(cfg: VoiceRuntimeConfig, vad: Vad = createScriptedVad({ sampleRate: VOICE_SAMPLE_RATE, speech: [{ startMs: 200, endMs: 800 }] })) {
  const ctx = testSessionContext(cfg, { to: '+15550001', initialContext: { customer: 'Ada' } });
  const client = new OpenAiCompatibleClient({ baseUrl: vendor.url, apiKey: KEY, addressPolicy: 'any' });
  const s = new VoiceSession({
    ctx,
    clients: { stt: client, llm: client, tts: client },
    vad: { createVad: () => Promise.resolve(vad) },
  });
  const io = new RecordingIO(s.format);
  io.attach(s);
  return { s, io, ctx };
}

/**
 * A VAD on the audio's own clock, like the real one: a speech probability per 32 ms window (0.95
 * in `speech`, 0.02 outside) and `speech_start`/`speech_end` from the same gate settings (200 ms).
 */
function probabilityVad(speech: ReadonlyArray<{ startMs: number; endMs: number }>): Vad {
  const gate = new SpeechGate({ threshold: 0.7, stopThreshold: 0.55, minSpeechMs: 200, minSilenceMs: 200 });
  const WINDOW = 512;
  let samples = 0;
  let windows = 0;
  return {
    engine: 'silero',
    sampleRate: VOICE_SAMPLE_RATE,
    droppedMs: 0,
    get speaking() {
      return gate.speaking;
    },
    push(pcm16) {
      samples += pcm16.length;
      const events: VadEvent[] = [];
      for (; (windows + 1) * WINDOW <= samples; windows++) {
        const atMs = windows * 32;
        const probability = speech.some((iv) => atMs + 16 >= iv.startMs && atMs + 16 < iv.endMs) ? 0.95 : 0.02;
        events.push({ type: 'probability', atMs, probability });
        const edge = gate.update(probability, atMs, 32);
        if (edge) events.push(edge);
      }
      return Promise.resolve(events);
    },
    flush: () => Promise.resolve([]),
    reset: () => {},
    close: () => {},
  };
}

/**
 * Caller audio from stream time `fromMs` to `toMs`, frame by frame, while the agent's audio plays in
 * real time (the caller hears 20 ms per frame); each frame's VAD result is handled before the next.
 * Returns the stream time of the frame after which `io.clears` first grew, if it did.
 */
async function talkOver(s: VoiceSession, io: RecordingIO, fromMs: number, toMs: number, beforeClear?: () => void): Promise<number | undefined> {
  const clears = io.clears;
  let clearedAt: number | undefined;
  for (let t = fromMs; t < toMs; t += 20) {
    io.play(20);
    if (io.clears === clears) beforeClear?.();
    s.onAudio(new Uint8Array((VOICE_SAMPLE_RATE / 1000) * 20 * 2));
    await new Promise((r) => setImmediate(r));
    if (clearedAt === undefined && io.clears > clears) clearedAt = t + 20;
  }
  return clearedAt;
}

const transcripts = (io: RecordingIO) => io.events.filter((e) => e.type === 'transcript').map((e) => e.data);

/** `ms` of caller audio in 20 ms frames. */
function speak(s: VoiceSession, ms: number): void {
  for (let t = 0; t < ms; t += 20) s.onAudio(new Uint8Array((VOICE_SAMPLE_RATE / 1000) * 20 * 2));
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
    expect(io.events.filter((e) => e.type === 'transcript').map((e) => e.data)).toEqual([
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

  it('ends the call agent_error naming the vendor and status when a vendor fails, never its key', async () => {
    vendor.scriptTranscription({ text: 'hello' });
    vendor.scriptChat({ status: 500 });
    const { s, io, ctx } = session(config());
    await s.start(io);
    speak(s, 1500);
    await expect.poll(() => io.failures.length, { timeout: 5000 }).toBe(1);
    const failure = io.failures[0]!;
    expect(failure).toBeInstanceOf(EngineError);
    expect((failure as EngineError).code).toBe('agent_error');
    expect(failure.message).toMatch(/^llm: openai chat failed \(.*500\)$/);
    expect(io.events.filter((e) => e.type === 'log').map((e) => e.data)).toEqual([{ level: 'error', message: failure.message, vendor: 'openai', vendor_code: expect.any(String), status: 500 }]);
    expect(JSON.stringify(ctx.logger.lines) + failure.message).not.toContain(KEY);
    s.close({ endReason: 'agent_error' });
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
    expect(transcripts(io)).toContainEqual({ role: 'agent', text: heard, final: true, interrupted: true });
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
    expect(transcripts(io)[1]).toEqual({ role: 'agent', text: 'Your order', final: true, interrupted: true });
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
