import { EngineRegistry } from '@vr3/agent';
import { createBridgeEngine } from '@vr3/engine-bridge';
import { createEchoEngine } from '@vr3/engine-echo';
import { createRealtimeEngine } from '@vr3/engine-realtime';
import { createVoiceEngine } from '@vr3/engine-voice';

/**
 * Every engine the product runs, registered once for both deployments (`npm run start:media-edge`
 * and the embedded product). The control-plane validates agent configurations with the same
 * engines' specs. Adding an engine: its package, one line here, its spec in the control-plane's
 * catalog.
 */
export function createProductEngines(): EngineRegistry {
  // The voice engine's VAD model loads on its first call, once per process.
  return new EngineRegistry([createEchoEngine(), createBridgeEngine(), createVoiceEngine(), createRealtimeEngine()]);
}
