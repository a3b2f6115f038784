import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { startSmtpServer, verdictsFromHeaders } from '../../local/smtp-server.js';
import { invokedFunction } from '../../local/invoked-function.js';
import { createRawMailStore, createS3Client } from '../../shared/adapters/raw-mail-store.js';
import { loadConfig } from '../../shared/config.js';
import { rawMailKeyOf, type VerdictStatus } from '../../shared/domain/mail-classification.js';
import { createObservability } from '../../shared/observability.js';
import { mailIntakeFunction } from '../../shared/services/mail-intake/intake-function.js';
import { sesEventFor } from '../../shared/services/mail-intake/ses-event.js';
import { createMailIntakeDeps } from '../../shared/wiring/requests.js';
import { lambdaContext } from '../../local/lambda-context.js';

export type IntakeHandler = (event: unknown, context: Context) => Promise<unknown>;
type VerdictName = 'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc';

/** A test mail: raw MIME (a string's line ends become CRLF), or nodemailer's fields to compose it from. */
export type TestMail = Buffer | string | Mail.Options;

export interface DeliveryOptions {
  /** SMTP's MAIL FROM (`''`: the null sender of a bounce); by default the From header's address. */
  envelopeSender?: string;
  /** What SES's checks say; by default PASS, unless the mail's `X-Test-Verdict-*` headers say otherwise. */
  verdicts?: Partial<Record<VerdictName, VerdictStatus>>;
  /** SES's message id (a redelivery of the same message); SES-event delivery only, SMTP picks its own. */
  messageId?: string;
}

export interface MailDelivery {
  /** Delivers one mail to info@; resolves once intake handled it, with SES's message id and the outcome. */
  deliver(mail: TestMail, options?: DeliveryOptions): Promise<{ messageId: string; outcome: string }>;
  /** With `smtp`: the local SMTP stand-in's port and the dead-letter folder of its failed events. */
  smtp?: { port: number; deadLetters: string };
  close(): Promise<void>;
}

async function rawOf(mail: TestMail): Promise<Buffer> {
  if (Buffer.isBuffer(mail)) return mail;
  if (typeof mail === 'string') return Buffer.from(mail.replace(/\r?\n/g, '\r\n'), 'utf8');
  return new MailComposer({ to: 'info@zorgsom.nl', ...mail }).compile().build();
}

/** The From header's address (`"Name" <a@b>` or a bare `a@b`): the envelope sender of an ordinary mail. */
const fromHeaderOf = (raw: Buffer) => {
  const match = /^From:(?:.*<([^>]+)>|[ \t]*(\S+@[^\s>]+))/im.exec(raw.subarray(0, 8192).toString('latin1'));
  return match?.[1] ?? match?.[2] ?? '';
};
const verdictHeaders = (verdicts: DeliveryOptions['verdicts'] = {}) =>
  Object.entries(verdicts)
    .map(([name, value]) => `X-Test-Verdict-${name}: ${value}\r\n`)
    .join('');
/** Runs intake as the local invokers do: inside `invokedFunction`, so the table-access guard judges its requests. */
const invoke = async (intake: IntakeHandler, event: unknown) =>
  (
    (await invokedFunction.run('mail-intake', () => intake(event, lambdaContext('mail-intake')))) as {
      outcomes: string[];
    }
  ).outcomes[0] ?? '';

/**
 * Test mail to info@ of a local stack (`env`: its table and buckets) the way SES receiving delivers it: the raw
 * MIME where the receipt rule's S3 action puts it, then the real mail-intake function on an SES event with the
 * verdicts SES would give. With `smtp`, over a real SMTP conversation with the local stand-in for SES
 * receiving instead (local/smtp-server.ts, what `npm start` runs), with Lambda's retries (quick here) and a
 * dead-letter folder of its own. `handler` is the intake to run: by default the function as it is deployed,
 * built from `env`.
 */
