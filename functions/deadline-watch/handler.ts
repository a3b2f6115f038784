import middy from '@middy/core';
import { createRequestRepository } from '../../shared/adapters/request-repository.js';
import { createKmsClient } from '../../shared/adapters/kms-client.js';
import { createDynamoDbClient } from '../../shared/adapters/dynamodb-client.js';
import { loadConfig, requireSetting } from '../../shared/config.js';
import { systemClock } from '../../shared/domain/dates.js';
import { createObservability, injectLambdaContext, MetricUnit } from '../../shared/observability.js';
import { runDeadlineWatch } from '../../shared/services/staff/deadline-watch.js';
import { createMailer } from '../../shared/wiring/base.js';
import { statementNoticeMissing } from '../../shared/services/statement-notice.js';
import { createJobStore } from '../../shared/adapters/job-store.js';

const config = loadConfig();
const { logger, metrics } = createObservability('deadline-watch');
const dynamodb = createDynamoDbClient(config);
// Reads one item of the job store: whether this statement version's notice has a job yet.
const jobs = createJobStore({ client: dynamodb, tableName: config.TABLE_NAME, clock: systemClock });
const deps = {
  clock: systemClock,
  requests: createRequestRepository({ client: dynamodb, tableName: config.TABLE_NAME, clock: systemClock }),
  statementNoticeMissing: () => statementNoticeMissing({ jobs }),
  mailer: createMailer(config, { dynamodb, kms: createKmsClient(config) }),
  staffMailbox: requireSetting(config, 'STAFF_MAILBOX'),
  // Always published, zero included, so the overdue alarm sees a value every day.
  countOverdue: (overdue: number, dueSoon: number) => {
    metrics.addMetric('RequestsOverdue', MetricUnit.Count, overdue);
    metrics.addMetric('RequestsDueSoon', MetricUnit.Count, dueSoon);
    metrics.publishStoredMetrics();
  },
};

/** Scheduled daily: staff hear about requests near or past their legal deadline. */
export const handler = middy(async () => {
  const report = await runDeadlineWatch(deps);
  logger.info('deadline watch ran', { ...report });
  return report;
}).use(injectLambdaContext(logger));
