/** How every function is bundled: read by the CDK stack and by the bench, so the bench measures what ships. */
export const lambdaBundling = {
  target: 'node22',
  mainFields: ['module', 'main'],
  // ESM output with CommonJS dependencies needs a `require` in scope.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  minify: true,
  // Readable stack traces without shipping source maps (and without the cold-start cost of --enable-source-maps).
  keepNames: true,
} as const;

/** The same options in esbuild's own terms (what NodejsFunction hands esbuild): for the bench and the bundle tests. */
export const esbuildOptions = {
  bundle: true,
  platform: 'node' as const,
  format: 'esm' as const,
  target: lambdaBundling.target,
  mainFields: [...lambdaBundling.mainFields] as string[],
  banner: { js: lambdaBundling.banner },
  minify: lambdaBundling.minify,
  keepNames: lambdaBundling.keepNames,
};
