import { randomBytes } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
} from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '../shared/adapters/table-definition.js';
import { startOutboxStream, type OutboxStream } from './outbox-stream.js';

const { partitionKey, sortKey, ttlAttribute, indexes, attributeTypes } = tableDefinition;
const indexList = Object.values(indexes);

const attributeDefinitions: AttributeDefinition[] = Object.entries(attributeTypes).map(([name, type]) => ({
  AttributeName: name,
  AttributeType: type,
}));

async function waitUntilActive(client: DynamoDBClient, tableName: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every(
      (index) => index.IndexStatus === 'ACTIVE',
    );
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline) throw new Error(`Table ${tableName} did not become ACTIVE in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

/**
 * Creates the table from the shared table definition if it is missing (on-demand, both sparse GSIs
 * projecting ALL), waits until it is ACTIVE and makes sure TTL is enabled on the TTL attribute.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  if (!(await tableExists(client, tableName))) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: attributeDefinitions,
          KeySchema: [
            { AttributeName: partitionKey, KeyType: 'HASH' },
            { AttributeName: sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: indexList.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
          // As in AWS (infra/constructs/data.ts): the TTL audit and the mail outbox read it.
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
        }),
      );
    } catch (error) {
      // Someone else created it in the meantime: fine.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  await waitUntilActive(client, tableName);
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (!Table?.StreamSpecification?.StreamEnabled) {
    // A table kept from before the outbox (npm start's persistent data): give it its stream.
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
      }),
    );
    await waitUntilActive(client, tableName);
  }

  const { TimeToLiveDescription } = await client.send(
    new DescribeTimeToLiveCommand({ TableName: tableName }),
  );
  const status = TimeToLiveDescription?.TimeToLiveStatus;
  if (status !== 'ENABLED' && status !== 'ENABLING') {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
      }),
    );
  }
}

/** A DynamoDB client for the local stack's env (DYNAMODB_ENDPOINT, AWS_REGION, dummy credentials). */
export function localDynamoDbClient(env: Record<string, string | undefined>): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: env.DYNAMODB_ENDPOINT,
    region: env.AWS_REGION ?? 'eu-west-1',
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'local',
    },
  });
}

export interface IsolatedTable {
  tableName: string;
  /** The given env with TABLE_NAME pointing at the new table. */
  env: Record<string, string>;
  client: DynamoDBClient;
  /** The mail-sender following this table's outbox stream, as in `npm start` (absent with `deliverMail: false`). */
  mail?: OutboxStream;
  /** Deletes the table and releases the client. */
  drop(): Promise<void>;
}

/**
 * For tests: creates a fresh, uniquely named table with the real shape on the local stack's DynamoDB
 * (from the env given by `inject('localEnv')`), so a test file never sees another file's items.
 */
export async function createIsolatedTable(
  env: Record<string, string>,
  prefix = 'test',
  { deliverMail = true }: { deliverMail?: boolean } = {},
): Promise<IsolatedTable> {
  const tableName = `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const client = localDynamoDbClient(env);
  await ensureTable(client, tableName);
  const tableEnv = { ...env, TABLE_NAME: tableName };
  const mail = deliverMail ? await startOutboxStream({ env: tableEnv }) : undefined;
  return {
    tableName,
    env: tableEnv,
    client,
    mail,
    drop: async () => {
      try {
        await mail?.close();
        await client.send(new DeleteTableCommand({ TableName: tableName }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      } finally {
        client.destroy();
      }
    },
  };
}
