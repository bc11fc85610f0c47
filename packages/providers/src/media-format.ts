/**
 * Reads the `mediaFormat` / `media_format` object of a Twilio-style `start` event into a
 * {@link MediaFormat}. Internal to the package.
 */
import { AudioEncoding } from '@vr3/protocol';
import type { MediaFormat } from '@vr3/protocol';
import { ProviderFrameError } from './errors.ts';
import { isJsonObject, pick } from './frame-fields.ts';

/**
 * Encoding names seen on Twilio-compatible sockets, lower-cased, without MIME parameters.
 * `audio/l16` is big-endian: RFC 3551 §4.5.11 defines L16 in network byte order.
 */
export const TWILIO_STYLE_ENCODINGS: Readonly<Record<string, AudioEncoding>> = Object.freeze({
  'audio/x-mulaw': AudioEncoding.Mulaw,
  'audio/mulaw': AudioEncoding.Mulaw,
  'audio/pcmu': AudioEncoding.Mulaw,
  'audio/basic': AudioEncoding.Mulaw,
  mulaw: AudioEncoding.Mulaw,
  ulaw: AudioEncoding.Mulaw,
  pcmu: AudioEncoding.Mulaw,
  'audio/x-alaw': AudioEncoding.Alaw,
  'audio/alaw': AudioEncoding.Alaw,
  'audio/pcma': AudioEncoding.Alaw,
  alaw: AudioEncoding.Alaw,
  pcma: AudioEncoding.Alaw,
  'audio/l16': AudioEncoding.Pcm16Be,
  'audio/x-l16': AudioEncoding.Pcm16Be,
  l16: AudioEncoding.Pcm16Be,
});

/** Sample rates the codec layer resamples from. */
const SUPPORTED_RATES: ReadonlySet<number> = new Set([8000, 16000, 24000, 48000]);

function unsupported(message: string): ProviderFrameError {
  return new ProviderFrameError('unsupported_media_format', message);
}

/** `8000`, `"8000"`, `"8000Hz"`, `"8000 hz"` → 8000; anything else → `NaN`. */
function parseRate(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return Number.NaN;
  const m = /^\s*(\d+)\s*(?:hz)?\s*$/i.exec(value);
  return m?.[1] === undefined ? Number.NaN : Number(m[1]);
}

/**
 * Normalizes a provider media-format object.
 * - absent (`undefined`/`null`) → `fallback`;
 * - `encoding` looked up in `encodings` (case-insensitive, MIME parameters such as `;rate=8000`
 *   ignored, a `rate=` parameter used when no `sampleRate` is given); absent → `fallback.encoding`;
 * - `sampleRate`/`sample_rate` as a number or numeric string; absent → `fallback.sampleRate`;
 * - `channels`, when present, must be 1.
 * Throws `unsupported_media_format` for anything else, `malformed_frame` when it is not an object.
 */
export function readMediaFormat(
  value: unknown,
  fallback: MediaFormat,
  encodings: Readonly<Record<string, AudioEncoding>> = TWILIO_STYLE_ENCODINGS,
): MediaFormat {
  if (value === undefined || value === null) return { encoding: fallback.encoding, sampleRate: fallback.sampleRate };
  if (!isJsonObject(value)) throw new ProviderFrameError('malformed_frame', 'media format is not an object');

  let encoding = fallback.encoding;
  let mimeRate: string | undefined;
  const rawEncoding = value.encoding;
  if (rawEncoding !== undefined) {
    if (typeof rawEncoding !== 'string') throw unsupported('media encoding is not a string');
    const [name = '', ...params] = rawEncoding.toLowerCase().split(';');
    const mapped = Object.hasOwn(encodings, name.trim()) ? encodings[name.trim()] : undefined;
    if (mapped === undefined) throw unsupported('media encoding is not supported');
    encoding = mapped;
    for (const p of params) {
      const [k, v] = p.split('=');
      if (k?.trim() === 'rate' && v !== undefined) mimeRate = v;
    }
  }

  let sampleRate = fallback.sampleRate;
  const rawRate = pick(value, 'sampleRate', 'sample_rate') ?? mimeRate;
  if (rawRate !== undefined) {
    sampleRate = parseRate(rawRate);
    if (!SUPPORTED_RATES.has(sampleRate)) throw unsupported('media sample rate is not supported');
  }

  const channels = value.channels;
  if (channels !== undefined && parseRate(channels) !== 1) throw unsupported('only mono media is supported');

  return { encoding, sampleRate };
}
