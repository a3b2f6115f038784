import { loadOnce } from '../adapters/load-once.js';
import { createSubmissionSealer } from '../adapters/submission-sealer.js';
import { requireSetting, type Config } from '../config.js';
import type { SealedSubmissionEvent } from '../domain/by-email-submission.js';
import type { Observability } from '../observability.js';
import type { ByEmailHandOffDeps } from '../services/requests/by-email.js';
import type { AwsClients } from './base.js';

/**
 * The by-email route's hand-off (privacy-requests): the submission key (Encrypt only, by IAM) and the worker's
 * asynchronous invocation. Its own module, so the functions that never hand off (the worker among them) bundle
 * no Lambda client.
 * The Lambda client (≈ 87 KB of the SDK) is imported on the first hand-off of a container, not at init: the
 * function's other routes never need it, and that first call costs the same whoever the address belongs to.
 */
export function createByEmailHandOff(
  config: Config,
  { kms }: Pick<AwsClients, 'kms'>,
  { newId, count }: Pick<ByEmailHandOffDeps, 'newId'> & Pick<Observability, 'count'>,
): ByEmailHandOffDeps {
  const worker = requireSetting(config, 'BY_EMAIL_WORKER_FUNCTION');
  const invoker = loadOnce(() =>
    import('../adapters/lambda-job-invoker.js').then(({ createLambdaClient, invokeAsync }) => {
      const client = createLambdaClient(config);
      return (event: SealedSubmissionEvent) => invokeAsync(client, worker, event);
    }),
  );
  return {
    sealer: createSubmissionSealer({ kms, keyId: requireSetting(config, 'SUBMISSION_KEY_ID') }),
    async handOff(event) {
      return (await invoker())(event);
    },
    newId,
    count,
  };
}
