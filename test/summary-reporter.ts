import type { Reporter, TestModule } from 'vitest/node';

/** Prints one plain `N passed, N failed, N skipped` line, so CI can tell a run that executed no test. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    const counts = { passed: 0, failed: 0, skipped: 0, pending: 0 };
    for (const testModule of testModules) {
      let failed = 0;
      for (const test of testModule.children.allTests()) {
        const { state } = test.result();
        counts[state] += 1;
        if (state === 'failed') failed += 1;
      }
      // A file that fails to load, or whose hooks fail, has no failed test of its own: it counts as one.
      if (failed === 0 && testModule.state() === 'failed') counts.failed += 1;
    }
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
