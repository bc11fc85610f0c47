/**
 * Vendor deadlines of the `voice` engine through the embedded product, started with
 * VR3_VENDOR_TIMEOUT_MS=1500: Twilio-style μ-law calls (the fake Twilio media client,
 * acknowledging marks as it plays) to an agent whose STT, LLM and TTS are the OpenAI-compatible
 * stand-in on 127.0.0.1. A chat request that is never answered is apologized for, then fails the
 * run within the operator's deadline (not the client's default 15 s); a transcription that is never
 * answered fails the run at twice it. The streaming vendors keep the same deadline: an ElevenLabs
 * socket that takes the greeting but never speaks fails the run after it (not after its default 10 s).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProviderApi, type FakeProviderApi } from '@vr3/providers/testing';
import { loadVadFixture } from '@vr3/vad/testing';
import {
  startDeepgramStandIn,
  startElevenLabsStandIn,
  startOpenAiCompatibleStandIn,
  type DeepgramStandIn,
  type ElevenLabsStandIn,
  type OpenAiCompatibleStandIn,
} from '@vr3/vendors/testing';
import { runEvents } from '../harness/bridge.ts';
import { ProductProcess } from '../harness/product.ts';
import {
  createDeepgramCredential,
  createElevenLabsCredential,
  createOpenAiCredential,
  openAiVoiceEngine,
  startPlayoutCall,
  streamingVoiceEngine,
} from '../harness/voice.ts';
import { finalRun, setupProvider, type ProviderCall, type ProviderSetup } from '../harness/providers.ts';

const VENDOR_KEY = `sk-voice-${randomUUID()}`;
const DEEPGRAM_KEY = `dg-voice-${randomUUID()}`;
const ELEVENLABS_KEY = `xi-voice-${randomUUID()}`;
const MS_PER_CHAR = 20;
const VENDOR_TIMEOUT_MS = 1500;
/**
 * How soon after the caller's turn the run must have ended: the deadline, the apology (≈ 1.3 s) or
 * the transcription's doubled deadline, plus room for a loaded machine; the clients' defaults
 * (15 s to a chat's first byte, 30 s for a transcription) are far beyond it.
 */
const ENDED_WITHIN_MS = 8000;
let product: ProductProcess;
let twilio: FakeProviderApi;
let vendor: OpenAiCompatibleStandIn;
let deepgram: DeepgramStandIn;
let elevenlabs: ElevenLabsStandIn;
let openAiCredential = '';
let setup: ProviderSetup;
const calls: ProviderCall[] = [];

beforeAll(async () => {
  vendor = await startOpenAiCompatibleStandIn({ apiKey: VENDOR_KEY, speech: { msPerChar: MS_PER_CHAR } });
  deepgram = await startDeepgramStandIn({ apiKey: DEEPGRAM_KEY });
  elevenlabs = await startElevenLabsStandIn({ apiKey: ELEVENLABS_KEY, script: { hang: true } });
  twilio = await startFakeProviderApi('twilio');
  product = await ProductProcess.start({ env: { VR3_VENDOR_TIMEOUT_MS: String(VENDOR_TIMEOUT_MS) } });
  const id = await createOpenAiCredential(product, VENDOR_KEY, vendor.url);
  openAiCredential = id;
  setup = await setupProvider(product, twilio, {
    engine: openAiVoiceEngine(id, { prompt: 'You are the front desk. Answer briefly.', endpointing: { silence_ms: 300 } }),
  });
});

afterEach(async () => {
  await Promise.all(calls.splice(0).map((c) => c.client.close(1000, '', 500).catch(() => undefined)));
});

afterAll(async () => {
  await product?.stop();
  await twilio?.close();
  await vendor?.close();
  await deepgram?.close();
  await elevenlabs?.close();
});

const call = (): Promise<ProviderCall> => startPlayoutCall(product, twilio, setup, calls);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const speechAfter = (index: number) => vendor.requests.slice(index).filter((r) => r.path === '/v1/audio/speech').map((r) => (r.body as { input: string }).input);
/** Milliseconds of μ-law the caller has received. */
const receivedMs = (c: ProviderCall): number => c.client.receivedAudio().length / 8;
const errorLog = async (runId: string) => (await runEvents(product, runId)).find((e) => e.type === 'log' && e.data.level === 'error')?.data;

