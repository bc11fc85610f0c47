/**
 * Options of the ElevenLabs streaming TTS client and the multi-stream-input URL they make. Reads no
 * environment: the caller passes the key and the `base_url` of the service credential.
 */
import type { RemoteAddressPolicy } from '@vr3/providers';
import { vendorUrl } from '../streaming/connection.ts';
import type { VendorConnectionOptions } from '../streaming/connection.ts';
import { VendorError } from '../errors.ts';
import type { TtsAudioEncoding } from '../streaming/tts.ts';

/** `wss://api.elevenlabs.io`: ElevenLabs' API host; a credential's `base_url` replaces it. */
export const ELEVENLABS_BASE_URL = 'wss://api.elevenlabs.io';

/** Raw output formats: 16-bit PCM at a sample rate, or μ-law at 8 kHz (telephony, no resampling). */
export const ELEVENLABS_OUTPUT_FORMATS = {
  pcm_8000: { encoding: 'pcm_s16le', sampleRate: 8000 },
  pcm_16000: { encoding: 'pcm_s16le', sampleRate: 16000 },
  pcm_22050: { encoding: 'pcm_s16le', sampleRate: 22050 },
  pcm_24000: { encoding: 'pcm_s16le', sampleRate: 24000 },
  pcm_44100: { encoding: 'pcm_s16le', sampleRate: 44100 },
  ulaw_8000: { encoding: 'mulaw', sampleRate: 8000 },
} as const satisfies Record<string, { encoding: TtsAudioEncoding; sampleRate: number }>;

/** One of the keys of {@link ELEVENLABS_OUTPUT_FORMATS}. */
export type ElevenLabsOutputFormat = keyof typeof ELEVENLABS_OUTPUT_FORMATS;

/** Voice settings sent when a context opens (ElevenLabs' names). */
export interface ElevenLabsVoiceSettings {
  stability?: number;
  similarity_boost?: number;
  style?: number;
  use_speaker_boost?: boolean;
  speed?: number;
}

/** Options of {@link connectElevenLabsTts}. Connection options as for every streaming vendor. */
export interface ElevenLabsTtsOptions extends VendorConnectionOptions {
  /** Sent as the `xi-api-key` header. */
  apiKey: string;
  voiceId: string;
  /** Default {@link ELEVENLABS_TTS_DEFAULTS}.modelId. */
  modelId?: string | undefined;
  /** Default `pcm_16000`. */
  outputFormat?: ElevenLabsOutputFormat | undefined;
  voiceSettings?: ElevenLabsVoiceSettings | undefined;
  /** ISO 639-1 code, for models that take one. */
  languageCode?: string | undefined;
  /** Seconds a context may stay without input before ElevenLabs closes it (1–180). ElevenLabs' default (20) when absent. */
  inactivityTimeoutSec?: number | undefined;
  /** ElevenLabs' `auto_mode` (lower latency for whole sentences). Not sent when absent. */
  autoMode?: boolean | undefined;
  /** ElevenLabs' `enable_logging` (false: zero retention, enterprise). Not sent when absent. */
  enableLogging?: boolean | undefined;
}

/** Defaults of {@link ElevenLabsTtsOptions} and of ElevenLabs' connection options. */
export const ELEVENLABS_TTS_DEFAULTS = Object.freeze({
  modelId: 'eleven_flash_v2_5',
  outputFormat: 'pcm_16000' as ElevenLabsOutputFormat,
  /** 10 s: a context closes after 20 s without input (ElevenLabs' default `inactivity_timeout`). */
  keepAliveIntervalMs: 10_000,
});

const VOICE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The multi-stream-input WebSocket URL of `options` (always with `sync_alignment=true`: the
 * character timings are what "what was heard" is computed from).
 *
 * @throws VendorError `invalid_option` or `address_not_allowed`.
 */
export function elevenLabsStreamUrl(options: ElevenLabsTtsOptions, policy: RemoteAddressPolicy): URL {
  const invalid = (message: string): VendorError => new VendorError('elevenlabs', 'invalid_option', message);
  if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') throw invalid('apiKey is required');
  if (typeof options.voiceId !== 'string' || !VOICE_ID.test(options.voiceId)) throw invalid('voiceId must be 1–64 letters, digits, _ or -');
  const format = options.outputFormat ?? ELEVENLABS_TTS_DEFAULTS.outputFormat;
  if (!Object.hasOwn(ELEVENLABS_OUTPUT_FORMATS, format)) throw invalid('outputFormat must be a raw PCM or μ-law format');
  const timeout = options.inactivityTimeoutSec;
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1 || timeout > 180)) throw invalid('inactivityTimeoutSec must be an integer from 1 to 180');

  const q = new URLSearchParams();
  q.set('model_id', options.modelId ?? ELEVENLABS_TTS_DEFAULTS.modelId);
  q.set('output_format', format);
  q.set('sync_alignment', 'true');
  if (options.languageCode !== undefined) q.set('language_code', options.languageCode);
  if (timeout !== undefined) q.set('inactivity_timeout', String(timeout));
  if (options.autoMode !== undefined) q.set('auto_mode', String(options.autoMode));
  if (options.enableLogging !== undefined) q.set('enable_logging', String(options.enableLogging));
  return vendorUrl('elevenlabs', options.baseUrl, ELEVENLABS_BASE_URL, `/v1/text-to-speech/${options.voiceId}/multi-stream-input`, q, policy);
}
