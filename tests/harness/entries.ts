import fs from 'node:fs';
import path from 'node:path';

/** Set by the end-to-end projects' global setup (`build-entries.ts`): the directory of the bundled entries. */
export const ENTRIES_DIR_ENV = 'VR3_TEST_ENTRIES_DIR';

let manifest: Record<string, string> | null | undefined;

/** Source entry → bundle, from the bundles built for this run; `null` outside a test run that built them. */
function bundles(): Record<string, string> | null {
  if (manifest !== undefined) return manifest;
  const dir = process.env[ENTRIES_DIR_ENV];
  manifest = dir ? (JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, string>) : null;
  return manifest;
}

/**
 * The Node arguments that start the app entry file `source` (an absolute path): its bundle when
 * this test run built one, else the source through tsx (as `npm start` runs it). Both run the
 * same code; the bundle loads without tsx's loader.
 */
export function entryArgs(source: string): string[] {
  const bundle = bundles()?.[source];
  return bundle === undefined ? ['--import', 'tsx', source] : [bundle];
}
