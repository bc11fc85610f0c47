/**
 * The `voice` engine on the streaming vendors, through the embedded product: a Cloudonix call to an
 * agent with Deepgram live STT, the OpenAI-compatible LLM and ElevenLabs (then Cartesia) streaming
 * TTS, each a stand-in on 127.0.0.1 named by a service credential with its `base_url` (the product
 * runs with VR3_ALLOW_INSECURE_PROVIDER_URLS=true). The caller hears the greeting, Deepgram's final
 * transcript ends the caller's turn, the reply is heard, and the finished run keeps the conversation
 * (`gathered_context.transcript`) and the usage counters (`gathered_context.usage`).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulawDecode } from '@vr3/codec';
import { rms } from '@vr3/codec/testing';
import { startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import {
  startCartesiaStandIn,
  startDeepgramStandIn,
  startElevenLabsStandIn,
  startOpenAiCompatibleStandIn,
  type CartesiaStandIn,
  type DeepgramStandIn,
  type ElevenLabsStandIn,
  type OpenAiCompatibleStandIn,
} from '@vr3/vendors/testing';
import { runEvents } from '../harness/bridge.ts';
import { finalRun, setupCloudonix, startCall, type CloudonixSetup } from '../harness/cloudonix.ts';
import { ProductProcess } from '../harness/product.ts';
import { createCartesiaCredential, createDeepgramCredential, createElevenLabsCredential, createOpenAiCredential, streamingVoiceEngine } from '../harness/voice.ts';

const TOKEN = `cx-token-${randomUUID()}`;
const KEYS = { openai: `sk-${randomUUID()}`, deepgram: `dg-${randomUUID()}`, elevenlabs: `xi-${randomUUID()}`, cartesia: `ca-${randomUUID()}` };
const GREETING = 'Hello, front desk here.';
const REPLY = ['It is three ', "o'clock now. ", 'Anything else?'];
let product: ProductProcess;
let api: FakeCloudonixApi;
let openai: OpenAiCompatibleStandIn;
let deepgram: DeepgramStandIn;
let elevenlabs: ElevenLabsStandIn;
let cartesia: CartesiaStandIn;
let setup: CloudonixSetup;
const ids = { openai: '', deepgram: '', elevenlabs: '', cartesia: '' };

const engine = (tts: 'elevenlabs' | 'cartesia') =>
  streamingVoiceEngine(
    { deepgram: ids.deepgram, llm: ids.openai, tts: { vendor: tts, id: ids[tts] } },
    { prompt: 'You are the front desk of {{called_number}}.', greeting: GREETING },
  );

beforeAll(async () => {
  // 20 ms of audio per character keeps the call short.
  [openai, deepgram, elevenlabs, cartesia, api, product] = await Promise.all([
    startOpenAiCompatibleStandIn({ apiKey: KEYS.openai }),
    startDeepgramStandIn({ apiKey: KEYS.deepgram }),
    startElevenLabsStandIn({ apiKey: KEYS.elevenlabs, script: { msPerChar: 20 } }),
    startCartesiaStandIn({ apiKey: KEYS.cartesia, script: { msPerChar: 20 } }),
    startFakeCloudonixApi({ bearerToken: TOKEN }),
    ProductProcess.start(),
  ]);
  ids.openai = await createOpenAiCredential(product, KEYS.openai, openai.url);
  ids.deepgram = await createDeepgramCredential(product, KEYS.deepgram, deepgram.url);
  ids.elevenlabs = await createElevenLabsCredential(product, KEYS.elevenlabs, elevenlabs.url);
  ids.cartesia = await createCartesiaCredential(product, KEYS.cartesia, cartesia.url);
  setup = await setupCloudonix(product, api, TOKEN, engine('elevenlabs'));
});

afterAll(async () => {
  await product?.stop();
  await Promise.all([api?.close(), openai?.close(), deepgram?.close(), elevenlabs?.close(), cartesia?.close()]);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Level of μ-law audio, as PCM16 RMS. */
const levelOf = (mulaw: Uint8Array): number => rms(mulawDecode(mulaw));
/** μ-law bytes of `chars` characters of stand-in speech at 20 ms each (8 bytes per ms). */
const bytesOf = (chars: number): number => chars * 20 * 8;

