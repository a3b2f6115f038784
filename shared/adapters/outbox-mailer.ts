import { createHash } from 'node:crypto';
import { addDays, epochSeconds, type Clock } from '../domain/dates.js';
import { policy } from '../domain/policy.js';
import { budgetDayOf, sendingLimits } from '../domain/sending-policy.js';
import type { Mailer, OutgoingMail } from '../services/ports.js';
import type { OutboxSealer } from './outbox-sealer.js';
import type { OutboxPayload } from './outbox-store.js';
import type { OutboxWrites } from './outbox-writes.js';

/** The sealed payload's encryption context: KMS refuses to open it for any other mail or purpose. */
export const outboxContext = (mailId: string) => ({ purpose: 'outbox', mailId });

/** The outbox item id of a mail: a hash of its idempotency key, so keys built from ids reveal nothing. */
export function mailIdOf(idempotencyKey: string): string {
  return createHash('sha256').update(`mail:${idempotencyKey}`).digest('base64url').slice(0, 32);
}

/**
 * The `Mailer` port as the outbox: seals the mail and writes it as a pending item. That is all a request
 * waits for (one KMS Encrypt and one write); the mail-sender delivers it through SES a moment later.
 */
export function createOutboxMailer({
  outbox,
  sealer,
  clock,
  newId,
}: {
  outbox: OutboxWrites;
  sealer: Pick<OutboxSealer, 'seal'>;
  clock: Clock;
  newId: () => string;
}): Mailer {
  async function itemOf(mail: OutgoingMail, budgetCharged = false) {
    const mailId = mailIdOf(mail.idempotencyKey ?? `once:${newId()}`);
    const payload: OutboxPayload = {
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      ...(mail.html ? { html: mail.html } : {}),
      ...(mail.headers ? { headers: mail.headers } : {}),
      ...(mail.thread ? { thread: mail.thread } : {}),
    };
    const sealed = await sealer.seal(
      new TextEncoder().encode(JSON.stringify(payload)),
      outboxContext(mailId),
    );
    const now = clock();
    return outbox.newItemWrite({
      mailId,
      status: 'pending',
      kind: mail.kind ?? 'notice',
      ...(mail.template ? { template: mail.template } : {}),
      ...(mail.language ? { language: mail.language } : {}),
      ...(mail.inResponseTo ? { inResponseTo: mail.inResponseTo } : {}),
      sealed,
      createdAt: now.toISOString(),
      attempts: 0,
      leaseUntil: 0,
      ...(budgetCharged ? { budgetCharged: true } : {}),
      expiresAt: epochSeconds(addDays(now, policy.mail.outboxRetentionDays)),
    });
  }

  return {
    async send(mail) {
      const { Put } = await itemOf(mail);
      await outbox.putWrite(Put!);
    },
    outboxItem: (mail) => itemOf(mail),
    async budgetedOutboxItems(mail, recipientIndex, budget = 'day') {
      const day = budgetDayOf(clock());
      return [
        await itemOf(mail, true),
        budget === 'day'
          ? outbox.budgetSpendWrite({ recipientIndex, day, max: sendingLimits.perRecipientPerDay })
          : outbox.ownerReserveSpendWrite({ recipientIndex, day }),
      ];
    },
  };
}
