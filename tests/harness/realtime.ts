/**
 * End-to-end helpers for the `realtime` engine: one suite's stand-in, fake Twilio, product and
 * agent, a service credential for the OpenAI Realtime stand-in, Twilio calls whose run may already
 * have ended by the time it is looked up (a failing vendor), and the caller's μ-law speech paced in
 * real time.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startFakeProviderApi, type FakeProviderApi } from '@vr3/providers/testing';
import { startOpenAiRealtimeStandIn, type OpenAiRealtimeStandIn } from '@vr3/vendors/testing';
import { ProductProcess } from './product.ts';
import { setupProvider, type ProviderCall, type ProviderSetup } from './providers.ts';
import { createOpenAiCredential, startPlayoutCall } from './voice.ts';

/** What {@link useRealtimeSuite} sets up for a test file (filled in its `beforeAll`). */
export interface RealtimeSuite {
  /** The stand-in's API key (a secret the product must never show). */
  readonly vendorKey: string;
  product: ProductProcess;
  twilio: FakeProviderApi;
  standIn: OpenAiRealtimeStandIn;
  setup: ProviderSetup;
  /** The file's calls, closed after each test. */
  readonly calls: ProviderCall[];
  /**
   * A call of the agent ({@link startPlayoutCall}): resolved once its run recorded `start` whatever
   * its state, or with `running` once the run is running.
   */
  call(options?: { running?: boolean }): Promise<ProviderCall>;
}

/**
 * Registers the hooks of a realtime test file: before all, the Realtime stand-in (server VAD ending
 * speech after 200 ms of silence), a fake Twilio, the product (with `env`) and a Twilio agent whose
 * engine is `engine(credentialId)`; after each test, its calls closed; after all, everything stopped.
 * Call it at the top of the file.
 */
export function useRealtimeSuite(options: { engine: (credentialId: string) => Record<string, unknown>; env?: Record<string, string> }): RealtimeSuite {
  const suite = {
    vendorKey: `sk-realtime-${randomUUID()}`,
    calls: [] as ProviderCall[],
    call: (o: { running?: boolean } = {}) => startPlayoutCall(suite.product, suite.twilio, suite.setup, suite.calls, { anyState: o.running !== true }),
  } as RealtimeSuite;
  beforeAll(async () => {
    suite.standIn = await startOpenAiRealtimeStandIn({ apiKey: suite.vendorKey, vad: { silenceMs: 200 } });
    suite.twilio = await startFakeProviderApi('twilio');
    suite.product = await ProductProcess.start(options.env ? { env: options.env } : {});
    const credentialId = await createRealtimeCredential(suite.product, suite.standIn);
    suite.setup = await setupProvider(suite.product, suite.twilio, { engine: options.engine(credentialId) });
  });
  afterEach(async () => {
    await Promise.all(suite.calls.splice(0).map((c) => c.client.close(1000, '', 500).catch(() => undefined)));
  });
  afterAll(async () => {
    await suite.product?.stop();
    await suite.twilio?.close();
    await suite.standIn?.close();
  });
  return suite;
}

/** Stores an `openai` service credential whose `base_url` is the stand-in's; returns its id. */
export function createRealtimeCredential(product: ProductProcess, standIn: OpenAiRealtimeStandIn): Promise<string> {
  const baseUrl = standIn.url.replace('ws://', 'http://').replace('/v1/realtime', '');
  return createOpenAiCredential(product, standIn.apiKey, baseUrl);
}

/** A Twilio call acknowledging marks at playout, resolved once its run recorded `start` whatever its state ({@link startPlayoutCall}). */
export function startRealtimeCall(product: ProductProcess, twilio: FakeProviderApi, setup: ProviderSetup, calls: ProviderCall[]): Promise<ProviderCall> {
  return startPlayoutCall(product, twilio, setup, calls, { anyState: true });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `ms` of 8 kHz μ-law in 20 ms frames, paced in real time: loud (speech to the stand-in's VAD) or silent. */
export async function sayMulaw(c: ProviderCall, ms: number, loud: boolean): Promise<void> {
  for (let t = 0; t < ms; t += 20) {
    const frame = new Uint8Array(160).fill(0xff);
    if (loud) for (let i = 0; i < frame.length; i++) frame[i] = i % 2 === 0 ? 0x10 : 0x90;
    c.client.sendAudio(frame);
    await sleep(20);
  }
}

/** Milliseconds of μ-law the caller has received. */
export const receivedMulawMs = (c: ProviderCall): number => c.client.receivedAudio().length / 8;
