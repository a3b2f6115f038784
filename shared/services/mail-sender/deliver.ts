import { outboxContext } from '../../adapters/outbox-mailer.js';
import { outboxPayloadSchema, type OutboxStore } from '../../adapters/outbox-store.js';
import type { OutboxSealer } from '../../adapters/outbox-sealer.js';
import type { SesTransport } from '../../adapters/ses-mailer.js';
import type { Clock } from '../../domain/dates.js';
import { normaliseEmail } from '../../domain/licensee.js';
import { policy } from '../../domain/policy.js';
import {
  autoSubmittedOf,
  budgetDayOf,
  planDelivery,
  sendingLimits,
  type DropReason,
} from '../../domain/sending-policy.js';
import type { BusinessEvent } from '../deps.js';
import type { BlindIndex } from '../ports.js';

export interface MailSenderDeps {
  outbox: OutboxStore;
  sealer: Pick<OutboxSealer, 'open'>;
  /** The recipient's blind index: budgets, suppression and the RFC 3834 window are keyed by it, never by address. */
  recipientIndex: BlindIndex;
  ses: Pick<SesTransport, 'deliver'>;
  clock: Clock;
  count: (event: BusinessEvent, dimensions?: Record<string, string>) => void;
}

/** What became of one outbox item: safe to log (no address, no subject). */
export type DeliveryOutcome = 'sent' | 'already-done' | 'busy' | 'missing' | `dropped-${DropReason}`;

const dropMetric: Record<DropReason, BusinessEvent> = {
  suppressed: 'MailsSuppressed',
  'over-budget': 'MailsOverBudget',
  'auto-reply-window': 'MailsAutoReplyWindow',
  'automatic-recipient': 'MailsToAutomaticAddress',
  'payload-expired': 'MailsDropped',
};

/**
 * Delivers one outbox mail under the sending policy, idempotently: a mail already sent or dropped is left
 * alone, one held by another attempt is `busy`. An SES error puts the mail back to pending and is thrown, so
 * the stream's retries (and after them the redrive sweep) try again; the budget is spent once per mail.
 */
export async function deliverOutboxMail(deps: MailSenderDeps, mailId: string): Promise<DeliveryOutcome> {
  const item = await deps.outbox.get(mailId);
  if (!item) return 'missing';
  const nowSeconds = Math.floor(deps.clock().getTime() / 1000);
  if (item.status === 'sent' || item.status === 'dropped') return 'already-done';
  if (item.status === 'sending' && item.leaseUntil >= nowSeconds) return 'busy';

  const drop = async (reason: DropReason): Promise<DeliveryOutcome> => {
    await deps.outbox.markDropped(mailId, reason);
    deps.count(dropMetric[reason]);
    return `dropped-${reason}`;
  };
  if (!item.sealed?.length) return drop('payload-expired');

  const payload = outboxPayloadSchema.parse(
    JSON.parse(new TextDecoder().decode(await deps.sealer.open(item.sealed, outboxContext(mailId)))),
  );
  const recipient = normaliseEmail(payload.to);
  const recipientIndex = await deps.recipientIndex.of(recipient);

  const plan = planDelivery({
    kind: item.kind,
    to: recipient,
    inResponseTo: item.inResponseTo,
    suppressed: await deps.outbox.isSuppressed(recipientIndex),
  });
  if (plan.drop) return drop(plan.drop);
  if (
    plan.throttle &&
    item.inResponseTo &&
    !(await deps.outbox.takeAutoReplySlot(
      recipientIndex,
      item.inResponseTo,
      sendingLimits.autoReplyWindowHours,
    ))
  ) {
    return drop('auto-reply-window');
  }

  const claim = await deps.outbox.claim(item, {
    leaseSeconds: policy.mail.sendLeaseSeconds,
    ...(plan.budget
      ? {
          budget: {
            recipientIndex,
            day: budgetDayOf(deps.clock()),
            max: sendingLimits.perRecipientPerDay,
          },
        }
      : {}),
  });
  if (!claim.claimed) return claim.why === 'busy' ? 'busy' : drop('over-budget');

  const autoSubmitted = autoSubmittedOf(item);
  let sesMessageId: string;
  try {
    sesMessageId = await deps.ses.deliver({
      ...payload,
      headers: { ...payload.headers, ...(autoSubmitted ? { 'Auto-Submitted': autoSubmitted } : {}) },
    });
  } catch (error) {
    deps.count('MailSendFailures');
    await deps.outbox.release(mailId, claim.leaseUntil, error instanceof Error ? error.name : 'unknown');
    throw error;
  }
  await deps.outbox.markSent(mailId, claim.leaseUntil, sesMessageId);
  deps.count('MailsSent');
  return 'sent';
}