describe('voice engine vendor deadlines (VR3_VENDOR_TIMEOUT_MS=1500)', () => {
  it('a chat request never answered: the caller hears the apology, then the call ends failed / agent_error naming the LLM stage and the timeout, within the deadline', async () => {
    vendor.scriptChat({ hang: 'before_headers' });
    const c = await call();
    const from = vendor.requests.length;
    const turnAt = performance.now();
    c.client.sendDtmf('#');
    const run = await finalRun(product, c.runId, 2 * ENDED_WITHIN_MS);
    const elapsed = performance.now() - turnAt;
    expect(run).toMatchObject({ state: 'failed', end_reason: 'agent_error' });
    // The deadline was waited (the chat request hung), then the apology was played (66 characters ≈ 1.3 s).
    expect(elapsed).toBeGreaterThanOrEqual(VENDOR_TIMEOUT_MS);
    expect(elapsed).toBeLessThan(ENDED_WITHIN_MS);
    expect(vendor.requests.slice(from).filter((r) => r.path === '/v1/chat/completions')).toHaveLength(1);
    const apology = 'Sorry, something went wrong on our side. Please call again later.';
    expect(speechAfter(from)).toEqual([apology]);
    expect(receivedMs(c)).toBeGreaterThanOrEqual(apology.length * MS_PER_CHAR - 20);
    expect(await errorLog(c.runId)).toMatchObject({
      vendor: 'openai',
      vendor_code: 'vendor_first_byte_timeout',
      message: 'llm: openai chat failed (vendor_first_byte_timeout)',
    });
    expect(JSON.stringify(run) + product.output.join('')).not.toContain(VENDOR_KEY);
  });

  it('a transcription never answered: the call ends failed / agent_error naming the STT stage and the timeout, at twice the deadline', async () => {
    vendor.scriptTranscription({ text: '', hang: 'before_headers' });
    const c = await call();
    const from = vendor.requests.length;
    // The caller speaks (the fixture from 1 s in: speech at 0.5–2.0 s), then stays silent.
    const fixture = loadVadFixture('speech-after-silence-8k');
    expect(fixture.sampleRate).toBe(8000);
    const utterance = fixture.samples.subarray(8000);
    for (let off = 0; off + 160 <= utterance.length; off += 160) {
      c.client.sendPcm(utterance.subarray(off, off + 160));
      await sleep(20);
    }
    const spokenAt = performance.now();
    const silence = new Int16Array(160);
    for (let i = 0; i < 50 && !vendor.requests.slice(from).some((r) => r.path === '/v1/audio/transcriptions'); i++) {
      c.client.sendPcm(silence);
      await sleep(20);
    }
    expect(vendor.requests.slice(from).filter((r) => r.path === '/v1/audio/transcriptions')).toHaveLength(1);
    const run = await finalRun(product, c.runId, 2 * ENDED_WITHIN_MS);
    const elapsed = performance.now() - spokenAt;
    expect(run).toMatchObject({ state: 'failed', end_reason: 'agent_error' });
    // The whole exchange may take 2 × 1500 ms: failed after it.
    expect(elapsed).toBeGreaterThanOrEqual(2 * VENDOR_TIMEOUT_MS - 1000);
    expect(elapsed).toBeLessThan(ENDED_WITHIN_MS);
    expect(vendor.requests.slice(from).some((r) => r.path === '/v1/chat/completions')).toBe(false);
    expect(await errorLog(c.runId)).toMatchObject({
      vendor: 'openai',
      vendor_code: 'vendor_timeout',
      message: 'stt: openai transcription failed (vendor_timeout)',
    });
  });

  it('an ElevenLabs socket that takes the greeting but never speaks: the call ends failed / agent_error naming the TTS stage and the timeout, within the deadline', async () => {
    const ids = {
      deepgram: await createDeepgramCredential(product, DEEPGRAM_KEY, deepgram.url),
      llm: openAiCredential,
      tts: { vendor: 'elevenlabs' as const, id: await createElevenLabsCredential(product, ELEVENLABS_KEY, elevenlabs.url) },
    };
    const patched = await product.api('PATCH', `/agents/${setup.agentUuid}`, { engine: streamingVoiceEngine(ids, { prompt: 'You are the front desk.', greeting: 'Hello, front desk here.' }) });
    expect(patched.status).toBe(200);
    const startedAt = performance.now();
    const c = await call();
    const run = await finalRun(product, c.runId, 2 * ENDED_WITHIN_MS);
    const elapsed = performance.now() - startedAt;
    expect(run).toMatchObject({ state: 'failed', end_reason: 'agent_error' });
    // The greeting reached ElevenLabs, which never answered: the operator's deadline, not the socket's default 10 s.
    expect(JSON.stringify(elevenlabs.connections.at(-1)?.receivedJson)).toContain('Hello, front desk here.');
    expect(elapsed).toBeGreaterThanOrEqual(VENDOR_TIMEOUT_MS);
    expect(elapsed).toBeLessThan(ENDED_WITHIN_MS);
    expect(c.client.receivedAudio().length).toBe(0);
    expect(await errorLog(c.runId)).toMatchObject({
      vendor: 'elevenlabs',
      vendor_code: 'idle_timeout',
      message: 'tts: elevenlabs tts failed (idle_timeout)',
    });
    const everything = JSON.stringify(run) + product.output.join('');
    for (const key of [VENDOR_KEY, DEEPGRAM_KEY, ELEVENLABS_KEY]) expect(everything).not.toContain(key);
  });
});
