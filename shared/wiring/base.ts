import { ulid } from 'ulid';
import type { Config } from '../config.js';
import { createAwsClients, type AwsClients } from './clients.js';
import { createKmsBlindIndex } from '../adapters/kms-blind-index.js';
import { createKmsCodeMac } from '../adapters/kms-mac.js';
import { createLicenseeRepository } from '../adapters/licensee-repository.js';
import { createOutboxSealer } from '../adapters/outbox-sealer.js';
import { createOutboxMailer } from '../adapters/outbox-mailer.js';
import { createOutboxWrites } from '../adapters/outbox-writes.js';
import { systemClock, type Clock } from '../domain/dates.js';
import type { Observability } from '../observability.js';
import type { Mailer } from '../services/ports.js';
import type { SessionDeps } from '../services/session.js';

export { createAwsClients, type AwsClients } from './clients.js';

/** Mail goes to the outbox; only the mail-sender function talks to SES (shared/wiring-mail-sender.ts). */
export function createMailer(
  config: Config,
  clients: Pick<AwsClients, 'dynamodb' | 'kms'>,
  clock: Clock = systemClock,
  newId: () => string = () => ulid(),
): Mailer {
  return createOutboxMailer({
    outbox: createOutboxWrites({ client: clients.dynamodb, tableName: config.TABLE_NAME, clock }),
    sealer: createOutboxSealer({ kms: clients.kms, keyId: config.OUTBOX_KEY_ID }),
    clock,
    newId,
  });
}

/**
 * The dependencies every function shares, built once per container. Encryption is added only by the
 * functions that encrypt or decrypt, so the others neither bundle nor could use it. Tests and the bench
 * pass their own clock or instrumented clients.
 */
export function createBaseDeps(
  config: Config,
  { count }: Pick<Observability, 'count'>,
  { clock = systemClock, clients = createAwsClients(config) }: { clock?: Clock; clients?: AwsClients } = {},
) {
  const newId = () => ulid();
  const deps: SessionDeps = {
    repo: createLicenseeRepository({ client: clients.dynamodb, tableName: config.TABLE_NAME, clock }),
    blindIndex: createKmsBlindIndex({ kms: clients.kms, keyId: config.HMAC_KEY_ID }),
    codeMac: createKmsCodeMac({ kms: clients.kms, keyId: config.HMAC_KEY_ID }),
    mailer: createMailer(config, clients, clock, newId),
    clock,
    newId,
    portalUrl: config.PORTAL_URL,
    count,
  };
  return { deps, clients };
}
