import { EngineCatalog } from '@vr3/agent';
import { bridgeEngineSpec } from '@vr3/engine-bridge/spec';
import { echoEngineSpec } from '@vr3/engine-echo';
import { realtimeEngineSpec } from '@vr3/engine-realtime/spec';
import { voiceEngineSpec } from '@vr3/engine-voice/spec';

/**
 * The specs of every engine the product's media-edge runs (its `createProductEngines`), for
 * validating agent configurations: one list for the embedded product, the distributed
 * control-plane and the tests.
 */
export function productEngineCatalog(): EngineCatalog {
  return new EngineCatalog([echoEngineSpec, bridgeEngineSpec, voiceEngineSpec, realtimeEngineSpec]);
}
