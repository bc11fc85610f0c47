/**
 * The `voice` engine through the embedded product: a Cloudonix call to an agent whose STT, LLM and
 * TTS are the OpenAI-compatible stand-in on 127.0.0.1 (a service credential with its `base_url`;
 * the product runs with VR3_ALLOW_INSECURE_PROVIDER_URLS=true). The caller hears the greeting,
 * speaks a recorded utterance, and hears the two sentences of the scripted reply; the run keeps
 * both transcript turns and the turn's latency metrics.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulawDecode, mulawEncode } from '@vr3/codec';
import { rms } from '@vr3/codec/testing';
import { startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { loadVadFixture } from '@vr3/vad/testing';
import { startOpenAiCompatibleStandIn, type OpenAiCompatibleStandIn } from '@vr3/vendors/testing';
import { runEvents } from '../harness/bridge.ts';
import { finalRun, setupCloudonix, startCall, type CloudonixSetup } from '../harness/cloudonix.ts';
import { ProductProcess } from '../harness/product.ts';
import { createOpenAiCredential, openAiVoiceEngine } from '../harness/voice.ts';

const TOKEN = `cx-token-${randomUUID()}`;
const VENDOR_KEY = `sk-voice-${randomUUID()}`;
let product: ProductProcess;
let api: FakeCloudonixApi;
let vendor: OpenAiCompatibleStandIn;
let setup: CloudonixSetup;

beforeAll(async () => {
  // 20 ms of tone per character keeps the call short.
  vendor = await startOpenAiCompatibleStandIn({ apiKey: VENDOR_KEY, speech: { msPerChar: 20 } });
  api = await startFakeCloudonixApi({ bearerToken: TOKEN });
  product = await ProductProcess.start();
  const id = await createOpenAiCredential(product, VENDOR_KEY, vendor.url);
  setup = await setupCloudonix(
    product,
    api,
    TOKEN,
    openAiVoiceEngine(id, {
      prompt: 'You are the front desk of {{called_number}}. Answer in two short sentences.',
      greeting: 'Hello, front desk here.',
      endpointing: { silence_ms: 300 },
    }),
  );
});

afterAll(async () => {
  await product?.stop();
  await api?.close();
  await vendor?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Level of μ-law audio, as PCM16 RMS. */
const levelOf = (mulaw: Uint8Array): number => rms(mulawDecode(mulaw));

