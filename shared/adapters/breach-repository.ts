import {
  GetItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { storedBreachSchema, type StoredBreach } from '../domain/breach.js';
import { ConcurrentUpdateError } from './licensee-repository.js';
import { queryAll } from './query-all.js';

/** The breach register: one partition, one item per breach; never purged with a licensee (art. 33(5)). */
const breachKey = (breachId: string) => ({ pk: 'BREACH', sk: `BREACH#${breachId}` });

export type BreachRepository = ReturnType<typeof createBreachRepository>;

export function createBreachRepository({ client, tableName }: { client: DynamoDBClient; tableName: string }) {
  const parse = (item: Record<string, AttributeValue>): StoredBreach => {
    const { pk: _pk, sk: _sk, ...breach } = unmarshall(item);
    return storedBreachSchema.parse(breach);
  };
  return {
    /**
     * Writes a breach with its audit event in one transaction: new (`expectedVersion` undefined) or replacing
     * exactly the version read, so two staff members editing at once cannot overwrite each other.
     */
    async save(breach: StoredBreach, expectedVersion: number | undefined, audit: TransactWriteItem) {
      try {
        await client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: marshall(
                    { ...breach, ...breachKey(breach.breachId) },
                    { removeUndefinedValues: true },
                  ),
                  ...(expectedVersion === undefined
                    ? { ConditionExpression: 'attribute_not_exists(pk)' }
                    : {
                        ConditionExpression: 'version = :expected',
                        ExpressionAttributeValues: marshall({ ':expected': expectedVersion }),
                      }),
                },
              },
              audit,
            ],
          }),
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException) throw new ConcurrentUpdateError('breach changed');
        throw error;
      }
    },

    async get(breachId: string): Promise<StoredBreach | undefined> {
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: marshall(breachKey(breachId)),
          ConsistentRead: true,
        }),
      );
      return Item ? parse(Item) : undefined;
    },

    /** Every breach, newest first. */
    async list(): Promise<StoredBreach[]> {
      const items = await queryAll(client, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: marshall({ ':pk': 'BREACH' }),
        ScanIndexForward: false,
      });
      return items.map(parse);
    },
  };
}
