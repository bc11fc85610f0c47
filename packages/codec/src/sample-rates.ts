import { CodecError, CodecErrorCode } from './errors.ts';

/** Sample rates (Hz) the {@link Resampler} converts between. */
export const SUPPORTED_SAMPLE_RATES = [8000, 16000, 24000, 48000] as const;

/** One of {@link SUPPORTED_SAMPLE_RATES}. */
export type SupportedSampleRate = (typeof SUPPORTED_SAMPLE_RATES)[number];

/** True when `rate` is one of {@link SUPPORTED_SAMPLE_RATES}. */
export function isSupportedSampleRate(rate: number): rate is SupportedSampleRate {
  return (SUPPORTED_SAMPLE_RATES as readonly number[]).includes(rate);
}

/**
 * Throws unless `rate` is one of {@link SUPPORTED_SAMPLE_RATES}.
 *
 * @throws {@link CodecError} `unsupported_sample_rate`.
 */
export function assertSupportedSampleRate(rate: number): asserts rate is SupportedSampleRate {
  if (!isSupportedSampleRate(rate)) {
    throw new CodecError(
      CodecErrorCode.UnsupportedSampleRate,
      `unsupported sample rate ${String(rate)}; expected one of ${SUPPORTED_SAMPLE_RATES.join(', ')}`,
    );
  }
}
