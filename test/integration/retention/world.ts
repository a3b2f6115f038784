import { randomBytes } from 'node:crypto';
import { PutItemCommand, QueryCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ulid } from 'ulid';
import { inject } from 'vitest';
import { createIsolatedTable, type IsolatedTable } from '../../../local/table.js';
import { createS3Client } from '../../../shared/adapters/raw-mail-store.js';
import { createPurgeDeps } from '../../../shared/wiring/retention.js';
import { keys } from '../../../shared/adapters/table-definition.js';
import { loadConfig, type Config } from '../../../shared/config.js';
import { createObservability } from '../../../shared/observability.js';
import type { LogFields, PurgeDeps, RetentionMetric } from '../../../shared/services/retention/deps.js';

/**
 * The retention services on the real adapters (DynamoDB Local, s3rver) with a clock the test moves, the
 * metrics and log lines they emit captured, and helpers that seed licensees the way the other services
 * store them.
 */
export async function retentionWorld(prefix: string, wrap?: (client: DynamoDBClient) => DynamoDBClient) {
  const table: IsolatedTable = await createIsolatedTable(inject('localEnv'), prefix);
  const config: Config = loadConfig(table.env);
  const s3: S3Client = createS3Client(config);
  const clock = { now: new Date('2024-01-10T10:00:00Z') };
  const metrics: { name: RetentionMetric; value: number }[] = [];
  const logs: { message: string; fields: LogFields }[] = [];
  const dynamodb = wrap ? wrap(table.client) : table.client;
  const deps: PurgeDeps = {
    ...createPurgeDeps(config, createObservability('retention-test'), {
      dynamodb,
      s3,
      clock: () => clock.now,
      store: { sleep: async () => undefined },
    }),
    metric: (name, value = 1) => void metrics.push({ name, value }),
    log: (message, fields) => void logs.push({ message, fields }),
  };

  const put = (item: Record<string, unknown>) =>
    table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: marshall(item, { removeUndefinedValues: true }),
      }),
    );

  async function putObject(bucket: string, key: string) {
    // The budget bucket takes only SSE-KMS under its key (bucket policy; the local S3 enforces it too).
    const sse =
      bucket === config.BUDGET_REVIEW_BUCKET
        ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: config.BUDGET_KEY_ID }
        : {};
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'Received: test\r\n\r\nbody', ...sse }),
    );
  }

  async function objectExists(bucket: string, key: string): Promise<boolean> {
    try {
      await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return false;
      throw error;
    }
  }

  /**
   * An active licensee with a profile, email owner, a session, a sign-in code, `requests` privacy requests
   * (each naming one raw mail in S3), a disclosure and a budget review with an upload.
   */
  async function seedLicensee(options: { requests?: number; extraItems?: number } = {}) {
    const licenseeId = ulid();
    const emailIndex = randomBytes(16).toString('hex');
    const pk = keys.licensee(licenseeId);
    const nowSeconds = Math.floor(clock.now.getTime() / 1000);
    await deps.repo.transact([
      {
        Put: {
          TableName: table.tableName,
          Item: marshall({
            pk,
            sk: keys.profile,
            licenseeId,
            status: 'active',
            createdAt: clock.now.toISOString(),
            licenceStartedAt: clock.now.toISOString(),
            marketingOptOut: false,
            emailIndex,
            pii: new Uint8Array(randomBytes(64)),
            version: 1,
          }),
        },
      },
      {
        Put: {
          TableName: table.tableName,
          Item: marshall({ pk: keys.email(emailIndex), sk: keys.emailOwner, licenseeId }),
        },
      },
    ]);
    await put({
      pk,
      sk: keys.session(randomBytes(8).toString('hex')),
      licenseeId,
      expiresAt: nowSeconds + 1800,
    });
    await put({ pk, sk: keys.signInCode, licenseeId, expiresAt: nowSeconds + 600 });
    const rawMail: string[] = [];
    for (let i = 0; i < (options.requests ?? 1); i++) {
      const key = `inbound/${licenseeId}/${i}`;
      await putObject(config.RAW_MAIL_BUCKET!, key);
      rawMail.push(key);
      await put({ pk, sk: keys.request(ulid()), type: 'question', status: 'open', s3Objects: [key] });
    }
    await put({ pk, sk: keys.disclosure(ulid()), recipient: 'Belastingdienst', basis: 'legal-obligation' });
    const upload = `uploads/${licenseeId}/review.pdf`;
    await putObject(config.BUDGET_REVIEW_BUCKET!, upload);
    await put({
      pk,
      sk: keys.budgetReview(ulid()),
      status: 'accepted',
      upload: { key: upload, bytes: 20, contentType: 'application/pdf' },
    });
    for (let i = 0; i < (options.extraItems ?? 0); i++)
      await put({ pk, sk: keys.disclosure(ulid()), recipient: 'Accountant', basis: 'business-necessity' });
    return { licenseeId, emailIndex, rawMail, upload };
  }

  async function partition(licenseeId: string) {
    const { Items = [] } = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: marshall({ ':pk': keys.licensee(licenseeId) }),
        ConsistentRead: true,
      }),
    );
    return Items.map((item) => unmarshall(item));
  }

  async function emailOwner(emailIndex: string) {
    const { Items = [] } = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: marshall({ ':pk': keys.email(emailIndex) }),
        ConsistentRead: true,
      }),
    );
    return Items.map((item) => unmarshall(item))[0];
  }

  /** Every item of the table (small test tables only): to prove nothing else was touched. */
  async function everything() {
    const { Items = [] } = await table.client.send(
      new ScanCommand({ TableName: table.tableName, ConsistentRead: true }),
    );
    return Items.map((item) => unmarshall(item));
  }

  return {
    table,
    config,
    s3,
    clock,
    deps,
    metrics,
    logs,
    seedLicensee,
    partition,
    emailOwner,
    everything,
    objectExists,
    close: async () => {
      s3.destroy();
      await table.drop();
    },
  };
}
