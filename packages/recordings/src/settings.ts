import { ConfigError, envBool, envInt } from '@vr3/env';
import { z } from 'zod';
import { LocalRecordingStore } from './local-store.ts';
import { S3RecordingStore, type S3StoreSettings } from './s3-store.ts';
import type { RecordingStore } from './store.ts';

/** Defaults of the recording settings. */
export const RECORDINGS_DEFAULTS = {
  /** VR3_RECORDINGS_RETENTION_DAYS: recordings older than this are deleted (0: kept until deleted by hand). */
  retentionDays: 30,
  /** VR3_RECORDINGS_S3_REGION */
  s3Region: 'us-east-1',
  /** VR3_RECORDINGS_SWEEP_INTERVAL_MS: period of the control-plane's retention sweep (1 hour). */
  sweepIntervalMs: 3_600_000,
} as const;

/**
 * The recording variables, spread into an app's environment schema: where recordings are stored
 * (`VR3_RECORDINGS_DIR`, or a bucket named by `VR3_RECORDINGS_S3_*`), where the media-edge writes them
 * while calls run (`VR3_RECORDINGS_SPOOL_DIR`) and how long they are kept.
 */
export const RECORDINGS_ENV = {
  VR3_RECORDINGS_DIR: z.string().min(1).optional(),
  VR3_RECORDINGS_SPOOL_DIR: z.string().min(1).optional(),
  VR3_RECORDINGS_RETENTION_DAYS: envInt('VR3_RECORDINGS_RETENTION_DAYS', 0),
  VR3_RECORDINGS_SWEEP_INTERVAL_MS: envInt('VR3_RECORDINGS_SWEEP_INTERVAL_MS', 100),
  VR3_RECORDINGS_S3_ENDPOINT: z
    .string()
    .refine((v) => /^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(v), 'VR3_RECORDINGS_S3_ENDPOINT must be an http or https URL without query')
    .optional(),
  VR3_RECORDINGS_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'VR3_RECORDINGS_S3_BUCKET must be a bucket name (3-63 lower-case letters, digits, "." or "-")')
    .optional(),
  VR3_RECORDINGS_S3_REGION: z.string().regex(/^[a-z0-9-]{1,64}$/, 'VR3_RECORDINGS_S3_REGION must be a region name').optional(),
  VR3_RECORDINGS_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  VR3_RECORDINGS_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  VR3_RECORDINGS_S3_FORCE_PATH_STYLE: envBool,
  VR3_RECORDINGS_S3_PREFIX: z.string().regex(/^([A-Za-z0-9._-]{1,64}\/){0,4}$/, 'VR3_RECORDINGS_S3_PREFIX must be path segments each ending in "/"').optional(),
};

/** The parsed {@link RECORDINGS_ENV} variables. */
export type RecordingsEnv = z.infer<z.ZodObject<typeof RECORDINGS_ENV>>;

/** Where finished recordings are stored. Plain data: it crosses to the embedded control-plane thread. */
export type RecordingStorageSettings = { kind: 'local'; dir: string } | ({ kind: 's3' } & S3StoreSettings);

/** The parsed recording settings of an app. */
export interface RecordingsSettings {
  /** `null`: nowhere to store recordings; an agent's opt-in is then ignored (and logged) by the media-edge. */
  storage: RecordingStorageSettings | null;
  /** Days a recording is kept (0: forever). */
  retentionDays: number;
  /** Period of the retention sweep, in milliseconds. */
  sweepIntervalMs: number;
  /** Where the media-edge writes recordings while calls run and keeps those not stored yet; `null` without storage. */
  spoolDir: string | null;
}

/**
 * Reads the recording variables. A bucket (`VR3_RECORDINGS_S3_BUCKET`) selects S3 and needs both
 * keys; otherwise `VR3_RECORDINGS_DIR`, else `defaults.dir` (the embedded data dir), stores locally.
 * Throws {@link ConfigError} naming the variable on a contradiction.
 */
export function recordingsSettings(e: RecordingsEnv, defaults: { dir: string | null; spoolDir: string | null }): RecordingsSettings {
  const retentionDays = e.VR3_RECORDINGS_RETENTION_DAYS ?? RECORDINGS_DEFAULTS.retentionDays;
  const s3Vars = [e.VR3_RECORDINGS_S3_ENDPOINT, e.VR3_RECORDINGS_S3_ACCESS_KEY_ID, e.VR3_RECORDINGS_S3_SECRET_ACCESS_KEY, e.VR3_RECORDINGS_S3_REGION, e.VR3_RECORDINGS_S3_PREFIX];
  let storage: RecordingStorageSettings | null = null;
  if (e.VR3_RECORDINGS_S3_BUCKET !== undefined) {
    if (e.VR3_RECORDINGS_DIR !== undefined) throw new ConfigError('invalid environment: VR3_RECORDINGS_DIR: set either it or VR3_RECORDINGS_S3_BUCKET, not both');
    if (e.VR3_RECORDINGS_S3_ACCESS_KEY_ID === undefined) throw new ConfigError('invalid environment: VR3_RECORDINGS_S3_ACCESS_KEY_ID is required with VR3_RECORDINGS_S3_BUCKET');
    if (e.VR3_RECORDINGS_S3_SECRET_ACCESS_KEY === undefined) throw new ConfigError('invalid environment: VR3_RECORDINGS_S3_SECRET_ACCESS_KEY is required with VR3_RECORDINGS_S3_BUCKET');
    storage = {
      kind: 's3',
      endpoint: e.VR3_RECORDINGS_S3_ENDPOINT ?? null,
      bucket: e.VR3_RECORDINGS_S3_BUCKET,
      region: e.VR3_RECORDINGS_S3_REGION ?? RECORDINGS_DEFAULTS.s3Region,
      accessKeyId: e.VR3_RECORDINGS_S3_ACCESS_KEY_ID,
      secretAccessKey: e.VR3_RECORDINGS_S3_SECRET_ACCESS_KEY,
      forcePathStyle: e.VR3_RECORDINGS_S3_FORCE_PATH_STYLE,
      prefix: e.VR3_RECORDINGS_S3_PREFIX ?? '',
    };
  } else if (s3Vars.some((v) => v !== undefined) || e.VR3_RECORDINGS_S3_FORCE_PATH_STYLE) {
    throw new ConfigError('invalid environment: VR3_RECORDINGS_S3_BUCKET is required with the other VR3_RECORDINGS_S3_* variables');
  } else {
    const dir = e.VR3_RECORDINGS_DIR ?? defaults.dir;
    if (dir !== null) storage = { kind: 'local', dir };
  }
  const spoolDir = storage === null ? null : (e.VR3_RECORDINGS_SPOOL_DIR ?? defaults.spoolDir);
  return { storage, retentionDays, sweepIntervalMs: e.VR3_RECORDINGS_SWEEP_INTERVAL_MS ?? RECORDINGS_DEFAULTS.sweepIntervalMs, spoolDir };
}

/** The store the settings describe. */
export function openRecordingStore(storage: RecordingStorageSettings): RecordingStore {
  if (storage.kind === 'local') return new LocalRecordingStore(storage.dir);
  return new S3RecordingStore(storage);
}
