import type { LambdaClient } from '@aws-sdk/client-lambda';
import { createJobStore } from '../adapters/job-store.js';
import { createLambdaClient, createLambdaJobInvoker } from '../adapters/lambda-job-invoker.js';
import { requireSetting, type Config } from '../config.js';
import type { Clock } from '../domain/dates.js';
import type { AwsClients } from './base.js';
import type { JobDeps } from '../services/jobs/jobs.js';

/** The job store and the runner's invoker: for the admin function (starts jobs) and the runner (continues them). */
export function createJobDeps(
  config: Config,
  { clients, clock }: { clients: AwsClients & { lambda?: LambdaClient }; clock: Clock },
): Pick<JobDeps, 'jobs' | 'invoker'> {
  return {
    jobs: createJobStore({ client: clients.dynamodb, tableName: config.TABLE_NAME, clock }),
    invoker: createLambdaJobInvoker(
      clients.lambda ?? createLambdaClient(config),
      requireSetting(config, 'JOB_RUNNER_FUNCTION'),
    ),
  };
}
