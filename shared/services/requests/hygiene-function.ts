import { flushMetrics, injectLambdaContext } from '../../observability.js';
import middy from '@middy/core';
import type { Observability } from '../../observability.js';
import { runRequestHygiene, type HygieneReport } from './hygiene.js';
import type { RequestDeps } from './request-deps.js';

/** The request-hygiene Lambda (daily EventBridge schedule) around `runRequestHygiene`. Logs counts only. */
export function requestHygieneFunction(deps: RequestDeps, { logger, metrics }: Observability) {
  const core = async (): Promise<HygieneReport> => {
    const report = await runRequestHygiene(deps);
    logger.info('request hygiene done', { ...report });
    return report;
  };
  return middy(core)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(flushMetrics(metrics));
}
