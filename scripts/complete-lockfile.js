#!/usr/bin/env node
// Completes package-lock.json with the platform builds that a registry mirror does not serve.
//
// Native packages (@swc/core, unrs-resolver) list one optional dependency per platform. When the registry in
// use answers 404 for some of them (builds for macOS, Windows, Android...), `npm install` leaves them out of
// the lock file, and `npm ci` then refuses the lock as out of sync. Each missing build gets an entry naming its
// version, platform and CPU, so that `npm ci` checks the lock, skips the builds for other platforms, and
// installs exactly what `npm install` resolved. Idempotent; run after every `npm install` that changes the lock.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const PLATFORM = /(darwin|win32|linux|android|freebsd|openharmony|sunos|aix|netbsd|openbsd)-(arm64|x64|arm|ia32|ppc64|s390x|riscv64|loong64|wasm32)/;

function complete(lock) {
  const packages = lock.packages;
  const added = [];
  for (const [location, entry] of Object.entries(packages)) {
    for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
      const nested = `${location ? `${location}/` : ''}node_modules/${name}`;
      const hoisted = `node_modules/${name}`;
      if (packages[nested] || packages[hoisted]) continue;
      const platform = PLATFORM.exec(name);
      packages[hoisted] = {
        version,
        optional: true,
        ...(entry.dev ? { dev: true } : {}),
        ...(platform ? { os: [platform[1]], cpu: [platform[2]] } : {}),
      };
      added.push(`${name}@${version}`);
    }
  }
  lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
  return added;
}

const file = path.resolve(process.argv[2] ?? 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const added = complete(lock);
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(
  added.length === 0 ? 'package-lock.json is complete\n' : `package-lock.json: added ${added.length} platform builds the registry does not serve\n`,
);
