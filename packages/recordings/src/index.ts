/**
 * `@vr3/recordings`: where finished call recordings are kept — a directory or an S3-compatible
 * bucket — behind one small interface, and the `VR3_RECORDINGS_*` settings every app reads the same
 * way. Reads no environment itself; the apps parse it with {@link RECORDINGS_ENV}.
 */
export { RecordingStoreError, RecordingStoreErrorCode } from './errors.ts';
export { assertRecordingKey, recordingKeyOf, type ByteRange, type RecordingStore } from './store.ts';
export { LocalRecordingStore } from './local-store.ts';
export { S3RecordingStore, S3_STORE_DEFAULTS, type S3StoreSettings } from './s3-store.ts';
export {
  RECORDINGS_DEFAULTS,
  RECORDINGS_ENV,
  openRecordingStore,
  recordingsSettings,
  type RecordingStorageSettings,
  type RecordingsSettings,
} from './settings.ts';
