// Bundles the apps' entry files into plain JavaScript under dist/entries: each workspace module
// (`@vr3/*`, relative imports) compiled into one file per entry, every other package left to
// Node's own resolution from node_modules. The result runs with `node dist/entries/<name>.mjs`,
// without tsx's loader: a product start is ~3 s and ~3.5 s of CPU shorter (measured on the
// embedded product, 2 cores). The end-to-end test harnesses start these (tests/harness/entries.ts),
// listed in dist/entries/manifest.json.
//
// `import.meta.url` (and `.dirname`, `.filename`) of each source module is replaced by that
// module's own location, so paths the code builds from it (migrations, the console's dist, the
// Prisma client, helper scripts, model files) resolve exactly as when the source runs.
import { build } from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Entry name → source file (relative to the repository root). */
export const ENTRIES = {
  embedded: 'apps/embedded/src/main.ts',
  'control-plane-worker': 'apps/embedded/src/control-plane-thread/worker.ts',
  'control-plane': 'apps/control-plane/src/main.ts',
  'media-edge': 'apps/media-edge/src/main.ts',
  operator: 'apps/embedded/src/operator/main.ts',
  backup: 'apps/embedded/src/operator/backup-main.ts',
  'vr3-sim': 'packages/simulator/src/cli/run.ts',
};

/** Workspace sources with their own `import.meta` location. */
const workspaceSources = {
  name: 'workspace-sources',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point' || /^[./]/.test(args.path) || args.path.startsWith('@vr3/')) return undefined;
      return { path: args.path, external: true };
    });
    b.onLoad({ filter: /\.m?ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const contents = source
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(path.dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path));
      return { contents, loader: 'ts' };
    });
  },
};

/** Builds every entry into `outDir` (default dist/entries); resolves to the directory. */
export async function buildEntries(outDir = path.join(ROOT, 'dist/entries')) {
  await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(ROOT, file)])),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [workspaceSources],
    // The embedded product's control-plane thread runs the bundled worker (see thread.ts).
    define: { VR3_BUNDLED_WORKER: JSON.stringify(pathToFileURL(path.join(outDir, 'control-plane-worker.mjs')).href) },
    // CommonJS packages bundled by reference still call `require` in places.
    banner: { js: "import { createRequire as vr3CreateRequire } from 'node:module'; const require = vr3CreateRequire(import.meta.url);" },
  });
  // Which bundle runs which source entry (absolute paths), for the harnesses.
  const manifest = Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [path.join(ROOT, file), path.join(outDir, `${name}.mjs`)]));
  await writeFile(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return outDir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const dir = await buildEntries(process.argv[2]);
  console.log(`entries built in ${Math.round(performance.now() - started)} ms: ${path.relative(ROOT, dir)}`);
}
