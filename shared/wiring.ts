import { ulid } from 'ulid';
import type { Config } from './config.js';
import { createDynamoDbClient } from './adapters/dynamodb-client.js';
import { createKmsClient } from './adapters/kms-client.js';
import { createKmsBlindIndex } from './adapters/kms-blind-index.js';
import { createLicenseeRepository } from './adapters/licensee-repository.js';
import { createSesClient, createSesMailer } from './adapters/ses-mailer.js';
import { systemClock } from './domain/dates.js';
import type { Observability } from './observability.js';
import type { SessionDeps } from './services/session.js';

/**
 * The dependencies every function shares, built once per container. Encryption is added only by the
 * functions that encrypt or decrypt, so the others neither bundle nor could use it.
 */
export function createBaseDeps(config: Config, { count }: Pick<Observability, 'count'>) {
  const kms = createKmsClient(config);
  const deps: SessionDeps = {
    repo: createLicenseeRepository({ client: createDynamoDbClient(config), tableName: config.TABLE_NAME, clock: systemClock }),
    blindIndex: createKmsBlindIndex({ kms, keyId: config.HMAC_KEY_ID }),
    mailer: createSesMailer({ ses: createSesClient(config), from: config.MAIL_FROM }),
    clock: systemClock,
    newId: () => ulid(),
    portalUrl: config.PORTAL_URL,
    count,
  };
  return { deps, kms };
}
