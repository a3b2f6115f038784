import { createAuditLog } from './adapters/audit-log.js';
import { createBudgetReviewStore } from './adapters/budget-review-store.js';
import { lazyEnvelope } from './adapters/lazy-envelope.js';
import { createS3Client } from './adapters/raw-mail-store.js';
import { requireSetting, type Config } from './config.js';
import { systemClock, type Clock } from './domain/dates.js';
import type { BudgetReviewDeps } from './services/budget-review.js';
import { createAwsClients, type AwsClients } from './wiring.js';
import { ulid } from 'ulid';

/** Budget reviews: their own KMS key and bucket, so patient data never shares a key or store with licensee data. */
export function createBudgetReviewDeps(
  config: Config,
  { clock = systemClock, clients = createAwsClients(config) }: { clock?: Clock; clients?: AwsClients } = {},
): BudgetReviewDeps {
  const newId = () => ulid();
  const budgetKeyId = requireSetting(config, 'BUDGET_KEY_ID');
  return {
    clock,
    newId,
    reviews: createBudgetReviewStore({
      client: clients.dynamodb,
      tableName: config.TABLE_NAME,
      s3: createS3Client(config),
      bucket: requireSetting(config, 'BUDGET_REVIEW_BUCKET'),
    }),
    // Uploads are files (over KMS's 4 KB limit): Encryption SDK envelopes, imported on first use, so the
    // budget-review function's other routes and the daily cleanup never evaluate the SDK.
    budgetEnvelope: lazyEnvelope(async () =>
      (await import('./adapters/kms-envelope.js')).createKmsEnvelope({
        kms: clients.kms,
        keyId: budgetKeyId,
      }),
    ),
    audit: createAuditLog({ client: clients.dynamodb, tableName: config.TABLE_NAME, clock, newId }),
  };
}
