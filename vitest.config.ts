import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests share one set of emulators started once for the run.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    // A synth or a browser stack in beforeAll takes ~10 s on a quiet machine but minutes on a busy one; a hook
    // that times out skips its whole file, so hooks get room (tests keep their tighter limit).
    hookTimeout: 180_000,
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
    coverage: {
      // On CI (CI=true, as .ci/run runs) or on request (`npm test -- --coverage`): line and branch coverage of
      // the code that ships. Code run only in child processes (npm start, bundles) is not counted.
      enabled: process.env.CI === 'true',
      provider: 'v8',
      include: ['shared/**/*.ts', 'functions/**/*.ts'],
      reporter: [['text', { skipFull: true }], 'text-summary'],
      reportsDirectory: 'coverage',
    },
  },
});
