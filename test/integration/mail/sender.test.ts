import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createIsolatedTable, type IsolatedTable } from '../../../local/table.js';
import { readOutbox } from '../../../local/ses-emulator.js';
import { mailIdOf } from '../../../shared/adapters/outbox-mailer.js';
import { createSesClient } from '../../../shared/adapters/ses-mailer.js';
import { loadConfig, type Config } from '../../../shared/config.js';
import { addDays } from '../../../shared/domain/dates.js';
import { normaliseEmail } from '../../../shared/domain/licensee.js';
import { policy } from '../../../shared/domain/policy.js';
import { deliverOutboxMail, type MailSenderDeps } from '../../../shared/services/mail-sender/deliver.js';
import type { Mailer, OutgoingMail } from '../../../shared/services/ports.js';
import { createAwsClients, createMailer } from '../../../shared/wiring/base.js';
import { createMailSenderDeps } from '../../../shared/wiring/mail-sender.js';

/**
 * The mail-sender against DynamoDB Local, KMS and the SES emulator, driven by hand (no stream follower), so a
 * test decides when and how often each mail is delivered: the budget under 50 parallel deliveries, the
 * suppression list, RFC 3834's window, and SES failures.
 */
let table: IsolatedTable;
let config: Config;
let mailer: Mailer;
let sender: MailSenderDeps;
let ses: SESv2Client;
const faults = { ses: 0 };
const counted: string[] = [];

beforeAll(async () => {
  table = await createIsolatedTable(inject('localEnv'), 'zorgsom-sender', { deliverMail: false });
  config = loadConfig(table.env);
  mailer = createMailer(config, createAwsClients(config));
  ses = createSesClient(config);
  const failing = new Proxy(ses, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: Parameters<SESv2Client['send']>[0]) => {
        if (faults.ses > 0) {
          faults.ses -= 1;
          return Promise.reject(Object.assign(new Error('injected'), { name: 'TooManyRequestsException' }));
        }
        return target.send(command);
      };
    },
  });
  sender = createMailSenderDeps(config, { count: (event) => counted.push(event) }, { ses: failing });
});
afterAll(async () => {
  ses?.destroy();
  await table?.drop();
});

let counter = 0;
const address = () => `ontvanger.${Date.now().toString(36)}.${(counter += 1)}@example.nl`;
const mailTo = (to: string, overrides: Partial<OutgoingMail> = {}): OutgoingMail => ({
  to,
  subject: `Testbericht ${counter}`,
  text: 'Een bericht.',
  kind: 'notice',
  idempotencyKey: `test:${to}:${Math.random()}`,
  ...overrides,
});
async function queue(mail: OutgoingMail): Promise<string> {
  await mailer.send(mail);
  return mailIdOf(mail.idempotencyKey!);
}
const delivered = async (to: string) =>
  (await readOutbox(config.SES_ENDPOINT!)).filter((mail) => mail.to.includes(to));

