import { ConfigError, parseEnv } from '@vr3/env';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RECORDINGS_ENV, recordingsSettings } from './settings.ts';

const parse = (env: Record<string, string>) => recordingsSettings(parseEnv(z.object(RECORDINGS_ENV), env), { dir: '/data/recordings', spoolDir: '/data/spool' });

describe('recordingsSettings', () => {
  it('stores under the default dir, kept 30 days, without variables', () => {
    expect(parse({})).toEqual({ storage: { kind: 'local', dir: '/data/recordings' }, retentionDays: 30, sweepIntervalMs: 3_600_000, spoolDir: '/data/spool' });
  });

  it('selects S3 with a bucket and both keys', () => {
    const s = parse({
      VR3_RECORDINGS_S3_BUCKET: 'calls',
      VR3_RECORDINGS_S3_ENDPOINT: 'http://127.0.0.1:9000',
      VR3_RECORDINGS_S3_ACCESS_KEY_ID: 'id',
      VR3_RECORDINGS_S3_SECRET_ACCESS_KEY: 'secret',
      VR3_RECORDINGS_S3_FORCE_PATH_STYLE: 'true',
      VR3_RECORDINGS_RETENTION_DAYS: '0',
    });
    expect(s).toMatchObject({ storage: { kind: 's3', bucket: 'calls', region: 'us-east-1', forcePathStyle: true, endpoint: 'http://127.0.0.1:9000', prefix: '' }, retentionDays: 0 });
  });

  it.each([
    [{ VR3_RECORDINGS_S3_BUCKET: 'calls' }, /VR3_RECORDINGS_S3_ACCESS_KEY_ID/],
    [{ VR3_RECORDINGS_S3_BUCKET: 'calls', VR3_RECORDINGS_S3_ACCESS_KEY_ID: 'id' }, /VR3_RECORDINGS_S3_SECRET_ACCESS_KEY/],
    [{ VR3_RECORDINGS_S3_ENDPOINT: 'http://127.0.0.1:9000' }, /VR3_RECORDINGS_S3_BUCKET is required/],
    [{ VR3_RECORDINGS_S3_BUCKET: 'calls', VR3_RECORDINGS_DIR: '/x', VR3_RECORDINGS_S3_ACCESS_KEY_ID: 'i', VR3_RECORDINGS_S3_SECRET_ACCESS_KEY: 's' }, /VR3_RECORDINGS_DIR/],
    [{ VR3_RECORDINGS_S3_BUCKET: 'Not_A_Bucket' }, /VR3_RECORDINGS_S3_BUCKET/],
    [{ VR3_RECORDINGS_S3_ENDPOINT: 'ftp://x' }, /VR3_RECORDINGS_S3_ENDPOINT/],
    [{ VR3_RECORDINGS_RETENTION_DAYS: '-1' }, /VR3_RECORDINGS_RETENTION_DAYS/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => parse(env)).toThrow(ConfigError);
    expect(() => parse(env)).toThrow(message);
  });

  it('stores nothing without a bucket or a dir when the app has no default', () => {
    expect(recordingsSettings(parseEnv(z.object(RECORDINGS_ENV), {}), { dir: null, spoolDir: null })).toMatchObject({ storage: null, spoolDir: null });
  });
});
