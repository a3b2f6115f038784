import middy from '@middy/core';
import { loadConfig } from '../../shared/config.js';
import {
  createObservability,
  flushMetrics,
  injectLambdaContext,
  type Observability,
} from '../../shared/observability.js';
import { workByEmailSubmission, type ByEmailWorkerDeps } from '../../shared/services/requests/by-email.js';
import { createByEmailWorkerDeps } from '../../shared/wiring/requests.js';

/**
 * The by-email worker: invoked asynchronously by privacy-requests with a sealed submission (never plaintext),
 * it does what the by-email route did before it answered (shared/services/requests/by-email.ts). A failure is
 * retried by Lambda twice, then the still-sealed event waits in the dead-letter queue (alarmed; runbook:
 * redrive). Logs name the submission id and the error class only.
 */
export function createByEmailWorkerHandler(deps: ByEmailWorkerDeps, { logger, metrics }: Observability) {
  const core = async (event: unknown) => {
    try {
      const { submissionId } = await workByEmailSubmission(deps, event);
      logger.info('submission handled', { submissionId });
      return { submissionId };
    } catch (error) {
      logger.error('submission failed', { errorName: error instanceof Error ? error.name : 'unknown' });
      throw error;
    }
  };
  return middy(core)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(flushMetrics(metrics));
}

const config = loadConfig();
const observability = createObservability('privacy-requests-by-email');
export const handler = createByEmailWorkerHandler(
  createByEmailWorkerDeps(config, observability),
  observability,
);
