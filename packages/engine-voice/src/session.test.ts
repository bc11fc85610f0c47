import { EngineError } from '@vr3/agent';
import { RecordingIO, testSessionContext } from '@vr3/agent/testing';
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

/** A session on the stand-in whose VAD reports speech at 200–800 ms of caller audio. */
function session(cfg: VoiceRuntimeConfig) {
  const ctx = testSessionContext(cfg, { to: '+15550001', initialContext: { customer: 'Ada' } });
  const client = new OpenAiCompatibleClient({ baseUrl: vendor.url, apiKey: KEY, addressPolicy: 'any' });
  const s = new VoiceSession({
    ctx,
    clients: { stt: client, llm: client, tts: client },
    vad: { createVad: () => Promise.resolve(createScriptedVad({ sampleRate: VOICE_SAMPLE_RATE, speech: [{ startMs: 200, endMs: 800 }] })) },
  });
  const io = new RecordingIO(s.format);
  io.attach(s);
  return { s, io, ctx };
}

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
    await expect.poll(() => io.events.filter((e) => e.type === 'transcript').length).toBe(3);
    expect(io.events.filter((e) => e.type === 'transcript').map((e) => e.data)).toEqual([
      { role: 'agent', text: 'Hi, Ada!', final: true },
      { role: 'caller', text: 'what time is it', final: true },
      { role: 'agent', text: 'It is three now. Anything else?', final: true },
    ]);
    await expect.poll(() => io.events.filter((e) => e.type === 'metric').length).toBe(4);
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
