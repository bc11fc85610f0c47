/** Limits of one bridge engine (every session it creates), each with its unit in the name. */
export interface BridgeEngineOptions {
  /** Largest WebSocket message accepted from a bot. A bigger one cuts the bot off (`agent_error`). */
  maxPayloadBytes?: number;
  /** Sustained rate of bot messages allowed, per second. */
  maxFramesPerSecond?: number;
  /** Bot messages allowed in a burst above {@link maxFramesPerSecond} (an utterance sent faster than real time). */
  frameBurst?: number;
  /** Bytes the bot socket may hold unsent before caller audio waits in the queue instead. */
  maxBufferedBytes?: number;
  /** Caller audio kept while the bot connects or falls behind, in ms; beyond it the oldest is dropped. */
  maxQueuedAudioMs?: number;
  /** How long `close()` waits for the bot's closing handshake before terminating the socket. */
  closeTimeoutMs?: number;
  /** Longest mark (checkpoint) name accepted from a bot, in characters. */
  maxMarkNameLength?: number;
  /** Bot marks waiting to be played at once; a mark beyond it is skipped (counted as malformed). */
  maxPendingMarks?: number;
}

/**
 * Defaults of {@link BridgeEngineOptions}.
 * - `maxPayloadBytes` 1 MiB: 5 s of 48 kHz PCM16 as base64 JSON, or an Exotel 100 KB chunk many times over.
 * - `maxFramesPerSecond` 500 with `frameBurst` 3000: real-time bots send 25–100 messages a second,
 *   and a bot dumping a minute of TTS in 20 ms chunks at once stays within the burst; a bot in a
 *   send loop empties the bucket within a fraction of a second and is cut off.
 * - `maxBufferedBytes` 64 KiB: ~2 s of 16 kHz PCM16 in flight toward a bot that reads slowly.
 * - `maxQueuedAudioMs` 2000: the caller's first words while the bot connects (a typical bot
 *   answers the upgrade well within it), and the bound on audio waiting for a slow bot.
 * - `closeTimeoutMs` 1000, `maxMarkNameLength` 256, `maxPendingMarks` 256.
 */
export const BRIDGE_DEFAULTS: Readonly<Required<BridgeEngineOptions>> = Object.freeze({
  maxPayloadBytes: 1 << 20,
  maxFramesPerSecond: 500,
  frameBurst: 3000,
  maxBufferedBytes: 64 * 1024,
  maxQueuedAudioMs: 2000,
  closeTimeoutMs: 1000,
  maxMarkNameLength: 256,
  maxPendingMarks: 256,
});

/** `options` over {@link BRIDGE_DEFAULTS}; throws a `RangeError` naming the first option that is not a positive number. */
export function resolveBridgeOptions(options: BridgeEngineOptions = {}): Readonly<Required<BridgeEngineOptions>> {
  const resolved = { ...BRIDGE_DEFAULTS };
  for (const key of Object.keys(BRIDGE_DEFAULTS) as Array<keyof BridgeEngineOptions>) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new RangeError(`bridge option ${key} must be a positive number`);
    resolved[key] = value;
  }
  return Object.freeze(resolved);
}
