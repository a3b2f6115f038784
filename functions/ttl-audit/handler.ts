import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { createAuditLog } from '../../shared/adapters/audit-log.js';
import { createDynamoDbClient } from '../../shared/adapters/dynamodb-client.js';
import { retentionMetric } from '../../shared/wiring/retention.js';
import { loadConfig } from '../../shared/config.js';
import { systemClock } from '../../shared/domain/dates.js';
import {
  createObservability,
  type Observability,
  flushMetrics,
  injectLambdaContext,
} from '../../shared/observability.js';
import type { LicenceDeps, LogFields } from '../../shared/services/retention/deps.js';
import { recordTtlDeletions } from '../../shared/services/retention/ttl-audit.js';

export type TtlAuditDeps = Pick<LicenceDeps, 'audit' | 'metric'> & {
  log: (message: string, fields: LogFields) => void;
};

/**
 * DynamoDB stream consumer (KEYS_ONLY; the event source mapping's filter passes TTL REMOVEs in licensee
 * partitions only): records backstop deletions in the audit log and emits the alarm metric.
 */
export function createTtlAuditHandler(deps: TtlAuditDeps, { logger, metrics }: Observability) {
  const core = async (event: Pick<DynamoDBStreamEvent, 'Records'>) => {
    const report = await recordTtlDeletions(deps, event.Records);
    logger.info('ttl audit done', { ...report });
    return report;
  };
  return middy(core)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(flushMetrics(metrics));
}

const observability = createObservability('ttl-audit');
const config = loadConfig();
export const handler = createTtlAuditHandler(
  {
    audit: createAuditLog({
      client: createDynamoDbClient(config),
      tableName: config.TABLE_NAME,
      clock: systemClock,
      newId: () => ulid(),
    }),
    metric: retentionMetric(observability),
    log: (message, fields) => observability.logger.info(message, fields),
  },
  observability,
);
