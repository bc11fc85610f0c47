/**
 * Options of the Cartesia streaming TTS client, its `/tts/websocket` URL and the generation request
 * every message of a context repeats. Reads no environment: the caller passes the key and the
 * `base_url` of the service credential.
 */
import type { RemoteAddressPolicy } from '@vr3/providers';
import { vendorUrl } from '../streaming/connection.ts';
import type { VendorConnectionOptions } from '../streaming/connection.ts';
import { VendorError } from '../errors.ts';
import type { TtsAudioEncoding } from '../streaming/tts.ts';

/** `wss://api.cartesia.ai`: Cartesia's API host; a credential's `base_url` replaces it. */
export const CARTESIA_BASE_URL = 'wss://api.cartesia.ai';

/** The `Cartesia-Version` sent when the caller names none. */
export const CARTESIA_DEFAULT_VERSION = '2025-04-16';

/** Cartesia's names of the raw encodings a client can ask for. */
export const CARTESIA_ENCODINGS = { pcm_s16le: 'pcm_s16le', mulaw: 'pcm_mulaw' } as const satisfies Record<TtsAudioEncoding, string>;

/** Options of {@link connectCartesiaTts}. Connection options as for every streaming vendor. */
export interface CartesiaTtsOptions extends VendorConnectionOptions {
  /** Sent as the `X-API-Key` header. */
  apiKey: string;
  /** Default {@link CARTESIA_TTS_DEFAULTS}.modelId. */
  modelId?: string | undefined;
  /** A voice id (`voice: {mode: "id", id}`). */
  voiceId: string;
  /** Language code (`en`, `fr`, …); Cartesia's default when absent. */
  language?: string | undefined;
  /** `pcm_s16le` (default) or `mulaw` (Cartesia `pcm_mulaw`, telephony without resampling). */
  encoding?: TtsAudioEncoding | undefined;
  /** Hz, an integer from 8000 to 48000. Default 16000. */
  sampleRate?: number | undefined;
  /** `Cartesia-Version` header. Default {@link CARTESIA_DEFAULT_VERSION}. */
  version?: string | undefined;
  /** Ask for word timestamps (`add_timestamps`). Default true. */
  addTimestamps?: boolean | undefined;
  /** Longest Cartesia buffers text before speaking it, in ms (`max_buffer_delay_ms`); Cartesia's default when absent. */
  maxBufferDelayMs?: number | undefined;
}

/** Defaults of {@link CartesiaTtsOptions} and of Cartesia's connection options. */
export const CARTESIA_TTS_DEFAULTS = Object.freeze({
  modelId: 'sonic-2',
  encoding: 'pcm_s16le' as TtsAudioEncoding,
  sampleRate: 16000,
  addTimestamps: true,
  /** 30 s of WebSocket pings: Cartesia has no keep-alive message and drops sockets idle for 5 minutes. */
  keepAliveIntervalMs: 30_000,
});

/** The fields every generation request of a context repeats (Cartesia requires them identical). */
export type CartesiaRequestBase = Readonly<Record<string, unknown>>;

/** What {@link cartesiaSetup} makes of the options. */
export interface CartesiaSetup {
  url: URL;
  headers: Record<string, string>;
  encoding: TtsAudioEncoding;
  sampleRate: number;
  request: CartesiaRequestBase;
}

/**
 * The URL, headers and request fields of `options`.
 *
 * @throws VendorError `invalid_option` or `address_not_allowed`.
 */
export function cartesiaSetup(options: CartesiaTtsOptions, policy: RemoteAddressPolicy): CartesiaSetup {
  const invalid = (message: string): VendorError => new VendorError('cartesia', 'invalid_option', message);
  if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') throw invalid('apiKey is required');
  if (typeof options.voiceId !== 'string' || options.voiceId.trim() === '') throw invalid('voiceId is required');
  const encoding = options.encoding ?? CARTESIA_TTS_DEFAULTS.encoding;
  if (!Object.hasOwn(CARTESIA_ENCODINGS, encoding)) throw invalid('encoding must be pcm_s16le or mulaw');
  const sampleRate = options.sampleRate ?? CARTESIA_TTS_DEFAULTS.sampleRate;
  if (!Number.isInteger(sampleRate) || sampleRate < 8000 || sampleRate > 48000) throw invalid('sampleRate must be an integer from 8000 to 48000');
  const delay = options.maxBufferDelayMs;
  if (delay !== undefined && (!Number.isInteger(delay) || delay < 0 || delay > 5000)) throw invalid('maxBufferDelayMs must be an integer from 0 to 5000');

  const request: Record<string, unknown> = {
    model_id: options.modelId ?? CARTESIA_TTS_DEFAULTS.modelId,
    voice: { mode: 'id', id: options.voiceId },
    output_format: { container: 'raw', encoding: CARTESIA_ENCODINGS[encoding], sample_rate: sampleRate },
    add_timestamps: options.addTimestamps ?? CARTESIA_TTS_DEFAULTS.addTimestamps,
  };
  if (options.language !== undefined) request.language = options.language;
  if (delay !== undefined) request.max_buffer_delay_ms = delay;
  return {
    url: vendorUrl('cartesia', options.baseUrl, CARTESIA_BASE_URL, '/tts/websocket', new URLSearchParams(), policy),
    headers: { 'X-API-Key': options.apiKey, 'Cartesia-Version': options.version ?? CARTESIA_DEFAULT_VERSION },
    encoding,
    sampleRate,
    request: Object.freeze(request),
  };
}
