/**
 * Vitest globalSetup: one in-memory local stack (DynamoDB Local, KMS stand-in, SES emulator) for the whole
 * run, on free ports, in a temp data folder. Tests read its env with `inject('localEnv')`; a test file that
 * needs its own table calls `createIsolatedTable(inject('localEnv'))` from local/table.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalStack } from '../local/stack.js';

declare module 'vitest' {
  export interface ProvidedContext {
    localEnv: Record<string, string>;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The SDK's Node-version notice would repeat in every worker.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = await mkdtemp(join(tmpdir(), 'zorgsom-test-'));
  let stack;
  try {
    stack = await startLocalStack({
      dataDir,
      persistent: false,
      ports: { http: 0, dynamodb: 0, kms: 0, ses: 0 },
    });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  // Functions run inside the test workers: keep their logs and EMF lines out of the test report. The test
  // that inspects logs turns them back on for itself.
  project.provide('localEnv', {
    ...stack.env,
    POWERTOOLS_LOG_LEVEL: 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  return async () => {
    try {
      await stack.stop();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  };
}
