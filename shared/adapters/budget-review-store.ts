import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  budgetDeadlineShard,
  storedBudgetReviewSchema,
  type StoredBudgetReview,
} from '../domain/budget-review.js';
import { ConcurrentUpdateError } from './licensee-repository.js';
import { keys, tableDefinition } from './table-definition.js';

export type BudgetReviewStore = ReturnType<typeof createBudgetReviewStore>;

/**
 * Review records live in the licensee's partition (the retention purge removes them); uploads live in a
 * bucket of their own, encrypted under the budget-review key, apart from all licensee data.
 */
export function createBudgetReviewStore(options: {
  client: DynamoDBClient;
  tableName: string;
  s3: S3Client;
  bucket: string;
}) {
  const { client, tableName, s3, bucket } = options;
  const keyOf = (licenseeId: string, reviewId: string) => ({
    pk: keys.licensee(licenseeId),
    sk: keys.budgetReview(reviewId),
  });
  const parse = (item: Record<string, AttributeValue>) => {
    const { pk: _pk, sk: _sk, ...review } = unmarshall(item);
    return storedBudgetReviewSchema.parse(review);
  };

  return {
    async get(licenseeId: string, reviewId: string): Promise<StoredBudgetReview | undefined> {
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: marshall(keyOf(licenseeId, reviewId)),
          ConsistentRead: true,
        }),
      );
      return Item ? parse(Item) : undefined;
    },

    /** Writes `review` (version = expectedVersion + 1) unless someone else wrote since; new when expectedVersion is 0. */
    async save(review: StoredBudgetReview, expectedVersion: number): Promise<void> {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: marshall(
              { ...review, ...keyOf(review.licenseeId, review.reviewId) },
              { removeUndefinedValues: true },
            ),
            ...(expectedVersion === 0
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: 'version = :expected',
                  ExpressionAttributeValues: marshall({ ':expected': expectedVersion }),
                }),
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException)
          throw new ConcurrentUpdateError('review changed');
        throw error;
      }
    },

    async list(licenseeId: string): Promise<StoredBudgetReview[]> {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: marshall({
            ':pk': keys.licensee(licenseeId),
            ':prefix': keys.budgetReview(''),
          }),
          ConsistentRead: true,
        }),
      );
      return Items.map(parse);
    },

    /** Reviews whose deadline (answer or destruction) has passed: a query on the sparse deadline index. */
    async due(now: Date): Promise<StoredBudgetReview[]> {
      const due: StoredBudgetReview[] = [];
      let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: tableDefinition.indexes.openRequests.name,
            KeyConditionExpression: 'openShard = :shard AND dueAt <= :now',
            ExpressionAttributeValues: marshall({ ':shard': budgetDeadlineShard, ':now': now.toISOString() }),
            ExclusiveStartKey,
          }),
        );
        due.push(...(page.Items ?? []).map(parse));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return due;
    },

    uploadKey: (licenseeId: string, reviewId: string) => `budget-reviews/${licenseeId}/${reviewId}`,

    async putUpload(key: string, ciphertext: Uint8Array): Promise<void> {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: ciphertext,
          ContentType: 'application/octet-stream',
        }),
      );
    },

    async getUpload(key: string): Promise<Uint8Array> {
      const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!Body) throw new Error('budget review upload has no body');
      return Body.transformToByteArray();
    },

    async deleteUpload(key: string): Promise<void> {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}
