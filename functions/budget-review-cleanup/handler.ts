import middy from '@middy/core';
import { loadConfig } from '../../shared/config.js';
import { createObservability, injectLambdaContext } from '../../shared/observability.js';
import { runBudgetReviewCleanup } from '../../shared/services/budget-review.js';
import { createBudgetReviewDeps } from '../../shared/wiring/budget-review.js';

const { logger } = createObservability('budget-review-cleanup');
const deps = createBudgetReviewDeps(loadConfig());

/** Scheduled daily: lapses unanswered reviews, destroys uploads whose time is up. */
export const handler = middy(async () => {
  const result = await runBudgetReviewCleanup(deps);
  logger.info('budget review cleanup ran', result);
  return result;
}).use(injectLambdaContext(logger));