describe('voice engine', () => {
  it('greets, hears the caller, answers in two spoken sentences, and keeps the transcript', async () => {
    vendor.scriptTranscription({ text: 'what time is it' });
    vendor.scriptChat({ text: ['It is three ', "o'clock now. ", 'Anything else ', 'I can do?'] });
    const call = await startCall(product, api, setup);
    const silence = new Uint8Array(160).fill(0xff);
    const send = async (mulaw: Uint8Array): Promise<void> => {
      for (let off = 0; off + 160 <= mulaw.length; off += 160) {
        call.client.sendMedia(mulaw.subarray(off, off + 160));
        await sleep(20);
      }
    };

    // The greeting: "Hello, front desk here." at 20 ms per character ≈ 460 ms of the stand-in's tone.
    for (let i = 0; i < 50 && call.client.receivedMedia().length < 3000; i++) await send(silence);
    await expect.poll(() => call.client.receivedMedia().length, { timeout: 4000 }).toBeGreaterThanOrEqual(3000);
    const greeting = call.client.receivedMedia();
    expect(levelOf(greeting)).toBeGreaterThan(1000);

    // The caller speaks: the fixture from 1 s in (speech at 1.5–3.0 s), then silence for endpointing.
    const fixture = loadVadFixture('speech-after-silence-8k');
    expect(fixture.sampleRate).toBe(8000);
    await send(mulawEncode(fixture.samples.subarray(8000)));
    for (let i = 0; i < 60 && vendor.requests.filter((r) => r.path === '/v1/audio/speech').length < 3; i++) await send(silence.slice());
    await vendor.waitForRequests(5, 5000); // speech (greeting), transcription, chat, speech × 2

    const paths = vendor.requests.map((r) => r.path);
    expect(paths).toEqual(['/v1/audio/speech', '/v1/audio/transcriptions', '/v1/chat/completions', '/v1/audio/speech', '/v1/audio/speech']);
    expect(vendor.requests.every((r) => r.authorized)).toBe(true);
    const chat = vendor.requests[2]!.body as { messages: Array<{ role: string; content: string }> };
    expect(chat.messages).toEqual([
      { role: 'system', content: 'You are the front desk of +15555550199. Answer in two short sentences.' },
      { role: 'assistant', content: 'Hello, front desk here.' },
      { role: 'user', content: 'what time is it' },
    ]);
    expect(vendor.requests.slice(3).map((r) => (r.body as { input: string }).input)).toEqual(["It is three o'clock now.", 'Anything else I can do?']);
    // The transcription got a 16 kHz WAV of the utterance.
    const form = vendor.requests[1]!.body as { file?: { wav?: { sampleRate: number; durationMs: number } } };
    expect(form.file?.wav?.sampleRate).toBe(16_000);
    expect(form.file?.wav?.durationMs).toBeGreaterThan(1200);

    // The caller hears the reply: 47 characters ≈ 940 ms of tone (7520 μ-law bytes) after the greeting.
    await expect.poll(() => call.client.receivedMedia().length - greeting.length, { timeout: 5000 }).toBeGreaterThanOrEqual(7000);
    const reply = call.client.receivedMedia().subarray(greeting.length);
    expect(levelOf(reply)).toBeGreaterThan(1000);

    call.client.sendStop();
    await call.client.close();
    expect(await finalRun(product, call.runId)).toMatchObject({ state: 'completed' });
    const events = await runEvents(product, call.runId);
    const transcript = events.filter((e) => e.type === 'transcript').map((e) => [e.data.role, e.data.text]);
    expect(transcript).toEqual([
      ['agent', 'Hello, front desk here.'],
      ['caller', 'what time is it'],
      ['agent', "It is three o'clock now. Anything else I can do?"],
    ]);
    // Each turn's span (ms since the session started), the turns in order: the greeting heard before
    // the caller spoke, the caller's ~1.5 s of speech, the reply sent after it.
    const spans = events.filter((e) => e.type === 'transcript').map((e) => [e.data.start_ms as number, e.data.end_ms as number] as const);
    const [greetingSpan, callerSpan, replySpan] = spans;
    for (const [start, end] of spans) expect(start).toBeLessThan(end);
    expect(greetingSpan![1]).toBeLessThanOrEqual(callerSpan![0]);
    expect(callerSpan![1] - callerSpan![0]).toBeGreaterThan(1000);
    expect(callerSpan![1] - callerSpan![0]).toBeLessThan(2500);
    expect(replySpan![0]).toBeGreaterThan(callerSpan![1]);
    const metrics = new Map(events.filter((e) => e.type === 'metric').map((e) => [e.data.name as string, e.data.value as number]));
    for (const name of ['stt_latency_ms', 'llm_first_token_ms', 'tts_first_audio_ms', 'first_audio_sent_ms']) expect(metrics.get(name)).toBeGreaterThanOrEqual(0);
    expect(metrics.get('first_audio_sent_ms')).toBeGreaterThanOrEqual(metrics.get('stt_latency_ms')!);
    // The vendor key is nowhere in the product's output.
    expect(product.output.join('')).not.toContain(VENDOR_KEY);
  });

  it('a vendor error ends the call failed / agent_error, naming the vendor and status', async () => {
    // Late enough for the harness to see the run `running` first.
    vendor.scriptSpeech({ status: 503, firstByteDelayMs: 1000 });
    const call = await startCall(product, api, setup);
    const run = await finalRun(product, call.runId);
    expect(run).toMatchObject({ state: 'failed', end_reason: 'agent_error' });
    const log = (await runEvents(product, call.runId)).find((e) => e.type === 'log' && e.data.level === 'error');
    expect(log?.data).toMatchObject({ vendor: 'openai', status: 503, message: expect.stringMatching(/^tts: openai speech failed \(vendor_\w+ 503\)$/) });
    expect(JSON.stringify(run) + product.output.join('')).not.toContain(VENDOR_KEY);
    await call.client.close();
  });
});
