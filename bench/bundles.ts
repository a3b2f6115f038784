import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { functionGrants, functionNames, type FunctionName } from '../functions/routes.js';
import { lambdaBundling } from '../infra/bundling.js';

export interface BundleFigures {
  fn: FunctionName;
  bytes: number;
  referenceBytes: number;
  initMs: number;
  referenceInitMs: number;
}

/** A bundle holding only the AWS SDK clients a function uses: the floor a function's own bundle is judged by. */
function referenceEntry(fn: FunctionName): string {
  const grants = functionGrants[fn];
  const clients = [
    ['@aws-sdk/client-dynamodb', 'DynamoDBClient'],
    ...(grants.kms.length > 0 || grants.budgetReviews ? [['@aws-sdk/client-kms', 'KMSClient']] : []),
    ...(grants.budgetReviews || grants.rawMail ? [['@aws-sdk/client-s3', 'S3Client']] : []),
    ...(grants.sendMail ? [['@aws-sdk/client-sesv2', 'SESv2Client']] : []),
  ];
  return [
    ...clients.map(([pkg, name]) => `import { ${name} } from '${pkg}';`),
    `export const clients = [${clients.map(([, name]) => `new ${name}({ region: 'eu-west-1' })`).join(', ')}];`,
  ].join('\n');
}

async function bundle(entry: { file: string } | { source: string }, outfile: string) {
  await build({
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.source, resolveDir: process.cwd(), loader: 'js' as const } }),
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: lambdaBundling.target,
    mainFields: [...lambdaBundling.mainFields],
    banner: { js: lambdaBundling.banner },
    minify: lambdaBundling.minify,
    keepNames: lambdaBundling.keepNames,
    logLevel: 'silent',
  });
  return statSync(outfile).size;
}

/** Median wall time of importing the bundle in a fresh Node process (module evaluation = Lambda init). */
function initMs(file: string, env: Record<string, string>, runs = 7): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  const samples = Array.from({ length: runs }, () =>
    Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, ...env },
      }),
    ),
  ).sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

export async function measureBundles(env: Record<string, string>): Promise<BundleFigures[]> {
  const dir = mkdtempSync(join(tmpdir(), 'zorgsom-bench-'));
  try {
    const figures: BundleFigures[] = [];
    for (const fn of functionNames) {
      const out = join(dir, `${fn}.mjs`);
      const referenceOut = join(dir, `${fn}-reference.mjs`);
      const bytes = await bundle({ file: resolve(`functions/${fn}/handler.ts`) }, out);
      const referenceBytes = await bundle({ source: referenceEntry(fn) }, referenceOut);
      figures.push({
        fn,
        bytes,
        referenceBytes,
        initMs: initMs(out, env),
        referenceInitMs: initMs(referenceOut, env),
      });
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