describe.each(['elevenlabs', 'cartesia'] as const)('voice engine with Deepgram STT and %s TTS', (tts) => {
  it('greets, ends the caller turn on the final transcript, answers, and keeps transcript and usage on the run', async () => {
    if (tts === 'cartesia') expect((await product.api('PATCH', `/agents/${setup.agentUuid}`, { engine: engine('cartesia') })).status).toBe(200);
    // The caller's words, on the audio clock of what Deepgram receives (the call's audio from its start).
    deepgram.setScript({ utterances: [{ text: 'What time is it?', startMs: 1200, endMs: 1800 }] });
    openai.scriptChat({ text: REPLY });
    const deepgramCalls = deepgram.connections.length;
    const call = await startCall(product, api, setup);
    const silence = new Uint8Array(160).fill(0xff);
    // The caller's line carries audio all along (the stand-in transcribes by time, not by sound).
    let talking = true;
    const line = (async () => {
      while (talking) {
        call.client.sendMedia(silence);
        await sleep(20);
      }
    })();
    try {
      // The greeting: 23 characters of tone.
      await expect.poll(() => call.client.receivedMedia().length, { timeout: 5000 }).toBeGreaterThanOrEqual(bytesOf(GREETING.length) - 400);
      const greeting = call.client.receivedMedia();
      expect(levelOf(greeting)).toBeGreaterThan(1000);
      // The reply, once Deepgram's final transcript ended the caller's turn: 38 characters after the greeting.
      const replyChars = "It is three o'clock now.".length + 'Anything else?'.length;
      await expect.poll(() => call.client.receivedMedia().length, { timeout: 8000 }).toBeGreaterThanOrEqual(bytesOf(GREETING.length + replyChars) - 800);
      expect(levelOf(call.client.receivedMedia().subarray(greeting.length))).toBeGreaterThan(1000);
    } finally {
      talking = false;
      await line;
    }
    call.client.sendStop();
    await call.client.close();

    const run = await finalRun(product, call.runId);
    expect(run).toMatchObject({ state: 'completed' });
    const lines = run.gathered_context.transcript as Array<{ start_ms: number; end_ms: number }>;
    expect(lines.map(({ start_ms: _start, end_ms: _end, ...line }) => line)).toEqual([
      { role: 'agent', text: GREETING },
      { role: 'caller', text: 'What time is it?' },
      { role: 'agent', text: "It is three o'clock now. Anything else?" },
    ]);
    // Spans in order (the caller's line is silence to the VAD: it spans the moment Deepgram ended it).
    for (let i = 0; i < lines.length; i++) {
      expect(lines[i]!.start_ms).toBeLessThanOrEqual(lines[i]!.end_ms);
      if (i > 0) expect(lines[i]!.start_ms).toBeGreaterThanOrEqual(lines[i - 1]!.end_ms);
    }
    const usage = run.gathered_context.usage as Record<string, number>;
    expect(usage).toMatchObject({ tts_characters: GREETING.length + "It is three o'clock now.".length + 'Anything else?'.length, llm_completion_tokens: REPLY.length });
    expect(usage.llm_prompt_tokens).toBeGreaterThan(0);
    // The whole call streamed to Deepgram: at least the audio up to the end of the caller's turn.
    expect(usage.stt_seconds).toBeGreaterThan(2);
    expect(usage.stt_seconds).toBeLessThan(30);

    // One Deepgram socket for the call, 16 kHz PCM; no transcription request; the TTS vendor got each sentence.
    expect(deepgram.connections.length).toBe(deepgramCalls + 1);
    expect(Object.fromEntries(deepgram.upgrades.at(-1)!.query)).toMatchObject({ model: 'nova-3', encoding: 'linear16', sample_rate: '16000', language: 'en' });
    expect(openai.requests.filter((r) => r.path !== '/v1/chat/completions')).toEqual([]);
    const upgrades = tts === 'elevenlabs' ? elevenlabs.upgrades : cartesia.upgrades;
    expect(upgrades.at(-1)!.credential).toBe('valid');
    const events = await runEvents(product, call.runId);
    expect(events.filter((e) => e.type === 'log' && e.data.level === 'error')).toEqual([]);
    expect(events.filter((e) => e.type === 'transcript').map((e) => e.data.text)).toEqual(run.gathered_context.transcript.map((t: { text: string }) => t.text));
    // No vendor key anywhere in the run or the product's output.
    const everything = JSON.stringify(run) + JSON.stringify(events) + product.output.join('');
    for (const key of Object.values(KEYS)) expect(everything).not.toContain(key);
  });
});
