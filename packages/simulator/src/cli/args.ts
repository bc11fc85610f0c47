import { SimulatorError, SimulatorErrorCode } from '../errors.ts';
import type { DtmfCue } from '../call/run-call.ts';
import type { WireFormat } from '../audio/wire-format.ts';
import type { AudioEncoding } from '@vr3/protocol';

const invalid = (message: string): SimulatorError => new SimulatorError(SimulatorErrorCode.InvalidOption, message);

/** A non-negative integer option (`undefined` when absent). */
export function intOption(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw invalid(`--${name} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

/** A positive number option. */
export function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw invalid(`--${name} must be a positive number, got "${value}"`);
  return n;
}

/** `1@1500,#@3000` → cues (digit at milliseconds after the first media frame). */
export function parseDtmf(value: string | undefined): DtmfCue[] {
  if (value === undefined || value === '') return [];
  return value.split(',').map((part) => {
    const m = /^([0-9*#A-D])@(\d+)$/.exec(part.trim());
    if (!m) throw invalid(`--dtmf takes digit@ms[,digit@ms…], e.g. 1@1500,#@3000; got "${part}"`);
    return { digit: m[1]!, atMs: Number(m[2]) };
  });
}

const ENCODINGS: readonly AudioEncoding[] = ['mulaw', 'alaw', 'pcm16le', 'pcm16be'];

/** Spellings of the encodings the provider docs use, lower-cased. `l16` is resolved per provider. */
const ALIASES: Readonly<Record<string, AudioEncoding>> = { ulaw: 'mulaw', pcmu: 'mulaw', pcma: 'alaw' };

/**
 * `mulaw/8000`, `pcm16le/16000`, `L16/16000` → a wire format. Case-insensitive; `L16` is the
 * provider's own L16 byte order (`l16Encoding` of PROVIDER_DEFAULTS, little-endian when not given).
 */
export function parseFormat(value: string | undefined, l16Encoding: AudioEncoding = 'pcm16le'): WireFormat | undefined {
  if (value === undefined) return undefined;
  const [name = '', rate] = value.split('/');
  const lower = name.trim().toLowerCase();
  const encoding = lower === 'l16' ? l16Encoding : (ALIASES[lower] ?? lower);
  const sampleRate = Number(rate);
  if (!ENCODINGS.includes(encoding as AudioEncoding) || ![8000, 16000, 24000, 48000].includes(sampleRate)) {
    throw invalid(`--format takes encoding/rate with encoding one of ${ENCODINGS.join(', ')} or L16 (any case) and rate 8000/16000/24000/48000; got "${value}"`);
  }
  return { encoding: encoding as AudioEncoding, sampleRate };
}

/** One of `choices`. */
export function choice<T extends string>(name: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw invalid(`--${name} must be one of ${choices.join(', ')}; got "${value}"`);
  return value as T;
}

/** Throws when a required option is missing. */
export function required(name: string, value: string | undefined): string {
  if (value === undefined || value === '') throw invalid(`--${name} is required`);
  return value;
}
