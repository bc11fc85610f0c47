import type { Readable } from 'node:stream';
import { RecordingStoreError, RecordingStoreErrorCode } from './errors.ts';

/** An inclusive byte range of a stored recording. */
export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/**
 * Where finished call recordings are kept: a directory (the embedded product's data dir) or an
 * S3-compatible bucket. Keys are relative paths (`{run_id}.wav`); every method validates them.
 */
export interface RecordingStore {
  /** `local` or `s3`, for logs and the run's record. */
  readonly kind: 'local' | 's3';
  /** Stores the finished file at `file` (`bytes` long) under `key`, streamed. Replaces an existing object. */
  put(key: string, file: string, bytes: number): Promise<void>;
  /** The stored size in bytes, or `null` when nothing is stored under `key`. */
  size(key: string): Promise<number | null>;
  /** The object's bytes, all or `range`; `recording_not_found` when absent. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /** Deletes the object; nothing stored is not an error. */
  delete(key: string): Promise<void>;
}

const KEY_SEGMENT = /^[A-Za-z0-9._-]{1,128}$/;

/** Throws `invalid_recording_key` unless `key` is 1–8 safe path segments, none `.` or `..`. */
export function assertRecordingKey(key: string): void {
  const segments = key.split('/');
  const ok = segments.length <= 8 && segments.every((s) => KEY_SEGMENT.test(s) && s !== '.' && s !== '..');
  if (!ok) throw new RecordingStoreError(RecordingStoreErrorCode.InvalidKey, 'recording key must be a relative path of [A-Za-z0-9._-] segments');
}

/** The key a run's recording is stored under. */
export function recordingKeyOf(runId: string): string {
  const key = `${runId}.wav`;
  assertRecordingKey(key);
  return key;
}
