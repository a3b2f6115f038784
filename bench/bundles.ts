import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions } from '../infra/bundling.js';

export interface BundleFigures {
  fn: string;
  /** Read at cold init: index.mjs and the chunks it imports statically. */
  bytes: number;
  /** Chunks reached only by a dynamic `import()`: read when that path first runs. */
  lazyBytes: number;
  referenceBytes: number;
  /** The AWS SDK clients the bundle carries: the reference holds exactly these. */
  clients: string[];
  /** The biggest packages read at cold init (minified bytes), for reading where the size goes. */
  biggest: string;
  init: Spread;
  referenceInit: Spread;
  /** Median of the per-round ratios (function / reference of the same round). */
  ratio: number;
}

export interface Spread {
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
  samples: number;
}

/** Every function of the stack: each has `functions/<name>/handler.ts`, the entry the CDK stack bundles. */
export function functionFolders(): string[] {
  return readdirSync(resolve('functions'))
    .filter((name) => existsSync(resolve('functions', name, 'handler.ts')))
    .sort();
}

const clientClass: Record<string, string> = {
  'client-dynamodb': 'DynamoDBClient',
  'client-kms': 'KMSClient',
  'client-lambda': 'LambdaClient',
  'client-s3': 'S3Client',
  'client-sesv2': 'SESv2Client',
  'client-sqs': 'SQSClient',
  'client-dynamodb-streams': 'DynamoDBStreamsClient',
};

/** A bundle that only constructs the given SDK clients: the floor a function's own bundle is judged by. */
function referenceEntry(clients: string[]): string {
  return [
    ...clients.map((pkg) => `import { ${clientClass[pkg]} } from '@aws-sdk/${pkg}';`),
    `export const clients = [${clients.map((pkg) => `new ${clientClass[pkg]}({ region: 'eu-west-1' })`).join(', ')}];`,
  ].join('\n');
}

/**
 * Bundles an entry (a file, or source text for a reference) with the deploy options into its own folder:
 * `index.mjs` plus the chunks of lazily imported modules. `bytes` is what is read at cold init (index.mjs and
 * the chunks it imports statically), `lazyBytes` the chunks only a dynamic `import()` reaches.
 */
export async function bundle(entry: { file: string } | { source: string }, outdir: string) {
  const result = await build({
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.source, resolveDir: process.cwd(), loader: 'js' as const } }),
    ...esbuildOptions,
    outdir,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const index = Object.keys(outputs).find((file) => basename(file) === 'index.mjs')!;
  const atInit = new Set<string>();
  const queue = [index];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (atInit.has(file)) continue;
    atInit.add(file);
    for (const imported of outputs[file]!.imports)
      if (imported.kind === 'import-statement' && !imported.external) queue.push(imported.path);
  }
  const size = (files: string[]) => files.reduce((sum, file) => sum + statSync(file).size, 0);
  return {
    file: join(outdir, 'index.mjs'),
    bytes: size([...atInit]),
    lazyBytes: size(Object.keys(outputs).filter((file) => !atInit.has(file))),
    metafile: result.metafile,
    atInit,
  };
}

/** Bytes in the given output files per npm package (scoped packages by scope/name). */
function bytesByPackage(metafile: Metafile, files: Set<string>): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (!files.has(file)) continue;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const name = match ? match[1]! : '(own code)';
      sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput);
    }
  }
  return sizes;
}

/** Wall time of importing the bundle in a fresh process of `node` (module evaluation = Lambda's init). */
function importMs(node: string, file: string, env: Record<string, string>): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  try {
    return Number(
      execFileSync(node, ['--input-type=module', '-e', script], {
        env: { ...process.env, ...env },
        cwd: tmpdir(),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
  } catch (error) {
    // The error's own text quotes the minified line it threw on: report the message lines only.
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    const reason = stderr
      .split('\n')
      .filter((line) => /^\w*Error\b|^\s+at /.test(line))
      .slice(0, 3);
    throw new Error(`importing ${basename(file)} failed:\n${reason.join('\n')}`);
  }
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]!;
  return {
    median: at(0.5),
    p25: at(0.25),
    p75: at(0.75),
    min: sorted[0]!,
    max: sorted.at(-1)!,
    samples: sorted.length,
  };
}

/**
 * Bundles each function with the deploy options and a reference holding only the SDK clients it carries, then
 * times `samples` rounds; each round imports every function and its reference in turn (interleaved, so load
 * on the machine hits both alike), each in a fresh process of `node`.
 */
export async function measureBundles(
  node: string,
  env: Record<string, string>,
  samples: number,
  progress: (line: string) => void,
): Promise<BundleFigures[]> {
  // Outside the repository: a bundle must not find a module in the project's node_modules.
  const dir = mkdtempSync(join(tmpdir(), 'zorgsom-bench-'));
  try {
    const built = [];
    for (const fn of functionFolders()) {
      const own = await bundle({ file: resolve('functions', fn, 'handler.ts') }, join(dir, fn));
      const packages = bytesByPackage(own.metafile, own.atInit);
      const clients = [...packages.keys()]
        .map((name) => /^@aws-sdk\/(client-.+)$/.exec(name)?.[1])
        .filter((name): name is string => name !== undefined && name in clientClass)
        .sort();
      const reference = await bundle({ source: referenceEntry(clients) }, join(dir, `${fn}-reference`));
      const biggest = [...packages]
        .filter(
          ([name]) =>
            !name.startsWith('@aws-sdk/') &&
            !name.startsWith('@smithy/') &&
            !name.startsWith('@aws-crypto/sha'),
        )
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([name, bytes]) => `${name} ${Math.round(bytes / 1024)}`)
        .join(', ');
      built.push({
        fn,
        out: own.file,
        referenceOut: reference.file,
        bytes: own.bytes,
        lazyBytes: own.lazyBytes,
        referenceBytes: reference.bytes,
        clients,
        biggest,
      });
    }
    const times = new Map(built.map((b) => [b.fn, { own: [] as number[], reference: [] as number[] }]));
    for (let round = 0; round < samples; round++) {
      progress(`cold init round ${round + 1} of ${samples}`);
      for (const b of built) {
        const t = times.get(b.fn)!;
        // Alternate which goes first, so neither always gets the warmer file cache.
        if (round % 2 === 0) {
          t.own.push(importMs(node, b.out, env));
          t.reference.push(importMs(node, b.referenceOut, env));
        } else {
          t.reference.push(importMs(node, b.referenceOut, env));
          t.own.push(importMs(node, b.out, env));
        }
      }
    }
    return built.map((b) => {
      const t = times.get(b.fn)!;
      return {
        fn: b.fn,
        bytes: b.bytes,
        lazyBytes: b.lazyBytes,
        referenceBytes: b.referenceBytes,
        clients: b.clients,
        biggest: b.biggest,
        init: spread(t.own),
        referenceInit: spread(t.reference),
        ratio: spread(t.own.map((own, i) => own / t.reference[i]!)).median,
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
