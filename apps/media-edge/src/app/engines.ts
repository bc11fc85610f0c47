import { EngineRegistry } from '@vr3/agent';
import { createBridgeEngine } from '@vr3/engine-bridge';
import { createEchoEngine } from '@vr3/engine-echo';
import { createRealtimeEngine, type RealtimeEngineOptions } from '@vr3/engine-realtime';
import { createVoiceEngine, type VoiceEngineOptions } from '@vr3/engine-voice';

/** Options of {@link createProductEngines}, from the deployment's environment. */
export interface ProductEngineOptions {
  /**
   * VR3_VENDOR_TIMEOUT_MS: how long a call waits on a vendor before its stage fails with
   * `vendor_timeout`. It bounds the OpenAI-compatible clients' wait for the first byte of an answer
   * (chat, speech) and between two chunks, twice it a whole transcription, the Realtime
   * handshake, and the streaming vendors' (Deepgram, ElevenLabs, Cartesia) socket opening and
   * owed replies. `null` or unset: each client's own default (15 s, 15 s, 30 s, 10 s; 5 s and 10 s).
   */
  vendorTimeoutMs?: number | null | undefined;
}

/** The engines' client options for `options` (none: the clients' defaults). */
export function productEngineClientOptions(options: ProductEngineOptions = {}): { voice: VoiceEngineOptions; realtime: RealtimeEngineOptions } {
  const ms = options.vendorTimeoutMs;
  if (ms === null || ms === undefined) return { voice: {}, realtime: {} };
  // Twice for a transcription: it is an upload and a recognition, as in the clients' defaults (15 s / 30 s).
  return {
    voice: { client: { firstByteTimeoutMs: ms, idleTimeoutMs: ms, requestTimeoutMs: 2 * ms }, streaming: { connectTimeoutMs: ms, idleTimeoutMs: ms } },
    realtime: { client: { handshakeTimeoutMs: ms } },
  };
}

/**
 * Every engine the product runs, registered once for both deployments (`npm run start:media-edge`
 * and the embedded product). The control-plane validates agent configurations with the same
 * engines' specs. Adding an engine: its package, one line here, its spec in the control-plane's
 * catalog.
 */
export function createProductEngines(options: ProductEngineOptions = {}): EngineRegistry {
  const clients = productEngineClientOptions(options);
  // The voice engine's VAD model loads on its first call, once per process.
  return new EngineRegistry([createEchoEngine(), createBridgeEngine(), createVoiceEngine(clients.voice), createRealtimeEngine(clients.realtime)]);
}
