import type { Context } from 'aws-lambda';
import type { Logger } from './logger.js';
import type { Metrics } from './emf-metrics.js';

interface MiddyRequest {
  context: Context;
}

/**
 * Middy middleware: the invocation's Lambda context on every log line (function_request_id, cold_start, …);
 * with `resetKeys`, the keys a handler appended (correlation id, route) are dropped after each invocation so
 * the next one in the same container does not inherit them.
 */
export function injectLambdaContext(logger: Logger, { resetKeys = false }: { resetKeys?: boolean } = {}) {
  const reset = () => {
    if (resetKeys) logger.resetKeys();
  };
  return {
    before: (request: MiddyRequest) => {
      // Tests and the local stack call some handlers without a context.
      if (request.context) logger.addContext(request.context);
    },
    after: reset,
    onError: reset,
  };
}

/**
 * Middy middleware: flushes EMF metrics after each invocation, only when something was counted (an empty
 * document would be noise in the logs of every quiet invocation).
 */
export function flushMetrics(metrics: Metrics) {
  const flush = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: flush, onError: flush };
}
