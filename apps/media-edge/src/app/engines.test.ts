import { bridgeEngineSpec } from '@vr3/engine-bridge';
import { echoEngineSpec } from '@vr3/engine-echo';
import { realtimeRuntimeSpec } from '@vr3/engine-realtime';
import { voiceRuntimeSpec } from '@vr3/engine-voice';
import { describe, expect, it } from 'vitest';
import { createProductEngines } from './engines.ts';

describe('createProductEngines', () => {
  it('registers every engine the product runs, each with its own spec', () => {
    const engines = createProductEngines();
    expect(engines.types).toEqual(['echo', 'bridge', 'voice', 'realtime']);
    expect(engines.get('echo')!.spec).toBe(echoEngineSpec);
    expect(engines.get('bridge')!.spec).toBe(bridgeEngineSpec);
    // The edge validates the admitted configuration: the stored one with its credentials joined in.
    expect(engines.get('voice')!.spec).toBe(voiceRuntimeSpec);
    expect(engines.get('realtime')!.spec).toBe(realtimeRuntimeSpec);
  });
});
