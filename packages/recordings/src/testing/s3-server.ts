import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { S3StoreSettings } from '../s3-store.ts';

/** The part of `s3rver` (a fake S3 server, CommonJS, no typings of its own) used here. */
interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: Array<{ name: string }>;
}) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

/** A real S3-compatible HTTP server on `127.0.0.1:0` with one bucket, for tests. */
export interface TestS3Server {
  /** `http://127.0.0.1:{port}` */
  endpoint: string;
  bucket: string;
  /** Settings of a store on this server's bucket (path style, its fixed test credentials). */
  settings: S3StoreSettings;
  /** The server's data directory: objects are files under `{dir}/{bucket}/`. */
  dir: string;
  close(): Promise<void>;
}

/** Options of {@link startTestS3Server}. */
export interface TestS3ServerOptions {
  bucket?: string;
  /** 0 (default): a free port. A restart on the same port and `dir` serves the same objects. */
  port?: number;
  /** The data directory; a new temporary one (removed by `close()`) when absent. */
  dir?: string;
}

/**
 * Starts `s3rver` (S3 REST wire protocol; it checks the access key id against its fixed `S3RVER`
 * account) with bucket `bucket` (default `vr3-recordings`). `close()` stops it and removes a data
 * directory it created.
 */
export async function startTestS3Server(options: TestS3ServerOptions = {}): Promise<TestS3Server> {
  const bucket = options.bucket ?? 'vr3-recordings';
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: options.port ?? 0, silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    dir,
    settings: { endpoint, bucket, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true, prefix: '' },
    close: async () => {
      await server.close();
      if (options.dir === undefined) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