describe('the sending policy, in the mail-sender', () => {
  it('the daily budget holds under 50 parallel deliveries to one address: exactly the maximum is sent', async () => {
    const to = address();
    const ids = await Promise.all(Array.from({ length: 50 }, () => queue(mailTo(to))));
    const outcomes = await Promise.all(ids.map((id) => deliverOutboxMail(sender, id)));
    const max = policy.mail.maxSystemMailsPerRecipientPerDay;
    expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(max);
    expect(outcomes.filter((outcome) => outcome === 'dropped-over-budget')).toHaveLength(50 - max);
    expect(await delivered(to)).toHaveLength(max);
    // Codes are essential but still within the budget: the day is spent.
    const code = await queue(mailTo(to, { kind: 'code' }));
    expect(await deliverOutboxMail(sender, code)).toBe('dropped-over-budget');
    // Staff answers are not system mail: a person wrote them.
    const answer = await queue(mailTo(to, { kind: 'answer' }));
    expect(await deliverOutboxMail(sender, answer)).toBe('sent');
  }, 120_000);

  it('a mail is delivered once, however often its stream record or redrive comes', async () => {
    const to = address();
    const mail = mailTo(to);
    const id = await queue(mail);
    await mailer.send(mail); // the same idempotency key: no second item
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => deliverOutboxMail(sender, id)));
    expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(1);
    expect(await deliverOutboxMail(sender, id)).toBe('already-done');
    expect(await delivered(to)).toHaveLength(1);
    // Once sent, nothing personal stays in the outbox item.
    const item = await sender.outbox.get(id);
    expect(item).toMatchObject({ status: 'sent' });
    expect(item?.sealed).toBeUndefined();
  });

  it('SES failing: the mail goes back to pending, is retried, and sent once when SES recovers; the budget is spent once', async () => {
    const to = address();
    const id = await queue(mailTo(to));
    faults.ses = 2;
    await expect(deliverOutboxMail(sender, id)).rejects.toThrow('injected');
    expect(await sender.outbox.get(id)).toMatchObject({
      status: 'pending',
      lastError: 'TooManyRequestsException',
    });
    await expect(deliverOutboxMail(sender, id)).rejects.toThrow('injected');
    expect(await deliverOutboxMail(sender, id)).toBe('sent');
    expect(await delivered(to)).toHaveLength(1);
    expect(await sender.outbox.get(id)).toMatchObject({ status: 'sent', attempts: 3, budgetCharged: true });
  });

  it('the suppression list (bounces, complaints) stops every non-essential mail, never a code the person asked for', async () => {
    const to = address();
    const index = await sender.recipientIndex.of(normaliseEmail(to));
    await sender.outbox.suppress(index, 'bounce', addDays(new Date(), 30));
    const notice = await queue(mailTo(to));
    const marketing = await queue(mailTo(to, { kind: 'marketing' }));
    const code = await queue(mailTo(to, { kind: 'code' }));
    expect(await deliverOutboxMail(sender, notice)).toBe('dropped-suppressed');
    expect(await deliverOutboxMail(sender, marketing)).toBe('dropped-suppressed');
    expect(await deliverOutboxMail(sender, code)).toBe('sent');
    expect(await delivered(to)).toHaveLength(1);
    expect(counted).toContain('MailsSuppressed');
  });

  it('RFC 3834: one automatic reply per sender per window, except the code or acknowledgement of a new request', async () => {
    const to = address();
    const first = await queue(mailTo(to, { inResponseTo: 'inbound-1' }));
    const second = await queue(mailTo(to, { inResponseTo: 'inbound-2' }));
    const code = await queue(mailTo(to, { kind: 'code', inResponseTo: 'inbound-3' }));
    const acknowledgement = await queue(mailTo(to, { kind: 'acknowledgement', inResponseTo: 'inbound-4' }));
    expect(await deliverOutboxMail(sender, first)).toBe('sent');
    expect(await deliverOutboxMail(sender, second)).toBe('dropped-auto-reply-window');
    expect(await deliverOutboxMail(sender, code)).toBe('sent');
    expect(await deliverOutboxMail(sender, acknowledgement)).toBe('sent');
    const mails = await delivered(to);
    expect(mails).toHaveLength(3);
    expect(mails.every((mail) => mail.headers['Auto-Submitted'] === 'auto-replied')).toBe(true);
  });

  it('never mails a machine address, and a staff answer carries no Auto-Submitted but its thread', async () => {
    const daemon = `mailer-daemon+${Date.now()}@example.nl`;
    expect(await deliverOutboxMail(sender, await queue(mailTo(daemon, { kind: 'code' })))).toBe(
      'dropped-automatic-recipient',
    );
    const to = address();
    await deliverOutboxMail(
      sender,
      await queue(
        mailTo(to, { kind: 'answer', thread: { inReplyTo: '<abc@example.nl>', references: ['<x@y>'] } }),
      ),
    );
    const [answer] = await delivered(to);
    expect(answer?.headers['Auto-Submitted']).toBeUndefined();
    expect(answer?.headers['In-Reply-To']).toBe('<abc@example.nl>');
    expect(answer?.headers.References).toBe('<x@y> <abc@example.nl>');
  });

  it('the redrive delivers what is still pending after the delay', async () => {
    const to = address();
    await queue(mailTo(to));
    const later = { ...sender, clock: () => addDays(new Date(), 1) };
    const pending = await later.outbox.listPending(later.clock());
    expect(pending.length).toBeGreaterThanOrEqual(1);
    for (const id of pending) await deliverOutboxMail(later, id).catch(() => undefined);
    expect(await delivered(to)).toHaveLength(1);
  });
});
