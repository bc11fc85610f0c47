/**
 * What a `realtime` agent's configuration asks of the vendor session: its `session.update`
 * (instructions, voice, audio formats, server VAD, caller transcription, tools) and its barge-in
 * settings. Pure.
 */
import { toolFunctions } from '@vr3/tools';
import type { RealtimeAudioFormat, RealtimeSessionConfig, RealtimeTurnDetection } from '@vr3/vendors';
import { INTERRUPTION_DEFAULTS } from './interruption.ts';
import type { RealtimeRuntimeConfig } from './spec.ts';

/** The agent's barge-in settings: `enabled` (default true) and `minDurationMs` (default {@link INTERRUPTION_DEFAULTS}). */
export function interruptionOf(config: RealtimeRuntimeConfig): { enabled: boolean; minDurationMs: number } {
  return {
    enabled: config.interruption?.enabled !== false,
    minDurationMs: config.interruption?.min_duration_ms ?? INTERRUPTION_DEFAULTS.minDurationMs,
  };
}

/**
 * Server VAD; the vendor answers each turn itself (`createResponse`) except while the agent is
 * paused. It cancels the response on speech only when any speech interrupts (`min_duration_ms: 0`).
 */
export function turnDetectionOf(config: RealtimeRuntimeConfig, createResponse: boolean): RealtimeTurnDetection {
  const interruption = interruptionOf(config);
  return {
    type: 'server_vad',
    threshold: config.vad?.threshold,
    prefixPaddingMs: config.vad?.prefix_padding_ms,
    silenceDurationMs: config.endpointing?.silence_ms,
    createResponse,
    interruptResponse: interruption.enabled && interruption.minDurationMs === 0,
  };
}

/** The session's first `session.update`: `instructions` (the rendered prompt) and `wire` audio both ways. */
export function sessionConfigOf(config: RealtimeRuntimeConfig, wire: RealtimeAudioFormat, instructions: string): RealtimeSessionConfig {
  const tools = toolFunctions(config.tools);
  return {
    instructions,
    voice: config.llm.voice,
    inputFormat: wire,
    outputFormat: wire,
    turnDetection: turnDetectionOf(config, true),
    inputTranscriptionModel: config.transcription?.model,
    inputTranscriptionLanguage: config.transcription === undefined ? undefined : config.language,
    tools: tools.length > 0 ? tools : undefined,
  };
}
