/**
 * The caller audio an agent wants, for answer documents that let the provider's stream choose
 * (Vobiz/Plivo `contentType`, Exotel `sample-rate`): the rate its engine works at, so that the
 * media-edge resamples as little as possible.
 */
import type { AnswerSampleRate } from '@vr3/providers';

/**
 * Rate of an engine that sets none in its configuration: echo works at 16 kHz by default, the voice
 * pipeline at 16 kHz; the realtime engine passes μ-law 8 kHz through untouched, and a bridged bot
 * is given telephone audio unless its `sample_rate` says otherwise.
 */
const ENGINE_DEFAULT_RATE: Readonly<Record<string, AnswerSampleRate>> = Object.freeze({
  echo: 16000,
  voice: 16000,
  realtime: 8000,
  bridge: 8000,
});

/** Highest rate an answer document asks for (telephony streams stop at 24 kHz). */
const MAX_RATE: AnswerSampleRate = 24000;

/**
 * The rate to ask the provider for: the engine configuration's `sample_rate` (capped at 24 kHz; a
 * bridge sending `encoding: "l16"` at 8 kHz still counts as 8 kHz), else the engine's default
 * rate, else 8 kHz.
 */
export function agentSampleRate(engine: unknown): AnswerSampleRate {
  if (engine === null || typeof engine !== 'object') return 8000;
  const config = engine as { type?: unknown; sample_rate?: unknown };
  const rate = config.sample_rate;
  if (typeof rate === 'number') return rate >= MAX_RATE ? MAX_RATE : rate >= 16000 ? 16000 : 8000;
  const type = typeof config.type === 'string' ? config.type : '';
  return Object.hasOwn(ENGINE_DEFAULT_RATE, type) ? (ENGINE_DEFAULT_RATE[type] ?? 8000) : 8000;
}
