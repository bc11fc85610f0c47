import { AudioEncoding } from '@vr3/protocol';
import type { MediaFormat } from '@vr3/protocol';
import type { ProviderSettingSpec, StreamAdapterOptions } from '../adapter.ts';
import { TWILIO_STYLE_ENCODINGS } from '../media-format.ts';
import { minimumChunkFraming, settingValue } from '../settings.ts';
import { TwilioStyleStreamAdapter } from '../twilio-style/stream-adapter.ts';
import type { TwilioStyleProfile } from '../twilio-style/stream-adapter.ts';
import type { ProviderDescriptor } from '../descriptor.ts';
import { exotelTelephony } from './telephony.ts';
import { exotelParseCallback, exotelPlaceCall } from './call-control.ts';

/** Exotel's outbound chunk rules: at least 3200 bytes, a multiple of 320 bytes (and at most 100 KB). */
export const EXOTEL_MIN_CHUNK_BYTES = 3200;
export const EXOTEL_CHUNK_MULTIPLE_BYTES = 320;
export const EXOTEL_MAX_CHUNK_BYTES = 100_000;

/** Sample rates Exotel streams at (`?sample-rate=`); 8000 is the default. */
export const EXOTEL_SAMPLE_RATES: readonly number[] = Object.freeze([8000, 16000, 24000]);

/**
 * Encodings seen on Exotel sockets: raw/slin PCM16 is **little-endian** (Exotel's audio table), so
 * every L16 spelling maps to `pcm16le` here, unlike RFC 3551 L16. μ-law appears on Legs API streams;
 * `base64` (a transport name some captures put here) means the usual PCM16 LE.
 */
export const EXOTEL_ENCODINGS: Readonly<Record<string, AudioEncoding>> = Object.freeze({
  ...Object.fromEntries(Object.entries(TWILIO_STYLE_ENCODINGS).filter(([, e]) => e !== AudioEncoding.Pcm16Be)),
  'audio/x-raw': AudioEncoding.Pcm16Le,
  'raw/slin': AudioEncoding.Pcm16Le,
  slin: AudioEncoding.Pcm16Le,
  'audio/x-l16': AudioEncoding.Pcm16Le,
  'audio/l16': AudioEncoding.Pcm16Le,
  l16: AudioEncoding.Pcm16Le,
  pcm: AudioEncoding.Pcm16Le,
  linear16: AudioEncoding.Pcm16Le,
  // Some Exotel captures name the transport encoding here; the audio is still PCM16 LE.
  base64: AudioEncoding.Pcm16Le,
});

/**
 * Outbound id key. Exotel's docs and pipecat send `stream_sid`; Exotel's own Agent-Stream code sends
 * `streamSid`. The documented form is the default.
 */
export const EXOTEL_ID_KEY_SETTING: ProviderSettingSpec = Object.freeze({
  key: 'outbound_stream_id_key',
  values: Object.freeze(['stream_sid', 'streamSid']),
  default: 'stream_sid',
  description: 'Key carrying the stream id on media/mark/clear sent to Exotel.',
});

/** The format assumed until `start` says otherwise: PCM16 LE at the `sample-rate` query rate (8000 when absent or unsupported). */
export function exotelDefaultFormat(query: Readonly<Record<string, string>> | undefined): MediaFormat {
  const rate = Number(query?.['sample-rate']);
  return { encoding: AudioEncoding.Pcm16Le, sampleRate: EXOTEL_SAMPLE_RATES.includes(rate) ? rate : 8000 };
}

function profile(options: StreamAdapterOptions | undefined): TwilioStyleProfile {
  return {
    provider: 'exotel',
    defaultFormat: exotelDefaultFormat(options?.query),
    encodings: EXOTEL_ENCODINGS,
    readsSession: false,
    outboundIdKey: (settings) => settingValue(settings, EXOTEL_ID_KEY_SETTING),
    framing: (format) => minimumChunkFraming(format, EXOTEL_MIN_CHUNK_BYTES, EXOTEL_CHUNK_MULTIPLE_BYTES),
  };
}

/**
 * Exotel AgentStream (Voicebot applet, Connect Voice AI): `connected` then `start` in snake_case,
 * PCM16 LE at 8/16/24 kHz (`start.media_format`, else the `sample-rate` query parameter), `media`
 * chunks of ≥ 3200 B in multiples of 320 B, `mark`/`clear`, and `stop` with a `reason`.
 */
export const exotelProvider: ProviderDescriptor<'exotel'> = Object.freeze({
  name: 'exotel',
  handshake: 'connected-then-start',
  streamEnd: 'stop-event',
  accountSource: 'start',
  accountParams: Object.freeze(['AccountSid', 'account_sid']),
  settings: Object.freeze([EXOTEL_ID_KEY_SETTING]),
  createStreamAdapter: (options?: StreamAdapterOptions): TwilioStyleStreamAdapter => new TwilioStyleStreamAdapter(profile(options)),
  telephony: exotelTelephony,
  placeCall: exotelPlaceCall,
  parseCallback: exotelParseCallback,
});
