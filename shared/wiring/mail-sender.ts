import { createDynamoDbClient } from '../adapters/dynamodb-client.js';
import { createKmsBlindIndex } from '../adapters/kms-blind-index.js';
import { createKmsClient } from '../adapters/kms-client.js';
import { createOutboxSealer } from '../adapters/outbox-sealer.js';
import { createOutboxStore } from '../adapters/outbox-store.js';
import { createSesClient, createSesTransport } from '../adapters/ses-mailer.js';
import type { Config } from '../config.js';
import { systemClock, type Clock } from '../domain/dates.js';
import type { Observability } from '../observability.js';
import type { MailSenderDeps } from '../services/mail-sender/deliver.js';

/**
 * The mail-sender's dependencies: the only function with SES and with Decrypt on the outbox key. Tests pass
 * their own clock or an SES client with injected faults.
 */
export function createMailSenderDeps(
  config: Config,
  { count }: Pick<Observability, 'count'>,
  {
    clock = systemClock,
    ses = createSesClient(config),
    kms = createKmsClient(config),
    dynamodb = createDynamoDbClient(config),
  }: {
    clock?: Clock;
    ses?: ReturnType<typeof createSesClient>;
    kms?: ReturnType<typeof createKmsClient>;
    dynamodb?: ReturnType<typeof createDynamoDbClient>;
  } = {},
): MailSenderDeps {
  return {
    outbox: createOutboxStore({ client: dynamodb, tableName: config.TABLE_NAME, clock }),
    sealer: createOutboxSealer({ kms, keyId: config.OUTBOX_KEY_ID }),
    recipientIndex: createKmsBlindIndex({ kms, keyId: config.HMAC_KEY_ID }),
    ses: createSesTransport({
      ses,
      from: config.MAIL_FROM,
      configurationSetName: config.MAIL_CONFIGURATION_SET,
    }),
    clock,
    count,
  };
}
