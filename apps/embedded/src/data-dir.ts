import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Raised when another live process holds the data dir. */
export class DataDirLockedError extends Error {
  readonly code = 'data_dir_locked';
  constructor(readonly pid: number) {
    super(`data dir is in use by process ${pid}`);
  }
}

/** True when a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Creates the data dir (0711: the database server runs as another user and must traverse it)
 * and takes an exclusive lock on it. A lock left by a dead process is taken over.
 * Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  fs.chmodSync(dataDir, 0o711);
  const lockPath = path.join(dataDir, 'vr3.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx', 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) throw new DataDirLockedError(owner);
      // Stale lock: take it over by renaming it away atomically (only one taker wins the rename).
      try {
        fs.renameSync(lockPath, `${lockPath}.stale-${process.pid}`);
        fs.unlinkSync(`${lockPath}.stale-${process.pid}`);
      } catch {
        // another process took it over first; retry
      }
    }
  }
  throw new Error('could not lock the data dir');
}

/**
 * Reads a secret file from the data dir, creating it (0600) with `bytes` random bytes
 * (base64) when it does not exist.
 */
export function readOrCreateSecret(dataDir: string, name: string, bytes: number): string {
  const file = path.join(dataDir, name);
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const value = randomBytes(bytes).toString('base64');
  fs.writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return value;
}
