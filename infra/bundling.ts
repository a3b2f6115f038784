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
