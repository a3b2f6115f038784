import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Lambda's runtime is nodejs22.x: the bench times bundles on Node 22, whatever runs the bench. */
const version = '22';
const cacheDir =
  process.env.ZORGSOM_NODE22_DIR ?? join(homedir(), '.cache', 'zorgsom-bench', `node${version}`);

/**
 * A Node 22 binary from the npm registry's `node` package, installed into a cache folder outside the
 * project's dependencies on first use (≈ 185 MB, once per machine).
 */
export function node22(progress: (line: string) => void): string {
  const binary = join(cacheDir, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(binary)) {
    progress(`installing node@${version} into ${cacheDir} (once)`);
    mkdirSync(cacheDir, { recursive: true });
    execFileSync(
      'npm',
      ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', cacheDir, `node@${version}`],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  }
  const actual = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  if (!actual.startsWith(`v${version}.`)) throw new Error(`${binary} is ${actual}, not Node ${version}`);
  return binary;
}
