/**
 * Builds the staff console (web/console/) into `<outDir>/console/`: one HTML shell, one script bundle and
 * one stylesheet with content-hashed names (esbuild, like the portal), and the local sign-in settings
 * (config.json, paths on the same origin; in AWS the deployment writes its own, see infra/constructs/web.ts).
 * Called by local/web-build.ts, so `npm start`, the CDK asset and the browser tests all carry the console.
 */
import { writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForBrowser } from './browser-bundle.js';
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
  const { assetOf, files } = await bundleForBrowser(
    {
      console: join(consoleSourceDir, 'app', 'main.ts'),
      'console-styles': join(consoleSourceDir, 'styles.css'),
    },
    out,
    consolePath,
  );
  await writeFile(
    join(out, 'index.html'),
    renderConsoleShell({ script: assetOf('app/main.ts'), stylesheet: assetOf('styles.css') }),
  );
  await writeFile(join(out, 'config.json'), `${JSON.stringify(localConsoleConfig, null, 2)}\n`);
  const root = resolve(webOutDir);
  return [join(out, 'index.html'), join(out, 'config.json'), ...files].map((file) => relative(root, file));
}
