import { createLambdaClient, invokeAsync } from '../adapters/lambda-job-invoker.js';
import { createSubmissionSealer } from '../adapters/submission-sealer.js';
import { requireSetting, type Config } from '../config.js';
import type { Observability } from '../observability.js';
import type { ByEmailHandOffDeps, ByEmailWorkerDeps } from '../services/requests/by-email.js';
import type { RequestDeps } from '../services/requests/request-deps.js';
import type { AwsClients } from './base.js';

/**
 * The by-email route's hand-off (privacy-requests): the submission key (Encrypt only, by IAM) and the worker's
 * asynchronous invocation. Its own module, so the request functions that never hand off bundle no Lambda client.
 */
export function createByEmailHandOff(
  config: Config,
  { kms }: Pick<AwsClients, 'kms'>,
  { newId, count }: Pick<ByEmailHandOffDeps, 'newId'> & Pick<Observability, 'count'>,
): ByEmailHandOffDeps {
  const lambda = createLambdaClient(config);
  const worker = requireSetting(config, 'BY_EMAIL_WORKER_FUNCTION');
  return {
    sealer: createSubmissionSealer({ kms, keyId: requireSetting(config, 'SUBMISSION_KEY_ID') }),
    handOff: (event) => invokeAsync(lambda, worker, event),
    newId,
    count,
  };
}

/** The by-email worker: the request workflow plus the submission key (Decrypt only, by IAM). */
export function createByEmailWorkerDeps(
  config: Config,
  requestDeps: RequestDeps,
  { kms }: Pick<AwsClients, 'kms'>,
): ByEmailWorkerDeps {
  return {
    ...requestDeps,
    sealer: createSubmissionSealer({ kms, keyId: requireSetting(config, 'SUBMISSION_KEY_ID') }),
  };
}
