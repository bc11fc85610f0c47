/**
 * The voice session on the streaming vendors' stand-ins: Deepgram live STT, ElevenLabs and
 * Cartesia streaming TTS (their timings cutting an interrupted turn), and the usage and final
 * transcript the run gets at close.
 */
import { RecordingIO, testSessionContext } from '@vr3/agent/testing';
import { createScriptedVad } from '@vr3/vad/testing';
import {
  startCartesiaStandIn,
  startDeepgramStandIn,
  startElevenLabsStandIn,
  startOpenAiCompatibleStandIn,
  type CartesiaStandIn,
  type DeepgramStandIn,
  type ElevenLabsStandIn,
  type OpenAiCompatibleStandIn,
  type StandInConnection,
} from '@vr3/vendors/testing';
import type { Vad } from '@vr3/vad';
import { OpenAiCompatibleClient } from '@vr3/vendors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VOICE_SAMPLE_RATE, VoiceSession } from './session.ts';
import { finalTranscript, probabilityVad, speak, talkOver, transcripts } from './session-test-kit.ts';
import type { VoiceRuntimeConfig } from './spec.ts';
import type { StreamingDeadlines } from './clients.ts';

const ID = '0b9f3c1e-7a41-4d55-9d2b-2f5c8f0e6a11';
const KEYS = { openai: 'sk-vendors-test', deepgram: 'dg-vendors-test', elevenlabs: 'xi-vendors-test', cartesia: 'ca-vendors-test' };
let openai: OpenAiCompatibleStandIn;
let deepgram: DeepgramStandIn;
let elevenlabs: ElevenLabsStandIn;
let cartesia: CartesiaStandIn;

beforeEach(async () => {
  [openai, deepgram, elevenlabs, cartesia] = await Promise.all([
    startOpenAiCompatibleStandIn({ apiKey: KEYS.openai, speech: { msPerChar: 10 } }),
    startDeepgramStandIn({ apiKey: KEYS.deepgram }),
    startElevenLabsStandIn({ apiKey: KEYS.elevenlabs, script: { msPerChar: 10, chunkIntervalMs: 1 } }),
    startCartesiaStandIn({ apiKey: KEYS.cartesia, script: { msPerChar: 10, chunkIntervalMs: 1 } }),
  ]);
});
afterEach(async () => {
  await Promise.all([openai.close(), deepgram.close(), elevenlabs.close(), cartesia.close()]);
});

type Vendor = keyof typeof KEYS;
const cred = (vendor: Vendor) => {
  const url = { openai: () => openai.url, deepgram: () => deepgram.url, elevenlabs: () => elevenlabs.url, cartesia: () => cartesia.url }[vendor]();
  return { credential_id: ID, api_key: KEYS[vendor], base_url: url, address_policy: 'any' as const };
};

function config(stt: 'openai' | 'deepgram', tts: 'openai' | 'elevenlabs' | 'cartesia', extra: Partial<VoiceRuntimeConfig> = {}): VoiceRuntimeConfig {
  return {
    type: 'voice',
    stt: { vendor: stt, model: stt === 'deepgram' ? 'nova-3' : 'whisper-1', ...cred(stt) },
    llm: { model: 'gpt-4o-mini', ...cred('openai') },
    tts: { vendor: tts, model: tts === 'cartesia' ? 'sonic-2' : 'eleven_flash_v2_5', voice: 'voice-1', ...cred(tts) },
    prompt: 'Agent.',
    ...extra,
  };
}

/** A session whose STT/TTS clients are made from the configuration (as the engine does). */
function session(cfg: VoiceRuntimeConfig, vad: Vad = createScriptedVad({ sampleRate: VOICE_SAMPLE_RATE, speech: [{ startMs: 200, endMs: 800 }] }), streaming?: StreamingDeadlines) {
  const ctx = testSessionContext(cfg);
  const s = new VoiceSession({
    ctx,
    clients: { llm: new OpenAiCompatibleClient({ baseUrl: openai.url, apiKey: KEYS.openai, addressPolicy: 'any' }) },
    vad: { createVad: () => Promise.resolve(vad) },
    streaming,
  });
  const io = new RecordingIO(s.format);
  io.attach(s);
  return { s, io, ctx };
}

