import { defineConfig } from 'vite';

// `npm run build` (run by the root postinstall): dist/index.html and content-hashed dist/assets/*,
// which the product serves at `/` (index.html never cached, assets immutable). Everything is bundled:
// no CDN, no inline script (the product's Content-Security-Policy forbids both).
export default defineConfig({
  base: '/',
  // Preact's automatic JSX runtime, compiled by Vite's own transformer (no Babel).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Vite's module-preload polyfill is the one inline-looking piece; modern browsers need none.
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
});
