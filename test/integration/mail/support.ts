import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectTaggingCommand } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { inject } from 'vitest';
import { mailIntakeFunction } from '../../../shared/services/mail-intake/intake-function.js';
import { createIsolatedTable, type IsolatedTable } from '../../../local/table.js';
import { readOutbox } from '../../../local/ses-emulator.js';
import { startOutboxStream } from '../../../local/outbox-stream.js';
import { createSesClient } from '../../../shared/adapters/ses-mailer.js';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { startSmtpServer, verdictsFromHeaders } from '../../../local/smtp-server.js';
import { createS3Client } from '../../../shared/adapters/raw-mail-store.js';
import { loadConfig, type Config } from '../../../shared/config.js';
import { rawMailKeyOf, type VerdictStatus } from '../../../shared/domain/mail-classification.js';
import { signupBodySchema } from '../../../shared/domain/licensee.js';
import type { Clock } from '../../../shared/domain/dates.js';
import { createObservability } from '../../../shared/observability.js';
import { sesEventFor } from '../../../shared/services/mail-intake/ses-event.js';
import type { MailIntakeDeps } from '../../../shared/services/requests/request-deps.js';
import { confirmSignup, signup } from '../../../shared/services/signup.js';
import { createAwsClients, type AwsClients } from '../../../shared/wiring/base.js';
import { createMailIntakeDeps } from '../../../shared/wiring/requests.js';
import { newLicensee } from '../../support/local-api.js';

export const lambdaContext = (functionName: string) =>
  ({
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomBytes(8).toString('hex'),
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Context;

export interface MailWorld {
  table: IsolatedTable;
  config: Config;
  deps: MailIntakeDeps;
  clients: AwsClients;
  handler: ReturnType<typeof mailIntakeFunction>;
  /** Stores `raw` where SES's S3 action would and invokes the handler with an SES event for it. */
  deliver(
    raw: Buffer,
    options?: {
      envelopeSender?: string;
      verdicts?: Partial<Record<'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', VerdictStatus>>;
      messageId?: string;
    },
  ): Promise<{ messageId: string; event: unknown; outcome: string }>;
  registerLicensee(email?: string): Promise<{ licenseeId: string; email: string; token: string }>;
  mailsTo(address: string): Promise<Awaited<ReturnType<typeof readOutbox>>>;
  tagsOf(key: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** The real mail-intake handler and adapters against the emulators, on a table of its own. */
export async function startMailWorld(
  options: {
    clock?: Clock;
    clients?: (base: AwsClients) => AwsClients;
    prefix?: string;
    /** The mail-sender's SES client (fault injection). */
    ses?: (base: SESv2Client) => SESv2Client;
  } = {},
): Promise<MailWorld> {
  // The mail-sender follows this table's stream with the world's clock (and SES faults, when injected).
  const created = await createIsolatedTable(inject('localEnv'), options.prefix ?? 'zorgsom-mail', {
    deliverMail: false,
  });
  const baseSes = createSesClient(loadConfig(created.env));
  const mail = await startOutboxStream({
    env: created.env,
    senderOptions: { clock: options.clock, ses: options.ses ? options.ses(baseSes) : baseSes },
  });
  const table: IsolatedTable = {
    ...created,
    mail,
    drop: async () => {
      await mail.close();
      baseSes.destroy();
      await created.drop();
    },
  };
  const config = loadConfig(table.env);
  const base = createAwsClients(config);
  const clients = options.clients ? options.clients(base) : base;
  const deps = createMailIntakeDeps(config, { count: () => {} }, { clock: options.clock, clients });
  const observability = createObservability('mail-intake');
  const handler = mailIntakeFunction(deps, observability);
  const s3 = createS3Client(config);

  const mailsTo: MailWorld['mailsTo'] = async (address) => {
    await mail.settle();
    return (await readOutbox(config.SES_ENDPOINT!)).filter((sent) => sent.to.includes(address.toLowerCase()));
  };

  return {
    table,
    config,
    deps,
    clients,
    handler,
    async deliver(
      raw,
      { envelopeSender, verdicts, messageId = `test${randomBytes(12).toString('hex')}` } = {},
    ) {
      await deps.rawMail.put(rawMailKeyOf(messageId), raw);
      const from = /^From:.*<([^>]+)>/im.exec(raw.subarray(0, 8192).toString('latin1'))?.[1] ?? '';
      const event = sesEventFor({
        messageId,
        envelopeSender: envelopeSender ?? from,
        recipients: ['info@zorgsom.nl'],
        verdicts: { ...verdictsFromHeaders(raw), ...verdicts },
      });
      const result = (await handler(event, lambdaContext('mail-intake'))) as { outcomes: string[] };
      return { messageId, event, outcome: result.outcomes[0] ?? '' };
    },
    async registerLicensee(email) {
      const body = signupBodySchema.parse(newLicensee(email ? { email } : {}));
      await signup(deps, body);
      const mails = await mailsTo(body.email);
      const code = /\b(\d{6})\b/.exec(mails.at(-1)?.text ?? '')?.[1];
      if (!code) throw new Error('no signup code');
      const grant = await confirmSignup(deps, { email: body.email, code });
      const owner = await deps.repo.findEmailOwner(await deps.blindIndex.of(body.email));
      return { licenseeId: owner!.licenseeId, email: body.email, token: grant.token };
    },
    mailsTo,
    async tagsOf(key) {
      const { TagSet } = await s3.send(
        new GetObjectTaggingCommand({ Bucket: config.RAW_MAIL_BUCKET!, Key: key }),
      );
      return Object.fromEntries((TagSet ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
    },
    close: async () => {
      s3.destroy();
      await table.drop();
    },
  };
}

/**
 * The local SMTP stand-in for SES receiving in front of a test API, with the real mail-intake handler loaded
 * after `startLocalApi` set process.env to the API's table (exactly what `npm start` runs), Lambda's retries
 * quick, and a dead-letter folder of its own.
 */
export async function startSmtpIntake(api: { env: Record<string, string> }) {
  const deadLetters = await mkdtemp(join(tmpdir(), 'zorgsom-dlq-'));
  const { handler } = (await import('../../../functions/mail-intake/handler.js')) as {
    handler: (event: unknown, context: unknown) => Promise<unknown>;
  };
  const smtp = await startSmtpServer({
    port: 0,
    env: { ...api.env },
    invoke: (event) => handler(event, lambdaContext('mail-intake')),
    deadLetterDir: deadLetters,
    retryDelayMs: 10,
  });
  return {
    port: smtp.port,
    deadLetters,
    close: async () => {
      await smtp.close();
      await rm(deadLetters, { recursive: true, force: true });
    },
  };
}
