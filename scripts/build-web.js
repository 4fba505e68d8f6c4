// Builds the web apps (landing page, explorer) into web/dist with Vite, offline, from node_modules.
// `--if-missing` (what `npm start` runs first) builds only when the build is not there, so that
// `npm ci && npm start` serves the apps on a fresh machine and a later start does not rebuild.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const pages = ['home', 'explorer'].map((app) => path.join(root, 'web', 'dist', app, 'index.html'));
if (!(process.argv.includes('--if-missing') && pages.every((page) => fs.existsSync(page)))) {
  process.stderr.write('Building the web apps into web/dist…\n');
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(root, 'web', 'vite.config.ts')], {
    cwd: root,
    stdio: 'inherit',
    // The config is TypeScript loaded as CommonJS, which Vite 8 supports and warns about.
    env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  });
}
