import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readOutbox } from '../../../local/ses-emulator.js';
import { publishSesEvent, sesFeedbackEvent } from '../../../local/ses-events.js';
import { createIsolatedTable, type IsolatedTable } from '../../../local/table.js';
import { mailIdOf } from '../../../shared/adapters/outbox-mailer.js';
import { createOutboxStore, outboxKeys } from '../../../shared/adapters/outbox-store.js';
import { loadConfig, type Config } from '../../../shared/config.js';
import { normaliseEmail } from '../../../shared/domain/licensee.js';
import { policy } from '../../../shared/domain/policy.js';
import { createObservability } from '../../../shared/observability.js';
import type { BusinessEvent } from '../../../shared/services/deps.js';
import type { MailSenderDeps } from '../../../shared/services/mail-sender/deliver.js';
import { mailSenderFunction } from '../../../shared/services/mail-sender/sender-function.js';
import type { Mailer, OutgoingMail } from '../../../shared/services/ports.js';
import { createAwsClients, createMailer } from '../../../shared/wiring/base.js';
import { createMailSenderDeps } from '../../../shared/wiring/mail-sender.js';

/**
 * SES's bounce and complaint events, end to end on the emulators: the EventBridge-shaped event goes to the
 * mail-sender handler (as the rule invokes it in AWS, judged by its table grants), which puts the address's
 * blind index on the suppression list; the next mails to the address then go through the outbox and its
 * stream follower like any other, and the sending policy drops what is not essential.
 */
let table: IsolatedTable;
let config: Config;
let mailer: Mailer;
let sender: MailSenderDeps;
let handler: (event: unknown, context: unknown) => Promise<unknown>;
const counted: { event: BusinessEvent; dimensions?: Record<string, string> }[] = [];

beforeAll(async () => {
  // The outbox stream follower delivers with the real handler built from the table's env.
  table = await createIsolatedTable(inject('localEnv'), 'zorgsom-feedback');
  config = loadConfig(table.env);
  mailer = createMailer(config, createAwsClients(config));
  sender = createMailSenderDeps(config, {
    count: (event, dimensions) => counted.push({ event, ...(dimensions ? { dimensions } : {}) }),
  });
  handler = mailSenderFunction(sender, createObservability('mail-sender')) as typeof handler;
});
afterAll(async () => {
  await table?.drop();
});

let counter = 0;
const address = () => `Ontvanger.Terug.${Date.now().toString(36)}.${(counter += 1)}@Example.nl`;
async function queue(to: string, kind: OutgoingMail['kind']): Promise<string> {
  const mail: OutgoingMail = {
    to,
    subject: `Bericht ${counter}`,
    text: 'Een bericht.',
    kind,
    idempotencyKey: `feedback:${to}:${kind}:${Math.random()}`,
  };
  await mailer.send(mail);
  return mailIdOf(mail.idempotencyKey!);
}
const outbox = () =>
  createOutboxStore({ client: table.client, tableName: table.tableName, clock: () => new Date() });
const deliveredTo = async (to: string) =>
  (await readOutbox(config.SES_ENDPOINT!)).filter((mail) =>
    mail.to.some((entry) => entry.toLowerCase() === to.toLowerCase()),
  );

describe('SES bounces and complaints feed the suppression list', () => {
  it('after a permanent bounce the next notice is dropped as suppressed, a code the person asks for still goes', async () => {
    const to = address();
    const result = await publishSesEvent(handler, sesFeedbackEvent('permanent-bounce', [to]));
    expect(result).toEqual({ feedback: { reason: 'bounce', suppressed: 1 } });
    expect(counted).toContainEqual({ event: 'MailSuppressed', dimensions: { reason: 'bounce' } });

    const notice = await queue(to, 'notice');
    const code = await queue(to, 'code');
    await table.mail!.settle();
    expect(await outbox().get(notice)).toMatchObject({ status: 'dropped', dropReason: 'suppressed' });
    expect(await outbox().get(code)).toMatchObject({ status: 'sent' });
    const delivered = await deliveredTo(to);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.subject).toBe(`Bericht ${counter}`);
  });

  it('keys the entry by the blind index for suppressionDays, with its reason, and stores no address', async () => {
    const to = address();
    const before = Math.floor(Date.now() / 1000);
    await publishSesEvent(handler, sesFeedbackEvent('complaint', [to]));
    const index = await sender.recipientIndex.of(normaliseEmail(to));
    const { Items = [] } = await table.client.send(new ScanCommand({ TableName: table.tableName }));
    const entry = Items.map((item) => unmarshall(item)).find(
      (item) => item.pk === outboxKeys.suppression(index).pk,
    );
    expect(entry).toMatchObject({ sk: 'SUPPRESSED', reason: 'complaint' });
    const days = (Number(entry!.expiresAt) - before) / 86_400;
    expect(days).toBeGreaterThanOrEqual(policy.mail.suppressionDays - 0.01);
    expect(days).toBeLessThan(policy.mail.suppressionDays + 0.01);
    for (const item of Items)
      expect(JSON.stringify(item).toLowerCase()).not.toContain(normaliseEmail(to).split('@')[0]);
    expect(counted).toContainEqual({ event: 'MailSuppressed', dimensions: { reason: 'complaint' } });

    const marketing = await queue(to, 'marketing');
    const acknowledgement = await queue(to, 'acknowledgement');
    await table.mail!.settle();
    expect(await outbox().get(marketing)).toMatchObject({ status: 'dropped', dropReason: 'suppressed' });
    expect(await outbox().get(acknowledgement)).toMatchObject({ status: 'sent' });
  });

  it('a transient bounce (a full mailbox) suppresses nothing: the next notice is sent', async () => {
    const to = address();
    const result = await publishSesEvent(handler, sesFeedbackEvent('transient-bounce', [to]));
    expect(result).toEqual({ feedback: { suppressed: 0, ignored: 'transient-bounce' } });
    const notice = await queue(to, 'notice');
    await table.mail!.settle();
    expect(await outbox().get(notice)).toMatchObject({ status: 'sent' });
  });

  it('one event with several recipients suppresses each; the same event again changes nothing but the end date', async () => {
    const [a, b] = [address(), address()];
    const event = sesFeedbackEvent('permanent-bounce', [a, b]);
    expect(await publishSesEvent(handler, event)).toEqual({ feedback: { reason: 'bounce', suppressed: 2 } });
    expect(await publishSesEvent(handler, event)).toEqual({ feedback: { reason: 'bounce', suppressed: 2 } });
    for (const to of [a, b])
      expect(await sender.outbox.isSuppressed(await sender.recipientIndex.of(normaliseEmail(to)))).toBe(true);
  });

  it('refuses an event that is not SES feedback nor a stream batch (nothing is suppressed)', async () => {
    const event = { ...sesFeedbackEvent('permanent-bounce', [address()]), source: 'aws.sns' };
    await expect(publishSesEvent(handler, event as never)).rejects.toThrow();
  });
});
