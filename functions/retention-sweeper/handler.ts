import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createDynamoDbClient } from '../../shared/adapters/dynamodb-client.js';
import { createS3Client } from '../../shared/adapters/raw-mail-store.js';
import { createPurgeDeps } from '../../shared/wiring/retention.js';
import { loadConfig } from '../../shared/config.js';
import {
  createObservability,
  type Observability,
  flushMetrics,
  injectLambdaContext,
} from '../../shared/observability.js';
import type { PurgeDeps } from '../../shared/services/retention/deps.js';
import { sweep } from '../../shared/services/retention/sweeper.js';

/** Some licensees could not be purged: the run fails so the invocation lands in the DLQ and alarms. */
export class SweepFailedError extends Error {
  override name = 'SweepFailedError';
}

/**
 * Hourly (EventBridge Scheduler): purges every licensee whose purge date has passed. The time budget comes
 * from the Lambda context: the sweep stops well before the timeout and the next run resumes.
 */
export function createSweeperHandler(deps: PurgeDeps, { logger, metrics }: Observability) {
  const core = async (_event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>) => {
    const report = await sweep(deps, { remainingMs: () => context.getRemainingTimeInMillis() });
    const summary = {
      due: report.due,
      purged: report.purged.length,
      held: report.held.length,
      failed: report.failed.length,
      incomplete: report.incomplete,
    };
    logger.info('retention sweep done', summary);
    if (report.failed.length > 0) throw new SweepFailedError(`${report.failed.length} purges failed`);
    return summary;
  };
  return middy(core)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(flushMetrics(metrics));
}

const observability = createObservability('retention-sweeper');
const config = loadConfig();
export const handler = createSweeperHandler(
  createPurgeDeps(config, observability, {
    dynamodb: createDynamoDbClient(config),
    s3: createS3Client(config),
  }),
  observability,
);
