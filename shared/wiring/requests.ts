import { createAuditLog } from '../adapters/audit-log.js';
import { createRawMailStore, createS3Client } from '../adapters/raw-mail-store.js';
import { createRequestRepository } from '../adapters/request-repository.js';
import { createInboxRepository } from '../adapters/inbox-repository.js';
import { createSubmissionSealer } from '../adapters/submission-sealer.js';
import { requireSetting, type Config } from '../config.js';
import { systemClock, type Clock } from '../domain/dates.js';
import type { Observability } from '../observability.js';
import type { MailIntakeDeps, RequestDeps } from '../services/requests/request-deps.js';
import type { ByEmailWorkerDeps } from '../services/requests/by-email.js';
import { createAwsClients, type AwsClients } from './base.js';
import { createServiceDeps } from './encrypting.js';

type Options = { clock?: Clock; clients?: AwsClients };

/** Dependencies of the privacy-requests and request-hygiene functions, built once per container. */
export function createRequestDeps(
  config: Config,
  observability: Pick<Observability, 'count'>,
  { clock = systemClock, clients = createAwsClients(config) }: Options = {},
): RequestDeps {
  const deps = createServiceDeps(config, observability, { clock, clients });
  return {
    ...deps,
    requests: createRequestRepository({ client: clients.dynamodb, tableName: config.TABLE_NAME, clock }),
    audit: createAuditLog({
      client: clients.dynamodb,
      tableName: config.TABLE_NAME,
      clock,
      newId: deps.newId,
    }),
  };
}

/** Mail intake: the request workflow plus the raw-mail bucket (RAW_MAIL_BUCKET is required here). */
export function createMailIntakeDeps(
  config: Config,
  observability: Pick<Observability, 'count'>,
  options: Options & { s3?: ReturnType<typeof createS3Client> } = {},
): MailIntakeDeps {
  const bucket = requireSetting(config, 'RAW_MAIL_BUCKET');
  const clients = options.clients ?? createAwsClients(config);
  const deps = createRequestDeps(config, observability, { ...options, clients });
  return {
    ...deps,
    inbox: createInboxRepository({
      client: clients.dynamodb,
      tableName: config.TABLE_NAME,
      clock: deps.clock,
    }),
    rawMail: createRawMailStore({ s3: options.s3 ?? createS3Client(config), bucket }),
  };
}

/**
 * The by-email worker (functions/privacy-requests-by-email): the request workflow plus the submission key
 * (Decrypt only, by IAM) to open what privacy-requests sealed (shared/wiring/by-email.ts).
 */
export function createByEmailWorkerDeps(
  config: Config,
  observability: Pick<Observability, 'count'>,
  options: Options = {},
): ByEmailWorkerDeps {
  const clients = options.clients ?? createAwsClients(config);
  return {
    ...createRequestDeps(config, observability, { ...options, clients }),
    sealer: createSubmissionSealer({ kms: clients.kms, keyId: requireSetting(config, 'SUBMISSION_KEY_ID') }),
  };
}