/** Caller audio frame by frame in real time (Deepgram's stand-in answers on the audio clock). */
async function talk(s: VoiceSession, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    speak(s, 100);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const usageOf = (io: RecordingIO) => io.contexts.find((c) => 'usage' in c)?.usage as Record<string, number> | undefined;

describe('VoiceSession with streaming vendors', () => {
  it('Deepgram STT + ElevenLabs TTS: the greeting, a final transcript ends the turn, the reply spoken per sentence; usage and transcript at close', async () => {
    deepgram.setScript({ utterances: [{ text: 'What time is it?', startMs: 200, endMs: 800 }] });
    const reply = ['It is three now. ', 'Anything else?'];
    openai.scriptChat({ text: reply });
    const { s, io } = session(config('deepgram', 'elevenlabs', { greeting: 'Hello there.' }));
    await s.start(io);
    await talk(s, 1600);
    await expect.poll(() => transcripts(io).length, { timeout: 5000 }).toBe(2);
    await expect.poll(() => elevenlabs.connections[0]?.textByContext.size ?? 0, { timeout: 5000 }).toBe(3);
    await expect.poll(() => io.events.filter((e) => e.type === 'metric').length, { timeout: 5000 }).toBe(4);
    io.ackMarks();
    expect(transcripts(io)).toEqual([
      { role: 'agent', text: 'Hello there.', final: true },
      { role: 'caller', text: 'What time is it?', final: true },
      { role: 'agent', text: 'It is three now. Anything else?', final: true },
    ]);
    // No VAD-cut transcription: the caller's audio streamed to Deepgram (16 kHz PCM) for the whole call.
    expect(openai.requests.map((r) => r.path)).toEqual(['/v1/chat/completions']);
    const upgrade = deepgram.upgrades[0]!;
    expect(upgrade.credential).toBe('valid');
    expect(Object.fromEntries(upgrade.query)).toMatchObject({ model: 'nova-3', encoding: 'linear16', sample_rate: '16000' });
    expect(deepgram.connections[0]!.audioMs).toBe(1600);
    // One ElevenLabs socket, a context per sentence, 16 kHz PCM asked for: no resampling.
    expect(elevenlabs.upgrades).toHaveLength(1);
    expect(elevenlabs.upgrades[0]!.query.get('output_format')).toBe('pcm_16000');
    expect([...elevenlabs.connections[0]!.textByContext.values()].map((t) => t.trim())).toEqual(['Hello there.', 'It is three now.', 'Anything else?']);
    const chars = 'Hello there.'.length + 'It is three now.'.length + 'Anything else?'.length;
    expect(io.audio.reduce((n, a) => n + a.byteLength, 0)).toBe(chars * 10 * 32);

    s.close({ endReason: 'caller_hangup' });
    const chat = openai.requests[0]!.body as { messages: unknown[] };
    expect(usageOf(io)).toEqual({
      llm_prompt_tokens: JSON.stringify(chat.messages).length >> 2,
      // The stand-in's usage: a quarter of the messages' JSON length, one token per streamed piece.
      llm_completion_tokens: reply.length,
      tts_characters: chars,
      stt_seconds: 1.6,
    });
    expect(finalTranscript(io)).toEqual([
      { role: 'agent', text: 'Hello there.' },
      { role: 'caller', text: 'What time is it?' },
      { role: 'agent', text: 'It is three now. Anything else?' },
    ]);
    expect(io.failures).toEqual([]);
  });

  it('Cartesia TTS: one socket, a context per sentence at 16 kHz with word timestamps; OpenAI STT counts the utterance seconds', async () => {
    openai.scriptTranscription({ text: 'what time is it' });
    openai.scriptChat({ text: ['It is three now.'] });
    const { s, io } = session(config('openai', 'cartesia', { greeting: 'Hi.' }));
    await s.start(io);
    speak(s, 1500);
    await expect.poll(() => transcripts(io).length, { timeout: 5000 }).toBe(2);
    await expect.poll(() => s.segments.reduce((ms, seg) => ms + seg.audioMs, 0), { timeout: 5000 }).toBe('It is three now.'.length * 10);
    const received = cartesia.connections[0]!.receivedJson as Array<Record<string, unknown>>;
    expect(received.filter((m) => m.transcript !== '').map((m) => m.transcript)).toEqual(['Hi.', 'It is three now.']);
    expect(received[0]).toMatchObject({ output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: 16000 }, add_timestamps: true, model_id: 'sonic-2' });
    io.ackMarks();
    s.close({ endReason: 'caller_hangup' });
    // The utterance: 200–800 ms of speech with 300 ms pre-roll (from 0) and 300 ms of endpointing.
    expect(usageOf(io)).toMatchObject({ tts_characters: 'Hi.'.length + 'It is three now.'.length, stt_seconds: 1.1 });
    expect(finalTranscript(io)).toEqual([
      { role: 'agent', text: 'Hi.' },
      { role: 'caller', text: 'what time is it' },
      { role: 'agent', text: 'It is three now.' },
    ]);
  });

  it('a Deepgram close with an error fails the call agent_error naming the STT', async () => {
    deepgram.setScript({ closeWith: { afterAudioMs: 200, code: 1008, reason: 'DATA-0000' } });
    const { s, io } = session(config('deepgram', 'openai'));
    await s.start(io);
    await talk(s, 400);
    await expect.poll(() => io.failures.length, { timeout: 5000 }).toBe(1);
    expect(io.failures[0]).toMatchObject({ code: 'agent_error', message: 'stt: deepgram stt failed (vendor_error)' });
    s.close({ endReason: 'agent_error' });
  });

  it('an ElevenLabs error fails the call agent_error naming the TTS', async () => {
    elevenlabs.setScript({ errorOnText: { error: 'quota_exceeded', message: 'quota' } });
    const { s, io } = session(config('openai', 'elevenlabs', { greeting: 'Hello.' }));
    await s.start(io);
    await expect.poll(() => io.failures.length, { timeout: 5000 }).toBe(1);
    expect(io.failures[0]).toMatchObject({ code: 'agent_error', message: expect.stringMatching(/^tts: elevenlabs tts failed \(vendor_error\)$/) });
    s.close({ endReason: 'agent_error' });
  });
});

