/**
 * `@vr3/engine-bridge`: the `bridge` agent engine. Each call is connected to the customer's bot
 * WebSocket in the protocol the bot already speaks — Twilio, Exotel, Vobiz, Plivo or Cloudonix
 * Media Streams, played by us as that provider — or in our own `vr3` protocol.
 */
export { createBridgeEngine } from './engine.ts';
export { BRIDGE_DEFAULTS, type BridgeEngineOptions } from './options.ts';
export { BridgeSession, type BridgeSessionStats } from './session.ts';
export { bridgeEngineSpec, BridgeConfigSchema, BRIDGE_PROTOCOLS, DEFAULT_BRIDGE_CONNECT_TIMEOUT_MS, type BridgeConfig, type BridgeProtocol } from './spec.ts';
export { BRIDGE_FAILURES, BotFrameError, BotFrameErrorCode, type BridgeFailureReason } from './errors.ts';
export {
  VR3_PROTOCOL_VERSION,
  parseVr3BotFrame,
  parseVr3ServerFrame,
  type Vr3StartFrame,
  type Vr3ServerFrame,
  type Vr3BotFrame,
} from './vr3-protocol.ts';
