/**
 * Builds the staff console (web/console/) into `<outDir>/console/`: one HTML shell, one script bundle and
 * one stylesheet with content-hashed names (esbuild, like the portal), and the local sign-in settings
 * (config.json, paths on the same origin; in AWS the deployment writes its own, see infra/constructs/web.ts).
 * Called by local/web-build.ts, so `npm start`, the CDK asset and the browser tests all carry the console.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { renderConsoleShell } from '../web/console/shell.js';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const consoleSourceDir = join(repoRoot, 'web', 'console');
/** Where the console is served, locally and by CloudFront. */
export const consolePath = '/console/';

/** The local staff IdP's endpoints (console-api's local stack), relative to the console's origin. */
export const localConsoleConfig = {
  authorizeUrl: '/staff-idp/oauth2/authorize',
  tokenUrl: '/staff-idp/oauth2/token',
  logoutUrl: '/staff-idp/logout',
  clientId: 'zorgsom-console',
  redirectUri: consolePath,
  scope: 'zorgsom/staff',
  apiBase: '/api',
};

export async function buildConsole(webOutDir: string): Promise<string[]> {
  const out = join(resolve(webOutDir), 'console');
  await mkdir(join(out, 'assets'), { recursive: true });
  const result = await build({
    entryPoints: {
      console: join(consoleSourceDir, 'app', 'main.ts'),
      'console-styles': join(consoleSourceDir, 'styles.css'),
    },
    outdir: join(out, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    platform: 'browser',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const assetOf = (entry: string): string => {
    const found = outputs.find(([, output]) => output.entryPoint?.endsWith(entry));
    if (!found) throw new Error(`esbuild produced no output for ${entry}`);
    return `${consolePath}assets/${basename(found[0])}`;
  };
  await writeFile(
    join(out, 'index.html'),
    renderConsoleShell({ script: assetOf('app/main.ts'), stylesheet: assetOf('styles.css') }),
  );
  await writeFile(join(out, 'config.json'), `${JSON.stringify(localConsoleConfig, null, 2)}\n`);
  const root = resolve(webOutDir);
  return [join(out, 'index.html'), join(out, 'config.json'), ...outputs.map(([file]) => resolve(file))].map(
    (file) => relative(root, file),
  );
}
