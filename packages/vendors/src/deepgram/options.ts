/**
 * Options of the Deepgram live client and the `/v1/listen` URL they make. Reads no environment:
 * the caller passes the key and the `base_url` of the service credential.
 */
import type { RemoteAddressPolicy } from '@vr3/providers';
import { vendorUrl } from '../streaming/connection.ts';
import type { VendorConnectionOptions } from '../streaming/connection.ts';
import { VendorError } from '../errors.ts';

/** `wss://api.deepgram.com`: Deepgram's API host; a credential's `base_url` replaces it. */
export const DEEPGRAM_BASE_URL = 'wss://api.deepgram.com';

/** Audio encodings the client sends: 16-bit little-endian PCM, or G.711 μ-law (telephony, no resampling). */
export type DeepgramEncoding = 'linear16' | 'mulaw';

/** Options of {@link connectDeepgramLive}. Connection options as for every streaming vendor. */
export interface DeepgramLiveOptions extends VendorConnectionOptions {
  /** Sent as `Authorization: Token <apiKey>`. */
  apiKey: string;
  /** Default {@link DEEPGRAM_LIVE_DEFAULTS}.model. */
  model?: string | undefined;
  encoding: DeepgramEncoding;
  /** Hz, an integer from 8000 to 48000 (the telephony path uses 8000 or 16000). Mono only. */
  sampleRate: number;
  /** BCP-47 tag (`en`, `en-US`, `multi`); Deepgram's default when absent. */
  language?: string | undefined;
  /** Interim (non-final) results as speech goes on. Default true. */
  interimResults?: boolean | undefined;
  /** Silence that ends speech (`speech_final`), in ms, or `false` to disable. Default 300. */
  endpointingMs?: number | false | undefined;
  /** Gap after the last word that sends `UtteranceEnd`, in ms (≥ 1000), or `false`. Needs interim results. Default 1000. */
  utteranceEndMs?: number | false | undefined;
  /** `SpeechStarted` events. Default true. */
  vadEvents?: boolean | undefined;
  /** Deepgram's smart formatting (numbers, dates, punctuation). Default true. */
  smartFormat?: boolean | undefined;
  /** Punctuation and capitalization (implied by smart formatting). Default: not sent. */
  punctuate?: boolean | undefined;
  /** Key terms to boost (Nova-3 `keyterm`, one parameter each). */
  keyterms?: readonly string[] | undefined;
  /** Other query parameters, passed as they are (never the key). */
  extraParams?: Readonly<Record<string, string>> | undefined;
}

/** Defaults of {@link DeepgramLiveOptions} and of Deepgram's connection options. */
export const DEEPGRAM_LIVE_DEFAULTS = Object.freeze({
  model: 'nova-3',
  interimResults: true,
  endpointingMs: 300,
  utteranceEndMs: 1000,
  vadEvents: true,
  smartFormat: true,
  /** 1 MiB: Deepgram sends JSON results of a few KB. */
  maxMessageBytes: 1024 * 1024,
  /** 4 s: Deepgram closes a socket that received nothing for 10 s (NET-0001). */
  keepAliveIntervalMs: 4_000,
});

/**
 * The `/v1/listen` WebSocket URL of `options`.
 *
 * @throws VendorError `invalid_option` or `address_not_allowed`.
 */
export function deepgramListenUrl(options: DeepgramLiveOptions, policy: RemoteAddressPolicy): URL {
  const invalid = (message: string): VendorError => new VendorError('deepgram', 'invalid_option', message);
  if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') throw invalid('apiKey is required');
  if (options.encoding !== 'linear16' && options.encoding !== 'mulaw') throw invalid('encoding must be linear16 or mulaw');
  if (!Number.isInteger(options.sampleRate) || options.sampleRate < 8000 || options.sampleRate > 48000) throw invalid('sampleRate must be an integer from 8000 to 48000');
  const endpointing = options.endpointingMs ?? DEEPGRAM_LIVE_DEFAULTS.endpointingMs;
  if (endpointing !== false && (!Number.isInteger(endpointing) || endpointing < 10)) throw invalid('endpointingMs must be an integer ≥ 10 or false');
  const utteranceEnd = options.utteranceEndMs ?? DEEPGRAM_LIVE_DEFAULTS.utteranceEndMs;
  if (utteranceEnd !== false && (!Number.isInteger(utteranceEnd) || utteranceEnd < 1000)) throw invalid('utteranceEndMs must be an integer ≥ 1000 or false');
  const interim = options.interimResults ?? DEEPGRAM_LIVE_DEFAULTS.interimResults;
  if (utteranceEnd !== false && !interim) throw invalid('utteranceEndMs needs interimResults');

  const q = new URLSearchParams();
  q.set('model', options.model ?? DEEPGRAM_LIVE_DEFAULTS.model);
  q.set('encoding', options.encoding);
  q.set('sample_rate', String(options.sampleRate));
  q.set('channels', '1');
  if (options.language !== undefined) q.set('language', options.language);
  q.set('interim_results', String(interim));
  q.set('endpointing', String(endpointing));
  if (utteranceEnd !== false) q.set('utterance_end_ms', String(utteranceEnd));
  q.set('vad_events', String(options.vadEvents ?? DEEPGRAM_LIVE_DEFAULTS.vadEvents));
  q.set('smart_format', String(options.smartFormat ?? DEEPGRAM_LIVE_DEFAULTS.smartFormat));
  if (options.punctuate !== undefined) q.set('punctuate', String(options.punctuate));
  for (const term of options.keyterms ?? []) q.append('keyterm', term);
  for (const [name, value] of Object.entries(options.extraParams ?? {})) {
    if (name.toLowerCase() === 'token' || name.toLowerCase() === 'api_key') throw invalid('extraParams must not carry a credential');
    q.set(name, value);
  }
  return vendorUrl('deepgram', options.baseUrl, DEEPGRAM_BASE_URL, '/v1/listen', q, policy);
}