/** When the call failed: polls `io.failures` every 5 ms (at most 5 s). */
async function failedAt(io: RecordingIO): Promise<number> {
  for (let i = 0; i < 1000 && io.failures.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  return performance.now();
}

describe('streaming vendors within the engine\'s deadline (VR3_VENDOR_TIMEOUT_MS)', () => {
  const DEADLINE_MS = 300;
  /** The deadline plus room for a loaded machine; the sockets' defaults (5 s to open, 10 s for a reply) are far beyond it. */
  const WITHIN_MS = DEADLINE_MS + 1000;
  const streaming = { connectTimeoutMs: DEADLINE_MS, idleTimeoutMs: DEADLINE_MS };

  it('Deepgram takes the audio but never answers: once the caller stopped speaking, the call fails agent_error naming the STT and the timeout', async () => {
    deepgram.setScript({ hang: true });
    const { s, io } = session(config('deepgram', 'openai'), undefined, streaming);
    await s.start(io);
    const speaking = performance.now();
    // Speech at 200–800 ms: its end is reported as the audio passes 800 ms.
    await talk(s, 1000);
    const spoken = performance.now();
    const at = await failedAt(io);
    expect(io.failures[0]).toMatchObject({ code: 'agent_error', message: 'stt: deepgram stt failed (idle_timeout)' });
    expect(at - speaking).toBeGreaterThanOrEqual(DEADLINE_MS);
    expect(at - spoken).toBeLessThan(WITHIN_MS);
    // The audio went to Deepgram; no transcript, no LLM request.
    expect(deepgram.connections[0]!.audioMs).toBeGreaterThan(0);
    expect(transcripts(io)).toEqual([]);
    expect(openai.requests).toEqual([]);
    s.close({ endReason: 'agent_error' });
  });

  it('Deepgram never opens its socket: the call fails agent_error naming the STT and the connect timeout', async () => {
    deepgram.setUpgradeMode({ mode: 'stall' });
    const started = performance.now();
    const { s, io } = session(config('deepgram', 'openai'), undefined, streaming);
    await s.start(io);
    const at = await failedAt(io);
    expect(io.failures[0]).toMatchObject({ code: 'agent_error', message: 'stt: deepgram stt failed (connect_timeout)' });
    expect(at - started).toBeGreaterThanOrEqual(DEADLINE_MS);
    expect(at - started).toBeLessThan(WITHIN_MS);
    expect(deepgram.upgrades).toHaveLength(1);
    s.close({ endReason: 'agent_error' });
  });

  describe.each([
    { vendor: 'elevenlabs' as const, standIn: () => elevenlabs },
    { vendor: 'cartesia' as const, standIn: () => cartesia },
  ])('$vendor', ({ vendor, standIn }) => {
    it('takes the sentence but never sends its audio: the call fails agent_error naming the TTS and the timeout', async () => {
      standIn().setScript({ hang: true });
      const started = performance.now();
      const { s, io } = session(config('openai', vendor, { greeting: 'Hello there.' }), undefined, streaming);
      await s.start(io);
      const at = await failedAt(io);
      expect(io.failures[0]).toMatchObject({ code: 'agent_error', message: `tts: ${vendor} tts failed (idle_timeout)` });
      expect(at - started).toBeGreaterThanOrEqual(DEADLINE_MS);
      expect(at - started).toBeLessThan(WITHIN_MS);
      // The greeting reached the vendor; nothing was played.
      expect(JSON.stringify(standIn().connections[0]!.receivedJson)).toContain('Hello there.');
      expect(io.audio).toEqual([]);
      s.close({ endReason: 'agent_error' });
    });

    it('never opens its socket: the call fails agent_error naming the TTS and the connect timeout', async () => {
      standIn().setUpgradeMode({ mode: 'stall' });
      const started = performance.now();
      const { s, io } = session(config('openai', vendor, { greeting: 'Hello there.' }), undefined, streaming);
      await s.start(io);
      const at = await failedAt(io);
      expect(io.failures[0]).toMatchObject({ code: 'agent_error', message: `tts: ${vendor} tts failed (connect_timeout)` });
      expect(at - started).toBeGreaterThanOrEqual(DEADLINE_MS);
      expect(at - started).toBeLessThan(WITHIN_MS);
      s.close({ endReason: 'agent_error' });
    });
  });
});

/**
 * The greeting "Your order ships tomorrow." is 1000 ms of audio whose words end at 100, 700, 950
 * and 1000 ms (not in proportion to their characters, so the played share of the sentence would
 * keep "Your order ships"); the caller speaks over it about 880 ms in.
 */
const GREETING = 'Your order ships tomorrow.';
const WORD_ENDS: ReadonlyArray<[string, number]> = [
  ['Your', 100],
  ['order', 700],
  ['ships', 950],
  ['tomorrow.', 1000],
];

/** ElevenLabs: the greeting's audio and per-character alignment (each word's characters spread over its span). */
function speakElevenLabs(conn: StandInConnection<unknown>, contextId: string): void {
  const chars: string[] = [];
  const starts: number[] = [];
  const durations: number[] = [];
  let prev = 0;
  WORD_ENDS.forEach(([word, end], i) => {
    if (i > 0) {
      chars.push(' ');
      starts.push(prev);
      durations.push(0);
    }
    const step = (end - prev) / word.length;
    for (let k = 0; k < word.length; k++) {
      chars.push(word[k]!);
      starts.push(prev + k * step);
      durations.push(step);
    }
    prev = end;
  });
  const audio = Buffer.alloc(1000 * 32, 0x11).toString('base64');
  conn.send({ audio, alignment: { chars, charStartTimesMs: starts, charDurationsMs: durations }, isFinal: false, contextId });
  conn.send({ isFinal: true, contextId });
}

/** Cartesia: the greeting's audio and its word timestamps (seconds). */
function speakCartesia(conn: StandInConnection<unknown>, contextId: string): void {
  conn.send({ type: 'chunk', data: Buffer.alloc(1000 * 32, 0x11).toString('base64'), done: false, status_code: 206, context_id: contextId });
  const starts = WORD_ENDS.map((_, i) => (i === 0 ? 0 : WORD_ENDS[i - 1]![1]) / 1000);
  conn.send({ type: 'timestamps', done: false, status_code: 206, context_id: contextId, word_timestamps: { words: WORD_ENDS.map(([w]) => w), start: starts, end: WORD_ENDS.map(([, e]) => e / 1000) } });
  conn.send({ type: 'done', done: true, status_code: 206, context_id: contextId });
}

describe.each([
  { vendor: 'elevenlabs' as const, standIn: () => elevenlabs, speakWith: speakElevenLabs },
  { vendor: 'cartesia' as const, standIn: () => cartesia, speakWith: speakCartesia },
])('barge-in with $vendor timings', ({ vendor, standIn, speakWith }) => {
  it('an interruption keeps exactly the words whose end time is at most the heard position', async () => {
    standIn().setScript({ hang: true });
    openai.scriptTranscription({ text: 'wait' });
    openai.scriptChat({ text: ['Sure.'] });
    const { s, io, ctx } = session(config('openai', vendor, { greeting: GREETING, interruption: { min_duration_ms: 300 } }), probabilityVad([{ startMs: 800, endMs: 1400 }]));
    await s.start(io);
    const conn = await standIn().nextConnection(5000);
    await expect.poll(() => (conn.receivedJson as Array<Record<string, unknown>>).find((m) => typeof (m.context_id ?? m.contextId) === 'string'), { timeout: 5000 }).toBeDefined();
    const first = (conn.receivedJson as Array<Record<string, unknown>>).find((m) => typeof m.context_id === 'string')!;
    speakWith(conn, first.context_id as string);
    await expect.poll(() => s.segments[0]?.audioMs ?? 0, { timeout: 5000 }).toBe(1000);

    await talkOver(s, io, 0, 2000);
    const interrupted = transcripts(io).find((t) => t.interrupted === true);
    const heardMs = (ctx.logger.lines.find((l) => l.msg === 'caller interrupted the agent')?.obj as { heard_ms: number }).heard_ms;
    expect(heardMs).toBeGreaterThan(700);
    expect(heardMs).toBeLessThan(950);
    const expected = WORD_ENDS.filter(([, end]) => end <= heardMs)
      .map(([w]) => w)
      .join(' ');
    expect(expected).toBe('Your order');
    expect(interrupted).toEqual({ role: 'agent', text: expected, final: true, interrupted: true, reply: GREETING });
    s.close({ endReason: 'caller_hangup' });
    expect(finalTranscript(io)).toContainEqual({ role: 'agent', text: 'Your order', interrupted: true, reply: GREETING });
  });
});
