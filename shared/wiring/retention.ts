import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { MetricUnit } from '../observability.js';
import { ulid } from 'ulid';
import type { Config } from '../config.js';
import { systemClock, type Clock } from '../domain/dates.js';
import type { Observability } from '../observability.js';
import type { LicenceDeps, PurgeDeps, RetentionMetric } from '../services/retention/deps.js';
import { createAuditLog } from '../adapters/audit-log.js';
import { createLicenseeRepository } from '../adapters/licensee-repository.js';
import { createRetentionObjects } from '../adapters/retention-objects.js';
import { createRetentionStore, type RetentionStoreOptions } from '../adapters/retention-store.js';

export const retentionMetric =
  ({ metrics }: Pick<Observability, 'metrics'>) =>
  (name: RetentionMetric, value = 1): void => {
    metrics.addMetric(name, MetricUnit.Count, value);
  };

/**
 * Licence end, renewal and holds, on the function's one DynamoDB client. Self-service (the licensee's own
 * termination) and staff use this; it needs no S3 client.
 */
export function createLicenceDeps(
  config: Pick<Config, 'TABLE_NAME'>,
  observability: Pick<Observability, 'metrics'>,
  {
    dynamodb,
    clock = systemClock,
    store,
  }: { dynamodb: DynamoDBClient; clock?: Clock; store?: Partial<RetentionStoreOptions> },
): LicenceDeps {
  const tableName = config.TABLE_NAME;
  return {
    repo: createLicenseeRepository({ client: dynamodb, tableName, clock }),
    store: createRetentionStore({ client: dynamodb, tableName, ...store }),
    audit: createAuditLog({ client: dynamodb, tableName, clock, newId: () => ulid() }),
    clock,
    metric: retentionMetric(observability),
  };
}

/** The purge: licence deps plus deletes in the raw-mail and budget-review buckets, and id-only logging. */
export function createPurgeDeps(
  config: Pick<Config, 'TABLE_NAME' | 'RAW_MAIL_BUCKET' | 'BUDGET_REVIEW_BUCKET'>,
  observability: Pick<Observability, 'metrics' | 'logger'>,
  options: {
    dynamodb: DynamoDBClient;
    s3?: S3Client;
    clock?: Clock;
    store?: Partial<RetentionStoreOptions>;
  },
): PurgeDeps {
  return {
    ...createLicenceDeps(config, observability, options),
    objects: createRetentionObjects({
      s3: options.s3,
      rawMailBucket: config.RAW_MAIL_BUCKET,
      budgetReviewBucket: config.BUDGET_REVIEW_BUCKET,
    }),
    log: (message, fields) => observability.logger.info(message, fields),
  };
}
