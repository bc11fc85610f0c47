/**
 * The product's view of a Realtime session's settings, and the `session.update` it becomes (GA
 * shape: `session.type = "realtime"`, audio settings under `audio.input` / `audio.output`). Pure.
 */
import type { FunctionTool } from '../openai-compatible/chat-types.ts';

/**
 * An audio format of the session: `pcm16` (PCM16 LE mono 24 kHz), `pcmu` (G.711 μ-law 8 kHz, so a
 * μ-law call passes through without resampling) or `pcma` (G.711 A-law 8 kHz).
 */
export type RealtimeAudioFormat = 'pcm16' | 'pcmu' | 'pcma';

/** The wire form of each {@link RealtimeAudioFormat}. */
export const REALTIME_AUDIO_FORMATS = {
  pcm16: { type: 'audio/pcm', rate: 24_000 },
  pcmu: { type: 'audio/pcmu' },
  pcma: { type: 'audio/pcma' },
} as const satisfies Record<RealtimeAudioFormat, { type: string; rate?: number }>;

/** Turn detection by the vendor. Omitted fields keep the vendor's defaults. */
export type RealtimeTurnDetection =
  | {
      type: 'server_vad';
      /** 0–1, higher needs louder speech. */
      threshold?: number | undefined;
      prefixPaddingMs?: number | undefined;
      silenceDurationMs?: number | undefined;
      /** Start a response when speech stops (default true at the vendor). */
      createResponse?: boolean | undefined;
      /** Cancel the current response when speech starts (default true at the vendor). */
      interruptResponse?: boolean | undefined;
    }
  | { type: 'semantic_vad'; eagerness?: 'low' | 'medium' | 'high' | 'auto' | undefined; createResponse?: boolean | undefined; interruptResponse?: boolean | undefined };

/** Settings of a Realtime session; only the fields given are sent (the vendor keeps the rest). */
export interface RealtimeSessionConfig {
  instructions?: string | undefined;
  voice?: string | undefined;
  inputFormat?: RealtimeAudioFormat | undefined;
  outputFormat?: RealtimeAudioFormat | undefined;
  /** `null` turns detection off: the client commits audio and asks for responses itself. */
  turnDetection?: RealtimeTurnDetection | null | undefined;
  /** Transcribe the caller's audio with this model (`audio.input.transcription`). */
  inputTranscriptionModel?: string | undefined;
  /** The caller's language (ISO-639), a hint for that transcription. */
  inputTranscriptionLanguage?: string | undefined;
  tools?: readonly FunctionTool[] | undefined;
  toolChoice?: 'auto' | 'none' | 'required' | { name: string } | undefined;
  /** Default `['audio']` (the transcript of the audio still streams). */
  outputModalities?: readonly ('audio' | 'text')[] | undefined;
  /** Further `session` fields for newer API features; the fields above win. */
  extra?: Readonly<Record<string, unknown>> | undefined;
}

/** The `session` object of the `session.update` for `config`. */
export function sessionUpdatePayload(config: RealtimeSessionConfig): Record<string, unknown> {
  const session: Record<string, unknown> = { ...config.extra, type: 'realtime', output_modalities: config.outputModalities ?? ['audio'] };
  if (config.instructions !== undefined) session.instructions = config.instructions;
  const input: Record<string, unknown> = {};
  if (config.inputFormat !== undefined) input.format = REALTIME_AUDIO_FORMATS[config.inputFormat];
  if (config.turnDetection !== undefined) input.turn_detection = config.turnDetection === null ? null : turnDetectionWire(config.turnDetection);
  if (config.inputTranscriptionModel !== undefined) {
    input.transcription = { model: config.inputTranscriptionModel, ...(config.inputTranscriptionLanguage === undefined ? {} : { language: config.inputTranscriptionLanguage }) };
  }
  const output: Record<string, unknown> = {};
  if (config.outputFormat !== undefined) output.format = REALTIME_AUDIO_FORMATS[config.outputFormat];
  if (config.voice !== undefined) output.voice = config.voice;
  const audio: Record<string, unknown> = {};
  if (Object.keys(input).length > 0) audio.input = input;
  if (Object.keys(output).length > 0) audio.output = output;
  if (Object.keys(audio).length > 0) session.audio = audio;
  if (config.tools !== undefined) {
    session.tools = config.tools.map((t) => ({ type: 'function', name: t.name, ...(t.description === undefined ? {} : { description: t.description }), parameters: t.parameters }));
  }
  if (config.toolChoice !== undefined) {
    session.tool_choice = typeof config.toolChoice === 'string' ? config.toolChoice : { type: 'function', name: config.toolChoice.name };
  }
  return session;
}

function turnDetectionWire(td: RealtimeTurnDetection): Record<string, unknown> {
  const out: Record<string, unknown> = { type: td.type };
  if (td.type === 'server_vad') {
    if (td.threshold !== undefined) out.threshold = td.threshold;
    if (td.prefixPaddingMs !== undefined) out.prefix_padding_ms = td.prefixPaddingMs;
    if (td.silenceDurationMs !== undefined) out.silence_duration_ms = td.silenceDurationMs;
  } else if (td.eagerness !== undefined) out.eagerness = td.eagerness;
  if (td.createResponse !== undefined) out.create_response = td.createResponse;
  if (td.interruptResponse !== undefined) out.interrupt_response = td.interruptResponse;
  return out;
}
