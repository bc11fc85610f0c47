import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir, readOrCreateSecret } from './data-dir.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-dd-'));

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('lockDataDir', () => {
  it('creates the dir traversable by the database user and refuses a live owner', () => {
    const dir = path.join(tmp(), 'data');
    const release = lockDataDir(dir);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o711);
    fs.writeFileSync(path.join(dir, 'vr3.lock'), String(process.ppid));
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    fs.writeFileSync(path.join(dir, 'vr3.lock'), String(process.pid));
    release();
    expect(fs.existsSync(path.join(dir, 'vr3.lock'))).toBe(false);
  });

  it('takes over a lock left by a dead process', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'vr3.lock'), String(deadPid()));
    const release = lockDataDir(dir);
    expect(fs.readFileSync(path.join(dir, 'vr3.lock'), 'utf8')).toBe(String(process.pid));
    release();
    release();
  });
});

describe('readOrCreateSecret', () => {
  it('creates a 0600 secret once and reads it back', () => {
    const dir = tmp();
    const a = readOrCreateSecret(dir, 'secret.key', 32);
    expect(Buffer.from(a, 'base64')).toHaveLength(32);
    expect(fs.statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(readOrCreateSecret(dir, 'secret.key', 32)).toBe(a);
  });
});
