/**
 * Per-configuration stream settings: validation against a provider's specs, and the framing rules
 * shared by adapters.
 */
import type { MediaFormat } from '@vr3/protocol';
import type { OutboundFraming, ProviderSettingSpec, ProviderSettings } from './adapter.ts';
import type { ProviderDescriptor } from './descriptor.ts';
import { ProviderConfigError } from './errors.ts';
import { isJsonObject } from './frame-fields.ts';

/**
 * Checks stored or submitted settings against `descriptor.settings`: an object whose keys are
 * known and whose values are among the spec's values. Returns a frozen copy with only the given
 * keys (defaults stay implicit, so a later default change reaches old configurations).
 * `undefined`/`null` → `{}`.
 *
 * @throws ProviderConfigError `invalid_option` naming the key (never the value).
 */
export function resolveProviderSettings(descriptor: Pick<ProviderDescriptor, 'name' | 'settings'>, input: unknown): ProviderSettings {
  if (input === undefined || input === null) return Object.freeze({});
  if (!isJsonObject(input)) throw new ProviderConfigError('invalid_option', 'settings must be an object');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(input)) {
    const spec = descriptor.settings.find((s) => s.key === key);
    if (!spec) throw new ProviderConfigError('invalid_option', `unknown ${descriptor.name} setting "${safeKey(key)}"`);
    if (typeof value !== 'string' || !spec.values.includes(value)) {
      throw new ProviderConfigError('invalid_option', `setting "${spec.key}" must be one of: ${spec.values.join(', ')}`);
    }
    out[key] = value;
  }
  return Object.freeze(out);
}

/** The value of `spec` in `settings`, else its default. `settings` must have been resolved. */
export function settingValue(settings: ProviderSettings | undefined, spec: ProviderSettingSpec): string {
  const value = settings?.[spec.key];
  if (value === undefined) return spec.default;
  if (!spec.values.includes(value)) throw new ProviderConfigError('invalid_option', `setting "${spec.key}" must be one of: ${spec.values.join(', ')}`);
  return value;
}

function safeKey(key: string): string {
  return key.length <= 40 && /^[A-Za-z0-9_-]+$/.test(key) ? key : '?';
}

/** Bytes per sample of a wire encoding. */
export function bytesPerSample(format: MediaFormat): 1 | 2 {
  return format.encoding === 'pcm16le' || format.encoding === 'pcm16be' ? 2 : 1;
}

/** One 20 ms message per chunk: Twilio, Cloudonix, Vobiz, Plivo. */
export function twentyMsFraming(format: MediaFormat): OutboundFraming {
  return Object.freeze({ chunkBytes: (format.sampleRate / 50) * bytesPerSample(format), chunkMs: 20 });
}

/**
 * The smallest chunk made of whole 20 ms frames that is at least `minBytes` and a multiple of
 * `multipleOf` bytes (Exotel: 3200 / 320 → 200 ms at 8 kHz, 100 ms at 16 kHz, 80 ms at 24 kHz).
 */
export function minimumChunkFraming(format: MediaFormat, minBytes: number, multipleOf: number): OutboundFraming {
  const frame = twentyMsFraming(format);
  let frames = Math.max(1, Math.ceil(minBytes / frame.chunkBytes));
  while ((frames * frame.chunkBytes) % multipleOf !== 0) frames++;
  return Object.freeze({ chunkBytes: frames * frame.chunkBytes, chunkMs: frames * 20 });
}
