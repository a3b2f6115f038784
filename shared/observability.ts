import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { BusinessEvent } from './services/deps.js';

/**
 * One logger and one metrics sink per container. Log lines carry ids, route keys, outcomes and error
 * classes only: no request body, header value or personal value is ever passed to them.
 */
export function createObservability(functionName: string) {
  const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'zorgsom-privacy';
  const logger = new Logger({ serviceName, persistentKeys: { function: functionName } });
  const metrics = new Metrics({
    serviceName,
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ZorgSom',
  });
  /** One count of a business event; with `dimensions` (never personal: a reason, a kind) as its own metric. */
  const count = (event: BusinessEvent, dimensions?: Record<string, string>): void => {
    if (!dimensions) {
      metrics.addMetric(event, MetricUnit.Count, 1);
      return;
    }
    const single = metrics.singleMetric();
    for (const [name, value] of Object.entries(dimensions)) single.addDimension(name, value);
    single.addMetric(event, MetricUnit.Count, 1);
  };
  return { logger, metrics, count };
}
export type Observability = ReturnType<typeof createObservability>;

/**
 * Middy middleware: flushes EMF metrics after each invocation, only when something was counted (Powertools'
 * own middleware warns on every empty flush, which would fill the logs of every quiet invocation).
 */
export function flushMetrics(metrics: Metrics) {
  const flush = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: flush, onError: flush };
}
