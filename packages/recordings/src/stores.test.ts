import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingStoreErrorCode } from './errors.ts';
import { LocalRecordingStore } from './local-store.ts';
import { S3RecordingStore } from './s3-store.ts';
import type { RecordingStore } from './store.ts';
import { startTestS3Server, type TestS3Server } from './testing/index.ts';

let work: string;
let s3: TestS3Server;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-rec-store-'));
  s3 = await startTestS3Server();
});
afterAll(async () => {
  await s3.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/** A file of `content` in the work dir, as the media-edge leaves a finished recording. */
function spooled(name: string, content: string): { file: string; bytes: number } {
  const file = path.join(work, name);
  fs.writeFileSync(file, content);
  return { file, bytes: Buffer.byteLength(content) };
}

const stores: Array<[string, () => RecordingStore]> = [
  ['local', () => new LocalRecordingStore(path.join(work, 'store'))],
  ['s3', () => new S3RecordingStore(s3.settings)],
];

describe.each(stores)('%s recording store', (kind, make) => {
  it('stores a file, reports its size, reads it whole and by range, deletes it', async () => {
    const store = make();
    const { file, bytes } = spooled(`${kind}-a.tmp`, 'RIFF0123456789abcdef');
    await store.put('run-a.wav', file, bytes);
    expect(await store.size('run-a.wav')).toBe(bytes);
    expect(await text(await store.read('run-a.wav'))).toBe('RIFF0123456789abcdef');
    expect(await text(await store.read('run-a.wav', { start: 4, end: 7 }))).toBe('0123');
    await store.delete('run-a.wav');
    expect(await store.size('run-a.wav')).toBeNull();
    await store.delete('run-a.wav'); // nothing stored: not an error
  });

  it('answers recording_not_found for a missing key and refuses unsafe keys', async () => {
    const store = make();
    await expect(store.read('missing.wav')).rejects.toMatchObject({ code: RecordingStoreErrorCode.NotFound });
    await expect(store.size('../escape.wav')).rejects.toMatchObject({ code: RecordingStoreErrorCode.InvalidKey });
    await expect(store.delete('a/../../b.wav')).rejects.toMatchObject({ code: RecordingStoreErrorCode.InvalidKey });
  });
});

describe('S3 recording store', () => {
  it('writes the object into the bucket over the wire (server-side file) and fails retryably when the server is gone', async () => {
    const store = new S3RecordingStore({ ...s3.settings, prefix: 'calls/' });
    const { file, bytes } = spooled('wire.tmp', 'x'.repeat(70_000));
    await store.put('run-w.wav', file, bytes);
    expect(await store.size('run-w.wav')).toBe(70_000);
    const gone = new S3RecordingStore({ ...s3.settings, endpoint: 'http://127.0.0.1:9' });
    await expect(gone.size('run-w.wav')).rejects.toMatchObject({ code: RecordingStoreErrorCode.StorageFailed, retryable: true });
  });

  it('is refused (not retryable) with an unknown access key', async () => {
    const store = new S3RecordingStore({ ...s3.settings, accessKeyId: 'UNKNOWNKEY' });
    const { file, bytes } = spooled('denied.tmp', 'abc');
    await expect(store.put('run-d.wav', file, bytes)).rejects.toMatchObject({ code: RecordingStoreErrorCode.StorageFailed, retryable: false });
  });
});
