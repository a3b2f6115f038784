import type { S3Client } from '@aws-sdk/client-s3';
import { createAuditLog } from '../adapters/audit-log.js';
import { createBudgetReviewStore } from '../adapters/budget-review-store.js';
import { createS3Client } from '../adapters/raw-mail-store.js';
import { requireSetting, type Config } from '../config.js';
import { systemClock, type Clock } from '../domain/dates.js';
import type { BudgetReviewDeps } from '../services/budget-review.js';
import { createDynamoDbClient } from '../adapters/dynamodb-client.js';
import type { AwsClients } from './base.js';
import { ulid } from 'ulid';

/**
 * Budget reviews: their own KMS key and bucket, so patient data never shares a key or store with licensee data.
 * Only DynamoDB (and S3) clients: the cleanup function sends no mail and calls no KMS, so it carries neither.
 */
export function createBudgetReviewDeps(
  config: Config,
  {
    clock = systemClock,
    clients = { dynamodb: createDynamoDbClient(config) },
  }: { clock?: Clock; clients?: Pick<AwsClients, 'dynamodb'> & { s3?: S3Client } } = {},
): BudgetReviewDeps {
  const newId = () => ulid();
  const budgetKeyId = requireSetting(config, 'BUDGET_KEY_ID');
  return {
    clock,
    newId,
    reviews: createBudgetReviewStore({
      client: clients.dynamodb,
      tableName: config.TABLE_NAME,
      s3: clients.s3 ?? createS3Client(config),
      bucket: requireSetting(config, 'BUDGET_REVIEW_BUCKET'),
    }),
    // Uploads travel browser → S3 and S3 → staff's browser on presigned URLs; S3 encrypts them (SSE-KMS)
    // under this key. No function ever holds a file's bytes.
    budgetKeyId,
    verifyEncryption: config.S3_ENDPOINT === undefined,
    audit: createAuditLog({ client: clients.dynamodb, tableName: config.TABLE_NAME, clock, newId }),
  };
}
