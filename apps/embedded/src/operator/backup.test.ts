import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BackupError, BackupErrorCode, findPgTools, majorOf, placeSecretKey, saveSecretKey } from './backup.ts';

const dirs: string[] = [];
const tmp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-backup-unit-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('majorOf', () => {
  it('reads the major version of PostgreSQL tools', () => {
    expect(majorOf('pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)')).toBe(15);
    expect(majorOf('postgres (PostgreSQL) 15.18')).toBe(15);
    expect(majorOf('pg_restore (PostgreSQL) 17.2')).toBe(17);
  });
});

describe('secret key beside a backup', () => {
  it('is saved 0600 and restored into a data dir without one', () => {
    const source = tmp();
    const out = path.join(tmp(), 'b.dump');
    fs.writeFileSync(path.join(source, 'secret.key'), 'k1\n', { mode: 0o600 });
    expect(saveSecretKey(source, out)).toBe(true);
    expect(fs.statSync(`${out}.secret.key`).mode & 0o777).toBe(0o600);

    const target = tmp();
    expect(placeSecretKey(out, target, { dryRun: true })).toBe('restored');
    expect(fs.existsSync(path.join(target, 'secret.key'))).toBe(false);
    expect(placeSecretKey(out, target)).toBe('restored');
    expect(fs.readFileSync(path.join(target, 'secret.key'), 'utf8')).toBe('k1\n');
    expect(fs.statSync(path.join(target, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(placeSecretKey(out, target)).toBe('same');
  });

  it('never replaces a different key, and reports a missing or unverified one', () => {
    const out = path.join(tmp(), 'b.dump');
    const target = tmp();
    expect(saveSecretKey(tmp(), out)).toBe(false);
    expect(placeSecretKey(out, target)).toBe('missing');
    fs.writeFileSync(path.join(target, 'secret.key'), 'mine\n');
    expect(placeSecretKey(out, target)).toBe('kept_unverified');
    fs.writeFileSync(`${out}.secret.key`, 'theirs\n');
    let caught: unknown;
    try {
      placeSecretKey(out, target);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BackupError);
    expect((caught as BackupError).code).toBe(BackupErrorCode.SecretKeyMismatch);
    expect(fs.readFileSync(path.join(target, 'secret.key'), 'utf8')).toBe('mine\n');
  });
});

describe('findPgTools', () => {
  it('refuses tools older than the embedded server, naming the package to install', async () => {
    const bin = tmp();
    for (const tool of ['pg_dump', 'pg_restore']) fs.writeFileSync(path.join(bin, tool), '#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6"\n', { mode: 0o755 });
    // Only the fake old tools are offered when the system has none: then the error names them.
    const found = await findPgTools(bin, '').catch((err: unknown) => err);
    if (found instanceof BackupError) {
      expect(found.code).toBe(BackupErrorCode.ToolsMissing);
      expect(found.message).toMatch(/postgresql-client-\d+/);
    } else {
      // This machine has suitable tools elsewhere: the old ones were passed over.
      expect((found as { pgDump: string }).pgDump).not.toBe(path.join(bin, 'pg_dump'));
    }
  });
});
