// Jest's global setup: builds the web apps (web/dist) when their build is missing, as `npm start` does.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async function buildWebIfMissing() {
  execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'build-web.js'), '--if-missing'], { stdio: 'inherit' });
};
