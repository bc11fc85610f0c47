import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { RecordingStoreError, RecordingStoreErrorCode } from './errors.ts';
import { assertRecordingKey, type ByteRange, type RecordingStore } from './store.ts';

function failed(op: string, err: unknown): RecordingStoreError {
  return new RecordingStoreError(RecordingStoreErrorCode.StorageFailed, `recording ${op} failed: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err, retryable: true });
}

/**
 * Recordings as files under one directory (0700, files 0600): the embedded product keeps them in its
 * data dir. `put` moves the finished file in (a rename on the same file system, else a copy).
 */
export class LocalRecordingStore implements RecordingStore {
  readonly kind = 'local';

  constructor(private readonly dir: string) {}

  async put(key: string, file: string): Promise<void> {
    const target = this.pathOf(key);
    try {
      await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      const partial = `${target}.partial`;
      try {
        await fs.promises.rename(file, partial);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
        await fs.promises.copyFile(file, partial);
        await fs.promises.rm(file, { force: true });
      }
      await fs.promises.chmod(partial, 0o600);
      await fs.promises.rename(partial, target);
    } catch (err) {
      throw failed('store', err);
    }
  }

  async size(key: string): Promise<number | null> {
    const file = this.pathOf(key);
    try {
      return (await fs.promises.stat(file)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw failed('stat', err);
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.pathOf(key);
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new RecordingStoreError(RecordingStoreErrorCode.NotFound, 'recording not found');
      throw failed('read', err);
    }
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    try {
      await fs.promises.rm(file, { force: true });
    } catch (err) {
      throw failed('delete', err);
    }
  }

  private pathOf(key: string): string {
    assertRecordingKey(key);
    return path.join(this.dir, key);
  }
}
