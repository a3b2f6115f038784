/**
 * One esbuild set-up for the browser code the portal and the staff console ship: ESM bundles and stylesheets
 * with content-hashed names under `<outDir>/assets/`, for the browsers the pages support.
 */
import { mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';

export interface BrowserBundle {
  /** The public path of the file built from the entry point whose source path ends with `entry`. */
  assetOf(entry: string): string;
  /** Every file written, as absolute paths. */
  files: string[];
}

export async function bundleForBrowser(
  entryPoints: Record<string, string>,
  outDir: string,
  publicPrefix: string,
): Promise<BrowserBundle> {
  await mkdir(join(outDir, 'assets'), { recursive: true });
  const result = await build({
    entryPoints,
    outdir: join(outDir, 'assets'),
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
  return {
    assetOf(entry) {
      const found = outputs.find(([, output]) => output.entryPoint?.endsWith(entry));
      if (!found) throw new Error(`esbuild produced no output for ${entry}`);
      return `${publicPrefix}assets/${basename(found[0])}`;
    },
    files: outputs.map(([file]) => resolve(file)),
  };
}
