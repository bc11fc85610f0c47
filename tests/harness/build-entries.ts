import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ENTRIES_DIR_ENV } from './entries.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Global setup of the end-to-end projects: bundles the apps' entry files from the current source
 * (`scripts/build-entries.mjs`, ~1 s) before any test file runs, and tells the harnesses where
 * they are: every product and service a test starts then runs without tsx's loader. Once per
 * vitest run, for both end-to-end projects.
 */
export default function setup(): void {
  if (process.env[ENTRIES_DIR_ENV] !== undefined) return; // built by the other end-to-end project's setup
  const dir = path.join(ROOT, 'dist/entries');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-entries.mjs'), dir], { cwd: ROOT, stdio: 'inherit' });
  process.env[ENTRIES_DIR_ENV] = dir;
}
