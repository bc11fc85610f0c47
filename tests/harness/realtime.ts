/**
 * End-to-end helpers for the `realtime` engine: a service credential for the OpenAI Realtime
 * stand-in, Twilio calls whose run may already have ended by the time it is looked up (a failing
 * vendor), and the caller's μ-law speech paced in real time.
 */
import type { FakeProviderApi } from '@vr3/providers/testing';
import type { OpenAiRealtimeStandIn } from '@vr3/vendors/testing';
import type { ProductProcess } from './product.ts';
import type { ProviderCall, ProviderSetup } from './providers.ts';
import { createOpenAiCredential, startPlayoutCall } from './voice.ts';

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
