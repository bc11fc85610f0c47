/**
 * Stable, machine-readable codes for every failure `@vr3/codec` raises.
 * Branch on these, never on `message`.
 */
export const CodecErrorCode = {
  /** A sample rate outside {@link SUPPORTED_SAMPLE_RATES} was given to the resampler. */
  UnsupportedSampleRate: 'unsupported_sample_rate',
  /** Bytes that are not a well-formed RIFF/WAVE file (bad magic, truncated chunk, missing `fmt `/`data`). */
  InvalidWav: 'invalid_wav',
  /** A well-formed WAV whose encoding this package does not handle (float, 24-bit, ADPCM, …). */
  UnsupportedWavFormat: 'unsupported_wav_format',
  /** 16-bit PCM bytes whose length is not a whole number of samples. */
  OddByteLength: 'odd_byte_length',
  /** A caller-supplied destination array is shorter than the result. */
  DestinationTooSmall: 'destination_too_small',
  /** An option or argument is out of range (non-positive frame size, bad channel count, …). */
  InvalidArgument: 'invalid_argument',
} as const;

/** One of {@link CodecErrorCode}. */
export type CodecErrorCode = (typeof CodecErrorCode)[keyof typeof CodecErrorCode];

/** Options for {@link CodecError}. */
export interface CodecErrorOptions {
  /** The underlying failure, if any; chained as `Error.cause`. */
  cause?: unknown;
}

/**
 * The only error type thrown by `@vr3/codec`. Every instance carries a stable {@link CodecErrorCode}.
 * Codec failures are caused by the input, so they are never retryable (`retryable` is always `false`,
 * present for parity with the other packages' error classes).
 */
export class CodecError extends Error {
  /** Stable machine-readable code. */
  readonly code: CodecErrorCode;
  /** Always `false`: the same input fails the same way. */
  readonly retryable = false;

  constructor(code: CodecErrorCode, message: string, options: CodecErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CodecError';
    this.code = code;
  }
}
