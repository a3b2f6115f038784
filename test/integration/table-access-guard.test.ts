/**
 * The local stand-in for IAM on the table: a function's requests, made through the real SDK client against
 * DynamoDB Local, are judged by functions/table-access.ts the way IAM judges them in AWS (per request, per
 * item of a transaction, all keys of a batch against one statement). A refused request writes nothing.
 */
import {
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isAllowed, tableAccess } from '../../functions/table-access.js';
import { createIsolatedTable, type IsolatedTable } from '../../local/table.js';
import { enforceTableAccess, requestedAccess } from '../../local/table-access-guard.js';
import { createDynamoDbClient } from '../../shared/adapters/dynamodb-client.js';
import { invokedFunction } from '../../local/invoked-function.js';

let table: IsolatedTable;
let client: ReturnType<typeof createDynamoDbClient>;
const auditKey = { pk: 'AUDIT#2026-12', sk: '2026-12-01T10:00:00.000Z#01JZZZZZZZZZZZZZZZZZZZZZZZ' };
const profileKey = { pk: 'LICENSEE#01JAAAAAAAAAAAAAAAAAAAAAAA', sk: 'PROFILE' };

beforeAll(async () => {
  table = await createIsolatedTable(inject('localEnv'), 'guard');
  client = createDynamoDbClient({
    AWS_REGION: 'eu-west-1',
    DYNAMODB_ENDPOINT: inject('localEnv').DYNAMODB_ENDPOINT,
  });
  enforceTableAccess();
});
afterAll(async () => {
  client.destroy();
  await table.drop();
});

const put = (key: { pk: string; sk: string }) =>
  new PutItemCommand({ TableName: table.tableName, Item: marshall({ ...key, note: 'x' }) });
const exists = async (key: { pk: string; sk: string }) =>
  (await client.send(new GetItemCommand({ TableName: table.tableName, Key: marshall(key) }))).Item !==
  undefined;
const as = <T>(fn: string, run: () => Promise<T>) => invokedFunction.run(fn, run);

describe('the local table-access guard', () => {
  it('refuses what IAM refuses, and the refused write leaves nothing behind', async () => {
    await expect(as('session', () => client.send(put(auditKey)))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('session is not authorized to perform dynamodb:PutItem'),
    });
    expect(await exists(auditKey)).toBe(false);
    await as('session', () => client.send(put(profileKey)));
    expect(await exists(profileKey)).toBe(true);
  });

  it('audit events: appended by a function that may, never updated, not even by admin', async () => {
    await as('marketing-unsubscribe', () => client.send(put(auditKey)));
    const update = new UpdateItemCommand({
      TableName: table.tableName,
      Key: marshall(auditKey),
      UpdateExpression: 'SET note = :n',
      ExpressionAttributeValues: marshall({ ':n': 'changed' }),
    });
    await expect(as('admin', () => client.send(update))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('judges each item of a transaction, and all keys of a batch against one statement', async () => {
    const transaction = new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName: table.tableName, Item: marshall({ ...profileKey, v: 2 }) } },
        { Delete: { TableName: table.tableName, Key: marshall(auditKey) } },
      ],
    });
    await expect(as('retention-sweeper', () => client.send(transaction))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    const batch = new BatchWriteItemCommand({
      RequestItems: {
        [table.tableName]: [
          { DeleteRequest: { Key: marshall(profileKey) } },
          { DeleteRequest: { Key: marshall(auditKey) } },
        ],
      },
    });
    await expect(as('retention-sweeper', () => client.send(batch))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    expect(await exists(auditKey)).toBe(true);
    expect(await exists(profileKey)).toBe(true);
  });

  it('index queries: only the indexes a function lists', async () => {
    const byIndex = (IndexName: string, key: string) =>
      new QueryCommand({
        TableName: table.tableName,
        IndexName,
        KeyConditionExpression: `${key} = :v`,
        ExpressionAttributeValues: marshall({ ':v': 'OPEN' }),
      });
    await as('deadline-watch', () => client.send(byIndex('openRequests', 'openShard')));
    await expect(
      as('deadline-watch', () => client.send(byIndex('purgeQueue', 'purgeShard'))),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});

describe('requestedAccess and isAllowed (what IAM authorises)', () => {
  it('reads the leading key of a table query from its key condition', () => {
    const input = {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: marshall({ ':pk': 'LICENSEE#01J', ':prefix': 'REQUEST#' }),
    };
    expect(requestedAccess('QueryCommand', input)).toEqual([
      { action: 'Query', leadingKeys: ['LICENSEE#01J'] },
    ]);
  });

  it('a key-less request (a Scan) is allowed to no function', () => {
    for (const access of Object.values(tableAccess)) {
      expect(isAllowed(access, { action: 'Scan', leadingKeys: [] })).toBe(false);
    }
  });
});
