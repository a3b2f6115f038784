import type { BusinessEvent } from './services/deps.js';
import { createMetrics, MetricUnit } from './observability/emf-metrics.js';
import { createLogger } from './observability/logger.js';

export { MetricUnit } from './observability/emf-metrics.js';
export { flushMetrics, injectLambdaContext } from './observability/middleware.js';
export { errorForLog, type LogFields } from './observability/logger.js';

/** Powertools' reading of a flag (`POWERTOOLS_METRICS_DISABLED`), so the values that worked still work. */
const isSet = (value: string | undefined) =>
  ['1', 'true', 'yes', 'on'].includes(value?.trim().toLowerCase() ?? '');

/**
 * One logger and one metrics sink per container (shared/observability/: our own, for cold init; see README,
 * "Where this departs"). Log lines carry ids, route keys, outcomes and error classes only: no request body,
 * header value or personal value is ever passed to them. Configured by the Powertools environment names the
 * stack and the local stack set; `env` is process.env but for the local stack's in-process mail-sender, whose
 * env is one test table's among many in one process.
 */
export function createObservability(
  functionName: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
) {
  const service = env.POWERTOOLS_SERVICE_NAME ?? 'zorgsom-privacy';
  const logger = createLogger({
    service,
    persistentKeys: { function: functionName },
    level: env.POWERTOOLS_LOG_LEVEL ?? env.LOG_LEVEL,
    initializationType: env.AWS_LAMBDA_INITIALIZATION_TYPE,
  });
  const metrics = createMetrics({
    service,
    namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? 'ZorgSom',
    disabled: isSet(env.POWERTOOLS_METRICS_DISABLED),
  });
  /** One count of a business event; with `dimensions` (never personal: a reason, a kind) as its own metric. */
  const count = (event: BusinessEvent, dimensions?: Record<string, string>): void => {
    if (dimensions) metrics.publishSingleMetric(event, MetricUnit.Count, 1, dimensions);
    else metrics.addMetric(event, MetricUnit.Count, 1);
  };
  return { logger, metrics, count };
}
export type Observability = ReturnType<typeof createObservability>;
