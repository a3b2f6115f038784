/**
 * Builds the licensee portal (web/) into a folder of static files: the HTML pages rendered from the policy
 * file and the text dictionary, one script bundle and one stylesheet (esbuild, content-hashed names), and the
 * staff console under console/ (local/console-build.ts).
 * `npm start` runs it before serving; `npm run build:web [outDir]` runs it alone; the CDK stack runs it to
 * bundle the portal's S3 deployment; the browser tests build into a temp folder of their own.
 */
import { copyFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleForBrowser } from './browser-bundle.js';
import { renderPages } from '../web/src/pages.js';
import { buildConsole } from './console-build.js';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const webSourceDir = join(repoRoot, 'web', 'src');
export const defaultWebOutDir = join(repoRoot, 'web', 'dist');

export interface WebBuild {
  outDir: string;
  files: string[];
}

export async function buildWeb(outDir: string = defaultWebOutDir): Promise<WebBuild> {
  const out = resolve(outDir);
  await rm(out, { recursive: true, force: true });
  const { assetOf, files } = await bundleForBrowser(
    { app: join(webSourceDir, 'app', 'main.ts'), styles: join(webSourceDir, 'styles.css') },
    out,
    '/',
  );
  const pages = renderPages({ script: assetOf('main.ts'), stylesheet: assetOf('styles.css') });
  await Promise.all(Object.entries(pages).map(([file, html]) => writeFile(join(out, file), html)));
  // The logo doubles as the favicon (SVG: one small file, sharp at every size).
  await copyFile(join(webSourceDir, 'favicon.svg'), join(out, 'favicon.svg'));
  const consoleFiles = await buildConsole(out);

  return {
    outDir: out,
    files: [
      ...Object.keys(pages),
      'favicon.svg',
      ...files.map((file) => relative(out, file)),
      ...consoleFiles,
    ].sort(),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  const built = await buildWeb(process.argv[2] ?? defaultWebOutDir);
  console.log(
    `Portal built in ${Math.round(performance.now() - started)} ms: ${built.files.length} files in ${relative(process.cwd(), built.outDir) || '.'}`,
  );
}
