/** Stable codes of every failure `@vr3/recordings` raises. Branch on these, never on `message`. */
export const RecordingStoreErrorCode = {
  /** No recording is stored under the key. */
  NotFound: 'recording_not_found',
  /** A key that is not a relative path of safe segments (`[A-Za-z0-9._-]`, no `..`). */
  InvalidKey: 'invalid_recording_key',
  /** The storage refused or failed the operation (disk error, object storage answered an error or did not answer). */
  StorageFailed: 'recording_storage_failed',
} as const;

/** One of {@link RecordingStoreErrorCode}. */
export type RecordingStoreErrorCode = (typeof RecordingStoreErrorCode)[keyof typeof RecordingStoreErrorCode];

/**
 * The only error type `@vr3/recordings` throws. `retryable` is true where trying the same operation
 * again may succeed (object storage unreachable or answering 5xx, a disk error).
 */
export class RecordingStoreError extends Error {
  readonly code: RecordingStoreErrorCode;
  readonly retryable: boolean;

  constructor(code: RecordingStoreErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RecordingStoreError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}
