import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';
import { dirname } from 'node:path';

/**
 * How every function is bundled: by the CDK stack (`functionCode`), the bench and the bundle tests, so both
 * measure what ships. One ESM entry, `index.mjs`, with code splitting: a module reached only through a dynamic
 * `import()` (pdf-lib for the overview PDF, the Encryption SDK for large or old ciphertexts) is a chunk file of
 * its own, read from disk only when that path runs. In a single-file bundle the same code is still parsed at
 * cold init (esbuild wraps it so it is not evaluated, but V8 reads every byte): measured on Node 22, splitting
 * took 15–23 % off the cold init of the functions that carry one (README, Benchmarks).
 */
export const esbuildOptions = {
  bundle: true,
  platform: 'node' as const,
  format: 'esm' as const,
  target: 'node22',
  mainFields: ['module', 'main'],
  // ESM output with CommonJS dependencies needs a `require` in scope (each chunk is a module of its own).
  banner: {
    js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  },
  minify: true,
  // Names are not kept: esbuild's keepNames wraps every function and class in a `__name()` call that runs where
  // it is defined, the closures zod builds for each schema included, which cost about a tenth of a function's
  // cold init (README, Benchmarks). Error names survive (every error class of ours sets `name`, and so do the
  // SDK's); a logged frame's file:line:col points into the bundle, which the same commit builds again byte for
  // byte: build it with `sourcemap: true` to read the frame.
  keepNames: false,
  splitting: true,
  entryNames: 'index',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
};

/** Bundles `entry` into `outdir` (index.mjs plus chunks) and returns esbuild's metafile. */
export function bundleFunction(entry: string, outdir: string) {
  return buildSync({ ...esbuildOptions, entryPoints: [entry], outdir, metafile: true, logLevel: 'warning' })
    .metafile;
}

/**
 * The Lambda code of one function: bundled during synthesis (locally, with the esbuild of package-lock.json,
 * so AWS runs the pinned SDK versions the tests ran; nothing is left external). The asset hash is the bundle's,
 * so a change anywhere in shared/ deploys. Tests that skip bundling (`aws:cdk:bundling-stacks: []`) stage the
 * function's folder instead, so they need no build.
 */
export function functionCode(entry: string): Code {
  return Code.fromAsset(dirname(entry), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Only used if the local build is not possible; esbuild is a dependency, so where synth runs it always is.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-alpine'),
      local: {
        tryBundle: (outputDir) => {
          bundleFunction(entry, outputDir);
          return true;
        },
      },
    },
  });
}
