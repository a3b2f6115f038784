import middy from '@middy/core';
import * as z from 'zod/mini';
import { outboxKeys, outboxPartitionPrefix } from '../../adapters/outbox-store.js';
import { addMinutes } from '../../domain/dates.js';
import { policy } from '../../domain/policy.js';
import { flushMetrics, type Observability, injectLambdaContext } from '../../observability.js';
import { deliverOutboxMail, type DeliveryOutcome, type MailSenderDeps } from './deliver.js';
import { recordSesFeedback, sesFeedbackEventSchema, type FeedbackOutcome } from './ses-feedback.js';
import { schema } from '../../domain/schema.js';

/**
 * The boundary schema of what the mail-sender is invoked with: DynamoDB stream records (KEYS_ONLY: the
 * event source mapping passes only INSERTs of outbox items; the sender reads each item by key), or the
 * schedule's redrive event. Locally, local/outbox-stream.ts reads DynamoDB Local's stream and calls the
 * same handler with the same shape.
 */
const streamEventSchema = /* @__PURE__ */ schema(() =>
  z.object({
    Records: z.array(
      z.object({
        eventName: z.optional(z.string()),
        dynamodb: z.object({
          SequenceNumber: z.optional(z.string()),
          Keys: z.looseObject({ pk: z.object({ S: z.string() }), sk: z.object({ S: z.string() }) }),
        }),
      }),
    ),
  }),
);
const redriveEventSchema = /* @__PURE__ */ schema(() =>
  z.looseObject({ source: z.literal('aws.scheduler') }),
);

/** What one invocation did with an SES bounce or complaint event (EventBridge rule, or local/ses-events.ts). */
export interface FeedbackResult {
  feedback: FeedbackOutcome;
}

export interface SenderResult {
  outcomes: DeliveryOutcome[];
  /** Lambda's partial batch response: the stream is retried from the first failed record. */
  batchItemFailures: { itemIdentifier: string }[];
}

const mailIdOfKey = (pk: string, sk: string) =>
  pk.startsWith(outboxPartitionPrefix) && sk === outboxKeys.mail('').sk
    ? pk.slice(outboxPartitionPrefix.length)
    : undefined;

/**
 * The one mail-sender Lambda. It also takes SES's bounce and complaint events (an EventBridge rule on the
 * default bus) and puts the addresses on the suppression list its own policy reads.
 *
 * A failed delivery is reported (ReportBatchItemFailures) so the event source mapping retries it with bisection and, after its retries, records it in the dead-letter queue; the
 * scheduled redrive sweep delivers whatever is still pending after `policy.mail.redriveAfterMinutes`, so
 * a mail outlives even an SES outage longer than the stream's retries. Logs carry outbox ids and outcomes.
 */
export function mailSenderFunction(deps: MailSenderDeps, { logger, metrics }: Observability) {
  const deliver = async (mailId: string, identifier: string, result: SenderResult) => {
    try {
      const outcome = await deliverOutboxMail(deps, mailId);
      if (outcome !== 'already-done') logger.info('mail delivery', { mailId, outcome });
      result.outcomes.push(outcome);
    } catch (error) {
      logger.warn('mail delivery failed', {
        mailId,
        errorName: error instanceof Error ? error.name : 'unknown',
      });
      result.batchItemFailures.push({ itemIdentifier: identifier });
    }
  };

  const core = async (event: unknown): Promise<SenderResult | FeedbackResult> => {
    const feedback = sesFeedbackEventSchema.safeParse(event);
    if (feedback.success) {
      // An error here fails the (asynchronous) invocation: Lambda retries it, then the dead-letter queue keeps it.
      const outcome = await recordSesFeedback(deps, feedback.data);
      logger.info('ses feedback', { ...outcome });
      return { feedback: outcome };
    }
    const result: SenderResult = { outcomes: [], batchItemFailures: [] };
    if (redriveEventSchema.safeParse(event).success) {
      const before = addMinutes(deps.clock(), -policy.mail.redriveAfterMinutes);
      for (const mailId of await deps.outbox.listPending(before)) await deliver(mailId, mailId, result);
      // A scheduled run has no batch to retry: what failed stays pending for the next run.
      if (result.batchItemFailures.length > 0) logger.warn('redrive left mails pending');
      return { ...result, batchItemFailures: [] };
    }
    for (const record of streamEventSchema.parse(event).Records) {
      const mailId = mailIdOfKey(record.dynamodb.Keys.pk.S, record.dynamodb.Keys.sk.S);
      if (!mailId || record.eventName !== 'INSERT') continue;
      await deliver(mailId, record.dynamodb.SequenceNumber ?? mailId, result);
    }
    return result;
  };
  return middy(core)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(flushMetrics(metrics));
}
