import type { Engine } from '@vr3/agent';
import { resolveBridgeOptions } from './options.ts';
import type { BridgeEngineOptions } from './options.ts';
import { createBotProtocol } from './protocols/index.ts';
import { BridgeSession } from './session.ts';
import { bridgeEngineSpec } from './spec.ts';
import type { BridgeConfig } from './spec.ts';

/**
 * The `bridge` engine: each call's session opens a WebSocket to the customer's bot and speaks to
 * it as the configured provider would (or in our `vr3` protocol). Options bound what a bot may do
 * (see {@link BRIDGE_DEFAULTS}); throws a `RangeError` for an option that is not a positive number.
 */
export function createBridgeEngine(options: BridgeEngineOptions = {}): Engine<BridgeConfig> {
  const resolved = resolveBridgeOptions(options);
  return {
    spec: bridgeEngineSpec,
    createSession: (ctx) => new BridgeSession(ctx, createBotProtocol(ctx.config, ctx.call), resolved),
  };
}
