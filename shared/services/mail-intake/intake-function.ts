import { flushMetrics, injectLambdaContext } from '../../observability.js';
import middy from '@middy/core';
import type { Observability } from '../../observability.js';
import type { MailIntakeDeps } from '../requests/request-deps.js';
import { processInboundMail, type IntakeOutcome } from './intake.js';
import { deliveriesOf } from './ses-event.js';

/**
 * The mail-intake Lambda around `processInboundMail` (like shared/http/http-function.ts for HTTP): JSON
 * logs and EMF metrics. Any error is thrown: Lambda retries twice, then the event goes to the dead-letter
 * queue, while the raw mail stays in S3. Logs carry the SES message id and the outcome only (never a
 * header, address or body).
 */
export function mailIntakeFunction(deps: MailIntakeDeps, { logger, metrics }: Observability) {
  const core = async (event: unknown): Promise<{ outcomes: IntakeOutcome[] }> => {
    const outcomes: IntakeOutcome[] = [];
    for (const delivery of deliveriesOf(event)) {
      try {
        const outcome = await processInboundMail(deps, delivery);
        logger.info('mail handled', { messageId: delivery.messageId, outcome });
        outcomes.push(outcome);
      } catch (error) {
        logger.error('mail failed', {
          messageId: delivery.messageId,
          errorName: error instanceof Error ? error.name : 'unknown',
        });
        throw error;
      }
    }
    return { outcomes };
  };
  return middy(core)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(flushMetrics(metrics));
}
