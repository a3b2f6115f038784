import { GetObjectTaggingCommand } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { mailIntakeFunction } from '../../../shared/services/mail-intake/intake-function.js';
import { createIsolatedTable, type IsolatedTable } from '../../../local/table.js';
import { readOutbox } from '../../../local/ses-emulator.js';
import { startOutboxStream } from '../../../local/outbox-stream.js';
import { createSesClient } from '../../../shared/adapters/ses-mailer.js';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { createS3Client } from '../../../shared/adapters/raw-mail-store.js';
import { loadConfig, type Config } from '../../../shared/config.js';
import { signupBodySchema } from '../../../shared/domain/licensee-input.js';
import type { Clock } from '../../../shared/domain/dates.js';
import { createObservability } from '../../../shared/observability.js';
import type { MailIntakeDeps } from '../../../shared/services/requests/request-deps.js';
import { confirmSignup, signup } from '../../../shared/services/signup.js';
import { createAwsClients, type AwsClients } from '../../../shared/wiring/base.js';
import { createMailIntakeDeps } from '../../../shared/wiring/requests.js';
import { newLicensee } from '../../support/local-api.js';
import { startMailDelivery, type IntakeHandler, type MailDelivery } from '../../support/mail-delivery.js';

export interface MailWorld {
  table: IsolatedTable;
  config: Config;
  deps: MailIntakeDeps;
  clients: AwsClients;
  handler: ReturnType<typeof mailIntakeFunction>;
  /** Delivers a mail to info@ as SES receiving does (test/support/mail-delivery.ts). */
  deliver: MailDelivery['deliver'];
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
  const delivery = await startMailDelivery(table.env, { handler: handler as IntakeHandler });
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
    deliver: delivery.deliver,
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
      await delivery.close();
      s3.destroy();
      await table.drop();
    },
  };
}
