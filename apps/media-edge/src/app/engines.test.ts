import { bridgeEngineSpec } from '@vr3/engine-bridge';
import { echoEngineSpec } from '@vr3/engine-echo';
import { realtimeRuntimeSpec } from '@vr3/engine-realtime';
import { voiceRuntimeSpec } from '@vr3/engine-voice';
import { describe, expect, it } from 'vitest';
import { createProductEngines, productEngineClientOptions } from './engines.ts';

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

describe('productEngineClientOptions', () => {
  it('without a vendor deadline leaves every client its defaults', () => {
    expect(productEngineClientOptions()).toEqual({ voice: {}, realtime: {} });
    expect(productEngineClientOptions({ vendorTimeoutMs: null })).toEqual({ voice: {}, realtime: {} });
  });

  it('with one sets the OpenAI-compatible deadlines (twice it for a transcription), the streaming vendors\' sockets and the Realtime handshake', () => {
    expect(productEngineClientOptions({ vendorTimeoutMs: 1500 })).toEqual({
      voice: { client: { firstByteTimeoutMs: 1500, idleTimeoutMs: 1500, requestTimeoutMs: 3000 }, streaming: { connectTimeoutMs: 1500, idleTimeoutMs: 1500 } },
      realtime: { client: { handshakeTimeoutMs: 1500 } },
    });
  });

  it('builds the same engines with a deadline', () => {
    expect(createProductEngines({ vendorTimeoutMs: 1500 }).types).toEqual(['echo', 'bridge', 'voice', 'realtime']);
  });
});
