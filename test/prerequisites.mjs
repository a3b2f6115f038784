#!/usr/bin/env node
/**
 * `npm test`'s pretest step: what the tests need beyond npm — Java 17+ for DynamoDB Local and Chromium for
 * the browser tests. Installs them from Debian where missing and allowed (root with apt-get, as on CI);
 * otherwise stops at once with the one command to run, instead of dozens of failing tests.
 * Plain Node (no tsx), so it runs before anything else is checked.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function javaMajor() {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  const version = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr + result.stdout);
  if (!version) return undefined;
  const major = Number(version[1]);
  return major === 1 ? Number(version[2]) : major;
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function missingPackages() {
  const missing = [];
  if ((javaMajor() ?? 0) < 17)
    missing.push({ what: 'Java 17 (DynamoDB Local)', pkg: 'openjdk-17-jre-headless' });
  if (!executable(chromium)) {
    if (process.env.CHROMIUM_PATH) {
      process.stderr.write(`\nCHROMIUM_PATH=${chromium} is not an executable Chromium.\n\n`);
      process.exit(1);
    }
    missing.push({ what: 'Chromium (browser tests)', pkg: 'chromium' });
  }
  return missing;
}

const missing = missingPackages();
if (missing.length > 0) {
  const packages = missing.map((m) => m.pkg).join(' ');
  const canInstall = process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0;
  if (!canInstall) {
    process.stderr.write(
      `\nnpm test needs ${missing.map((m) => m.what).join(' and ')}. Install, then run npm test again:\n\n` +
        `  sudo apt-get update && sudo apt-get install -y ${packages}\n\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`Installing ${missing.map((m) => m.what).join(' and ')} from Debian: ${packages}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...missing.map((m) => m.pkg)],
  ]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      process.stderr.write(`\napt-get ${args.join(' ')} failed (exit ${result.status}).\n\n`);
      process.exit(1);
    }
  }
  const still = missingPackages();
  if (still.length > 0) {
    process.stderr.write(`\nStill missing after apt-get: ${still.map((m) => m.what).join(', ')}.\n\n`);
    process.exit(1);
  }
}
