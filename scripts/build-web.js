// Builds the web apps (landing page, explorer) into web/dist with Vite, offline, from node_modules.
// `--if-missing` (what `npm start` and the tests run first) builds only when the build is missing or older than
// its sources, so that `npm ci && npm start` serves the apps on a fresh machine and a later start does not rebuild.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const pages = ['home', 'explorer', 'console', 'citizen'].map((app) => path.join(root, 'web', 'dist', app, 'index.html'));
/** What the apps are built from besides node_modules: their sources, and the README (examples) and package.json (version). */
const SOURCES = ['web', 'README.md', 'package.json', 'common/errorGuide.ts', 'common/masks.ts', 'gateway/policy/types.ts', 'gateway/audit/proofCheck.ts'].map(
  (source) => path.join(root, source),
);

function newestChange(file) {
  if (file === path.join(root, 'web', 'dist')) return 0;
  const stat = fs.statSync(file);
  return stat.isDirectory() ? Math.max(0, ...fs.readdirSync(file).map((entry) => newestChange(path.join(file, entry)))) : stat.mtimeMs;
}

function upToDate() {
  if (!pages.every((page) => fs.existsSync(page))) return false;
  const built = Math.min(...pages.map((page) => fs.statSync(page).mtimeMs));
  return Math.max(...SOURCES.map(newestChange)) <= built;
}

if (!(process.argv.includes('--if-missing') && upToDate())) {
  process.stderr.write('Building the web apps into web/dist…\n');
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(root, 'web', 'vite.config.ts')], {
    cwd: root,
    stdio: 'inherit',
    // The config is TypeScript loaded as CommonJS, which Vite 8 supports and warns about.
    env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  });
}