export async function startMailDelivery(
  env: Record<string, string>,
  { handler, smtp = false }: { handler?: IntakeHandler; smtp?: boolean } = {},
): Promise<MailDelivery> {
  const config = loadConfig(env);
  const observability = createObservability('mail-intake');
  const intake =
    handler ??
    (mailIntakeFunction(createMailIntakeDeps(config, observability), observability) as IntakeHandler);
  return smtp ? overSmtp(env, intake) : bySesEvent(config, intake);
}

function bySesEvent(config: ReturnType<typeof loadConfig>, intake: IntakeHandler): MailDelivery {
  const s3 = createS3Client(config);
  const rawMail = createRawMailStore({ s3, bucket: config.RAW_MAIL_BUCKET! });
  return {
    async deliver(
      mail,
      { envelopeSender, verdicts, messageId = `test${randomBytes(12).toString('hex')}` } = {},
    ) {
      const raw = await rawOf(mail);
      await rawMail.put(rawMailKeyOf(messageId), raw);
      const event = sesEventFor({
        messageId,
        envelopeSender: envelopeSender ?? fromHeaderOf(raw),
        recipients: ['info@zorgsom.nl'],
        verdicts: { ...verdictsFromHeaders(raw), ...verdicts },
      });
      return { messageId, outcome: await invoke(intake, event) };
    },
    close: async () => s3.destroy(),
  };
}

async function overSmtp(env: Record<string, string>, intake: IntakeHandler): Promise<MailDelivery> {
  const deadLetters = await mkdtemp(join(tmpdir(), 'zorgsom-dlq-'));
  // The SMTP reply waits for intake, so one delivery at a time tells which invocation was whose.
  let handled: { messageId: string; outcome: string } | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const server = await startSmtpServer({
    port: 0,
    env: { ...env },
    invoke: async (event) => {
      const outcome = await invoke(intake, event);
      const { messageId } = (event as { Records: [{ ses: { mail: { messageId: string } } }] }).Records[0].ses
        .mail;
      handled = { messageId, outcome };
    },
    deadLetterDir: deadLetters,
    retryDelayMs: 10,
  });
  async function send(mail: TestMail, options: DeliveryOptions = {}) {
    if (options.messageId) throw new Error('over SMTP the stand-in picks the message id');
    handled = undefined;
    await sendOverSmtp(server.port, mail, options);
    // Three failed invocations leave the event in the dead-letter folder, as Lambda's DLQ would.
    return handled ?? { messageId: '', outcome: 'dead-lettered' };
  }
  return {
    deliver(mail, options) {
      const delivered = queue.then(() => send(mail, options));
      queue = delivered.catch(() => undefined);
      return delivered;
    },
    smtp: { port: server.port, deadLetters },
    close: async () => {
      await server.close();
      await rm(deadLetters, { recursive: true, force: true });
    },
  };
}

/**
 * Sends a test mail over SMTP to a running stand-in for SES receiving (this module's, `npm start`'s, a browser
 * test's stack); resolves once intake handled it, since the stand-in replies after intake ran.
 */
export async function sendOverSmtp(
  port: number,
  mail: TestMail,
  { envelopeSender, verdicts }: Omit<DeliveryOptions, 'messageId'> = {},
): Promise<void> {
  const body = await rawOf(mail);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({
      envelope: { from: envelopeSender ?? fromHeaderOf(body), to: ['info@zorgsom.nl'] },
      raw: Buffer.concat([Buffer.from(verdictHeaders(verdicts)), body]),
    });
  } finally {
    transport.close();
  }
}

/** A plain general mail (no privacy keywords) to info@. */
export const generalMail = (from: string, subject: string, text: string, messageId: string) =>
  `From: <${from}>\nTo: info@zorgsom.nl\nSubject: ${subject}\nMessage-ID: ${messageId}\nDate: Tue, 1 Dec 2026 09:00:00 +0100\nContent-Type: text/plain; charset=utf-8\n\n${text}\n`;
