import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AwsV4Signer } from 'aws4fetch';
import { RecordingStoreError, RecordingStoreErrorCode } from './errors.ts';
import { assertRecordingKey, type ByteRange, type RecordingStore } from './store.ts';

/** Where and how to reach an S3-compatible bucket. */
export interface S3StoreSettings {
  /** `https://s3.{region}.amazonaws.com` when null; any S3-compatible server's base URL otherwise. */
  endpoint: string | null;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `{endpoint}/{bucket}/{key}` instead of `{bucket}.{endpoint host}/{key}` (most self-hosted servers). */
  forcePathStyle: boolean;
  /** Key prefix inside the bucket (`recordings/`), `''` for none. */
  prefix: string;
}

/** Timeouts of {@link S3RecordingStore}, in milliseconds. */
export const S3_STORE_DEFAULTS = {
  /** Until the response headers of a request (a whole HEAD or DELETE). */
  requestTimeoutMs: 30_000,
  /** An upload may take this long per MiB on top of `requestTimeoutMs` (a slow link still finishes). */
  uploadMsPerMiB: 10_000,
  /** Bytes of an error body read for its `<Code>`. */
  maxErrorBodyBytes: 4_096,
} as const;

/**
 * Recordings in an S3-compatible bucket, over its REST API with AWS Signature V4 (`aws4fetch` signs;
 * Node's `fetch` sends). One streamed `PUT` per recording (a call's WAV is far below S3's 5 GiB
 * single-upload limit), ranged `GET`, `HEAD`, `DELETE`. Errors carry the HTTP status and the S3
 * error code, never the credentials or a signed URL.
 */
export class S3RecordingStore implements RecordingStore {
  readonly kind = 's3';
  private readonly base: URL;

  constructor(private readonly s: S3StoreSettings) {
    const endpoint = new URL(s.endpoint ?? `https://s3.${s.region}.amazonaws.com`);
    this.base = s.forcePathStyle ? new URL(`${endpoint.origin}${endpoint.pathname.replace(/\/$/, '')}/${encodeURIComponent(s.bucket)}/`) : new URL(`${endpoint.protocol}//${s.bucket}.${endpoint.host}/`);
  }

  async put(key: string, file: string, bytes: number): Promise<void> {
    const body = Readable.toWeb(fs.createReadStream(file)) as unknown as ReadableStream;
    const timeoutMs = S3_STORE_DEFAULTS.requestTimeoutMs + Math.ceil((bytes / 1_048_576) * S3_STORE_DEFAULTS.uploadMsPerMiB);
    const res = await this.send('PUT', key, { 'content-type': 'audio/wav', 'content-length': String(bytes) }, body, timeoutMs);
    await this.ensureOk(res, 'upload');
    await res.body?.cancel();
  }

  async size(key: string): Promise<number | null> {
    const res = await this.send('HEAD', key, {});
    if (res.status === 404) return null;
    await this.ensureOk(res, 'stat');
    return Number(res.headers.get('content-length') ?? '0');
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const res = await this.send('GET', key, range ? { range: `bytes=${range.start}-${range.end}` } : {});
    if (res.status === 404) {
      await res.body?.cancel();
      throw new RecordingStoreError(RecordingStoreErrorCode.NotFound, 'recording not found');
    }
    await this.ensureOk(res, 'read');
    if (!res.body) return Readable.from([]);
    return Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>);
  }

  async delete(key: string): Promise<void> {
    const res = await this.send('DELETE', key, {});
    if (res.status === 404) return;
    await this.ensureOk(res, 'delete');
    await res.body?.cancel();
  }

  /** One signed request; the timeout covers the response headers, and an upload's whole body. */
  private async send(method: string, key: string, headers: Record<string, string>, body?: ReadableStream, timeoutMs: number = S3_STORE_DEFAULTS.requestTimeoutMs): Promise<Response> {
    assertRecordingKey(key);
    const url = new URL(`${this.s.prefix}${key}`.split('/').map(encodeURIComponent).join('/'), this.base);
    const signer = new AwsV4Signer({
      url: url.toString(),
      method,
      headers: { ...headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      accessKeyId: this.s.accessKeyId,
      secretAccessKey: this.s.secretAccessKey,
      region: this.s.region,
      service: 's3',
    });
    const signed = await signer.sign();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const init: RequestInit & { duplex?: 'half' } = { method, headers: signed.headers, signal: controller.signal };
      if (body !== undefined) {
        init.body = body;
        init.duplex = 'half';
      }
      return await fetch(signed.url, init);
    } catch (err) {
      throw new RecordingStoreError(RecordingStoreErrorCode.StorageFailed, `object storage ${method} failed: ${controller.signal.aborted ? 'timed out' : 'no answer'}`, { cause: err, retryable: true });
    } finally {
      // An upload's body is sent by now; a download's body streams on without a deadline.
      clearTimeout(timer);
    }
  }

  private async ensureOk(res: Response, op: string): Promise<void> {
    if (res.ok) return;
    const code = await errorCodeOf(res);
    throw new RecordingStoreError(RecordingStoreErrorCode.StorageFailed, `object storage ${op} failed: HTTP ${res.status}${code ? ` ${code}` : ''}`, {
      retryable: res.status >= 500 || res.status === 429 || res.status === 408,
    });
  }
}

/** The `<Code>` of an S3 error body (read up to a byte cap), if any. */
async function errorCodeOf(res: Response): Promise<string | undefined> {
  if (!res.body) return undefined;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < S3_STORE_DEFAULTS.maxErrorBodyBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
    }
  } catch {
    return undefined;
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).toString('utf8', 0, Math.min(total, S3_STORE_DEFAULTS.maxErrorBodyBytes));
  return /<Code>([A-Za-z0-9]{1,64})<\/Code>/.exec(text)?.[1];
}
