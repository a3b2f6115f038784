import * as z from 'zod/mini';
import { addDays } from '../../domain/dates.js';
import { normaliseEmail } from '../../domain/licensee.js';
import { policy } from '../../domain/policy.js';
import type { MailSenderDeps } from './deliver.js';
import { schema } from '../../domain/schema.js';

/**
 * SES's event publishing, as EventBridge delivers it to the default bus (configuration set event destination,
 * infra/constructs/mail-sending.ts): `source: aws.ses`, detail-type `Email Bounced` or `Email Complaint
 * Received`, `detail` the SES event record. Only what the sender uses is read; the rest passes (`loose`).
 * Locally local/ses-events.ts builds the same shape and hands it to the same handler.
 */
const recipientsSchema = /* @__PURE__ */ schema(() =>
  z
    .array(z.looseObject({ emailAddress: z.string().check(z.minLength(3), z.maxLength(320)) }))
    .check(z.minLength(1)),
);

export const sesFeedbackEventSchema = /* @__PURE__ */ schema(() =>
  z.looseObject({
    source: z.literal('aws.ses'),
    'detail-type': z.enum(['Email Bounced', 'Email Complaint Received']),
    detail: z.discriminatedUnion('eventType', [
      z.looseObject({
        eventType: z.literal('Bounce'),
        bounce: z.looseObject({
          bounceType: z.string(),
          bounceSubType: z.optional(z.string()),
          bouncedRecipients: recipientsSchema,
        }),
      }),
      z.looseObject({
        eventType: z.literal('Complaint'),
        complaint: z.looseObject({
          complaintFeedbackType: z.optional(z.string()),
          complainedRecipients: recipientsSchema,
        }),
      }),
    ]),
  }),
);
export type SesFeedbackEvent = z.infer<typeof sesFeedbackEventSchema>;

export type SuppressionReason = 'bounce' | 'complaint';

/** What one event did: safe to log (counts and the reason, never an address). */
export interface FeedbackOutcome {
  reason?: SuppressionReason;
  suppressed: number;
  /** A transient bounce, or a complaint its reporter marked "not spam": nothing to suppress. */
  ignored?: 'transient-bounce' | 'not-spam';
}

/**
 * Puts every address of a permanent bounce or a complaint on the suppression list for `suppressionDays`,
 * keyed by the address's blind index (the list never holds an address). The sending policy then drops every
 * non-essential mail to it; a code the person just asked for still goes (SES's own account-level suppression
 * list still applies to it). Writing the entry again only moves its end: a repeated event is harmless.
 */
export async function recordSesFeedback(
  deps: Pick<MailSenderDeps, 'outbox' | 'recipientIndex' | 'clock' | 'count'>,
  event: SesFeedbackEvent,
): Promise<FeedbackOutcome> {
  const { detail } = event;
  if (detail.eventType === 'Bounce' && detail.bounce.bounceType !== 'Permanent')
    return { suppressed: 0, ignored: 'transient-bounce' };
  if (detail.eventType === 'Complaint' && detail.complaint.complaintFeedbackType === 'not-spam')
    return { suppressed: 0, ignored: 'not-spam' };
  const reason: SuppressionReason = detail.eventType === 'Bounce' ? 'bounce' : 'complaint';
  const recipients =
    detail.eventType === 'Bounce' ? detail.bounce.bouncedRecipients : detail.complaint.complainedRecipients;
  const until = addDays(deps.clock(), policy.mail.suppressionDays);
  const indexes = new Set(
    await Promise.all(
      recipients.map((recipient) => deps.recipientIndex.of(normaliseEmail(recipient.emailAddress))),
    ),
  );
  for (const index of indexes) {
    await deps.outbox.suppress(index, reason, until);
    deps.count('MailSuppressed', { reason });
  }
  return { reason, suppressed: indexes.size };
}
