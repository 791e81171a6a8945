#!/usr/bin/env node
/**
 * Makes package-lock.json acceptable to `npm ci` on registries that do not carry every
 * platform's optional binary (the mirror these machines use lacks e.g. msgpackr-extract for
 * darwin/win32). `npm install` then silently leaves those optional packages out of the lock,
 * and `npm ci` refuses the lock as "Missing: <pkg> from lock file". This adds a lock entry
 * (version, os, cpu, optional) for each one; npm ci skips them on other platforms as usual.
 *
 *   node scripts/complete-lockfile.js      run after any `npm install` that changes the lock
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const lockPath = path.resolve(__dirname, '..', 'package-lock.json');
const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openharmony', 'sunos', 'aix', 'openbsd', 'netbsd'];
const CPU = ['x64', 'arm64', 'arm', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'wasm32'];

const dryRun = spawnSync('npm', ['ci', '--dry-run', '--no-audit', '--no-fund'], { cwd: path.dirname(lockPath), encoding: 'utf8' });
const missing = [...`${dryRun.stdout}${dryRun.stderr}`.matchAll(/Missing: (\S+?)@\S* from lock file/g)].map((m) => m[1]);
if (missing.length === 0) {
  console.log('package-lock.json is complete');
  process.exit(0);
}

const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
for (const name of missing) {
  const parent = Object.values(lock.packages).find((meta) => meta.optionalDependencies && meta.optionalDependencies[name]);
  if (!parent) {
    console.error(`cannot complete ${name}: no package declares it as optional`);
    process.exitCode = 1;
    continue;
  }
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  const entry = { version: parent.optionalDependencies[name].replace(/^[\^~=]/, '') };
  if (cpu) entry.cpu = [cpu];
  entry.optional = true;
  if (os) entry.os = [os];
  if (os === 'linux' && parts.includes('musl')) entry.libc = ['musl'];
  if (os === 'linux' && parts.includes('gnu')) entry.libc = ['glibc'];
  lock.packages[`node_modules/${name}`] = entry;
  console.log(`added ${name}@${entry.version} (${entry.os ?? 'any os'}, ${entry.cpu ?? 'any cpu'})`);
}
const sorted = {};
for (const key of Object.keys(lock.packages).sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)))) sorted[key] = lock.packages[key];
lock.packages = sorted;
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
