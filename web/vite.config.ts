import path from 'node:path';
import { defineConfig } from 'vite';
import { platformFacts } from './shared/platformFacts';

/** The web apps, one folder each, built into web/dist/<app>/ with their shared, hashed assets in web/dist/assets/. */
const WEB_APPS = ['home', 'explorer', 'console', 'citizen'] as const;

const root = __dirname;

/**
 * Offline and deterministic: everything comes from node_modules and this folder, file names are content hashes,
 * and the only build-time facts (version, README examples) are read from the repository.
 */
export default defineConfig({
  root,
  base: '/',
  logLevel: 'warn',
  publicDir: false,
  define: { __PLATFORM_FACTS__: JSON.stringify(platformFacts(path.join(root, '..'))) },
  oxc: { jsx: { runtime: 'automatic' } },
  worker: { format: 'es' },
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 8000,
    // Inlined assets would need data: in the Content-Security-Policy for more than fonts; files keep it tight.
    assetsInlineLimit: 0,
    rollupOptions: {
      // React libraries mark their modules "use client", which means nothing to a browser bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      input: Object.fromEntries(WEB_APPS.map((app) => [app, path.join(root, app, 'index.html')])),
    },
  },
});
