import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createS3Client } from '../../shared/adapters/raw-mail-store.js';
import { createPurgeDeps } from '../../shared/wiring/retention.js';
import { loadConfig } from '../../shared/config.js';
import { jobEventSchema } from '../../shared/domain/job.js';
import { sweepStopBeforeTimeoutMs } from '../../shared/domain/retention.js';
import {
  createObservability,
  flushMetrics,
  type Observability,
  injectLambdaContext,
} from '../../shared/observability.js';
import { runJob, type JobRunnerDeps } from '../../shared/services/jobs/runner.js';
import { createAwsClients } from '../../shared/wiring/base.js';
import { createJobDeps } from '../../shared/wiring/jobs.js';
import { createStaffDeps } from '../../shared/wiring/staff.js';

/**
 * Runs staff jobs (marketing sends, approved deletions' purges, re-purges after a restore), invoked
 * asynchronously with `{ jobId }`. It stops a minute before its timeout and invokes itself to continue;
 * a failure is retried by Lambda twice, then the event waits in the dead-letter queue (runbook: redrive).
 */
export function createJobRunnerHandler(deps: JobRunnerDeps, { logger, metrics }: Observability) {
  const core = async (event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>) => {
    const { jobId } = jobEventSchema.parse(event);
    const outcome = await runJob(
      deps,
      jobId,
      () => context.getRemainingTimeInMillis() < sweepStopBeforeTimeoutMs,
    );
    logger.info('job run', { jobId, outcome });
    return { jobId, outcome };
  };
  return middy(core)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(flushMetrics(metrics));
}

const config = loadConfig();
const observability = createObservability('job-runner');
const clients = createAwsClients(config);
const staffDeps = createStaffDeps(config, observability, { clients });
export const handler = createJobRunnerHandler(
  {
    ...staffDeps,
    ...createJobDeps(config, { clients, clock: staffDeps.clock }),
    purge: createPurgeDeps(config, observability, { dynamodb: clients.dynamodb, s3: createS3Client(config) }),
  },
  observability,
);
