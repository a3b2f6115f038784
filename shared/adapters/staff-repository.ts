import {
  TransactWriteItemsCommand,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DisclosureRecord } from '../domain/records.js';
import { audienceShard, noticeOnlyShard, purgeQueueShard } from './licensee-repository.js';
import { keys, tableDefinition } from './table-definition.js';
import { queryAll } from './query-all.js';

export type StaffRepository = ReturnType<typeof createStaffRepository>;

/** Queries and writes only staff make: disclosures, the marketing audience, the notice recipients. */
export function createStaffRepository({ client, tableName }: { client: DynamoDBClient; tableName: string }) {
  /** The licensee ids of one partition of a sparse index, every page of it. */
  async function idsIn(index: { name: string; partitionKey: string }, shard: string): Promise<string[]> {
    const items = await queryAll(client, {
      TableName: tableName,
      IndexName: index.name,
      KeyConditionExpression: '#shard = :shard',
      ExpressionAttributeNames: { '#shard': index.partitionKey },
      ExpressionAttributeValues: marshall({ ':shard': shard }),
      ProjectionExpression: 'licenseeId',
    });
    return items.map((item) => String(unmarshall(item).licenseeId));
  }

  return {
    /** Records a disclosure and its audit event together; the licensee's profile must exist. */
    async putDisclosure(
      licenseeId: string,
      disclosure: DisclosureRecord,
      auditItem: TransactWriteItem,
    ): Promise<void> {
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: tableName,
                Key: marshall({ pk: keys.licensee(licenseeId), sk: keys.profile }),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            {
              Put: {
                TableName: tableName,
                Item: marshall({
                  ...disclosure,
                  pk: keys.licensee(licenseeId),
                  sk: keys.disclosure(disclosure.disclosureId),
                }),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            auditItem,
          ],
        }),
      );
    },

    /** Licensee ids in the marketing audience (eventually consistent: senders re-check each profile). */
    audienceIds: () => idsIn(tableDefinition.indexes.marketingAudience, audienceShard),

    /**
     * Everyone whose data ZorgSom holds and who must hear of a new privacy statement: active licensees,
     * opted out of marketing or not, and ended licences not yet destroyed. Eventually consistent as well.
     */
    async noticeRecipientIds(): Promise<string[]> {
      const partitions = await Promise.all([
        idsIn(tableDefinition.indexes.marketingAudience, audienceShard),
        idsIn(tableDefinition.indexes.marketingAudience, noticeOnlyShard),
        idsIn(tableDefinition.indexes.purgeQueue, purgeQueueShard),
      ]);
      return [...new Set(partitions.flat())];
    },
  };
}
