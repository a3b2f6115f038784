import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { budgetUploadKey, mayHoldStrayUpload } from '../domain/budget-review.js';
import { epochSeconds } from '../domain/dates.js';
import { profileRecordSchema, type ProfileRecord } from '../domain/records.js';
import { purgeQueueShard } from './licensee-repository.js';
import { keys, tableDefinition } from './table-definition.js';

export interface ItemKey {
  pk: string;
  sk: string;
}

/** One item of a licensee's partition as the purge sees it: its key and the objects it names, no values. */
export interface PartitionItem {
  key: ItemKey;
  /** Raw-mail object keys (`s3Objects`, the mail intake's contract). */
  s3Objects: string[];
  /** A budget-review upload not yet destroyed (its own bucket). */
  budgetUpload?: string;
}

export interface RetentionStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Waits between BatchWriteItem retries; tests pass a no-op. */
  sleep?: (ms: number) => Promise<void>;
  /** Retries of UnprocessedItems before giving up (the run fails and resumes next time). */
  maxBatchRetries?: number;
  random?: () => number;
}

export class UnprocessedItemsError extends Error {
  override name = 'UnprocessedItemsError';
}

export const batchWriteLimit = 25;

export type RetentionStore = ReturnType<typeof createRetentionStore>;

/**
 * The DynamoDB side of retention: the purge queue, whole-partition deletes, the TTL backstop. Never reads
 * or returns a personal value: partition queries project keys and object names only.
 */
export function createRetentionStore({
  client,
  tableName,
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  maxBatchRetries = 8,
  random = Math.random,
}: RetentionStoreOptions) {
  const profileKey = (licenseeId: string): ItemKey => ({ pk: keys.licensee(licenseeId), sk: keys.profile });
  const emailKey = (emailIndex: string): ItemKey => ({ pk: keys.email(emailIndex), sk: keys.emailOwner });

  const parseProfile = (item: Record<string, AttributeValue>): ProfileRecord => {
    const { pk: _pk, sk: _sk, purgeShard: _ps, audienceShard: _as, ...record } = unmarshall(item);
    return profileRecordSchema.parse(record);
  };

  /** Every item key of a licensee's partition (all pages, strongly consistent), with the objects named. */
  async function partition(licenseeId: string, withProfile: boolean): Promise<PartitionItem[]> {
    const items: PartitionItem[] = [];
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: marshall({ ':pk': keys.licensee(licenseeId) }),
          ProjectionExpression:
            'pk, sk, s3Objects, #upload.#key, #upload.destroyedAt, reviewId, #status, dueAt',
          ExpressionAttributeNames: { '#upload': 'upload', '#key': 'key', '#status': 'status' },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      for (const raw of page.Items ?? []) {
        const item = unmarshall(raw) as {
          pk: string;
          sk: string;
          s3Objects?: unknown;
          upload?: { key?: unknown; destroyedAt?: unknown };
          reviewId?: unknown;
          status?: unknown;
          dueAt?: unknown;
        };
        // A budget review's file: the accepted one, or one the browser may have uploaded (presigned PUT)
        // to a review not (yet) accepted, which the review names only by its fixed key.
        const budgetUpload =
          typeof item.upload?.key === 'string'
            ? item.upload.destroyedAt === undefined
              ? item.upload.key
              : undefined
            : item.sk.startsWith(keys.budgetReview('')) &&
                typeof item.reviewId === 'string' &&
                mayHoldStrayUpload(item)
              ? budgetUploadKey(licenseeId, item.reviewId)
              : undefined;
        if (!withProfile && item.sk === keys.profile) continue;
        items.push({
          key: { pk: item.pk, sk: item.sk },
          s3Objects: Array.isArray(item.s3Objects)
            ? item.s3Objects.filter((key): key is string => typeof key === 'string')
            : [],
          ...(budgetUpload ? { budgetUpload } : {}),
        });
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** Sets or clears the TTL backstop on one item; a failed condition means "not ours to change": skipped. */
  async function updateIgnoringCondition(input: ConstructorParameters<typeof UpdateItemCommand>[0]) {
    try {
      await client.send(new UpdateItemCommand(input));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  return {
    /** The stored profile even when its TTL has passed (the purge and holds act on due licensees too). */
    async getProfile(licenseeId: string): Promise<ProfileRecord | undefined> {
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: marshall(profileKey(licenseeId)),
          ConsistentRead: true,
        }),
      );
      return Item ? parseProfile(Item) : undefined;
    },

    /**
     * One page of the purge queue: ended licences with purgeAt <= now, oldest first. A query on the sparse
     * index, so its cost follows the due set, not the table.
     */
    async duePage(
      now: Date,
      startKey?: Record<string, AttributeValue>,
      limit = 50,
    ): Promise<{ profiles: ProfileRecord[]; next?: Record<string, AttributeValue> }> {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: tableDefinition.indexes.purgeQueue.name,
          KeyConditionExpression: 'purgeShard = :shard AND purgeAt <= :now',
          ExpressionAttributeValues: marshall({ ':shard': purgeQueueShard, ':now': epochSeconds(now) }),
          ExclusiveStartKey: startKey,
          Limit: limit,
        }),
      );
      return { profiles: (page.Items ?? []).map(parseProfile), next: page.LastEvaluatedKey };
    },

    /** Every item of the partition except the profile (which the purge deletes last). */
    itemsToPurge: (licenseeId: string): Promise<PartitionItem[]> => partition(licenseeId, false),

    /**
     * Deletes up to 25 items with BatchWriteItem; UnprocessedItems are retried with exponential backoff and
     * full jitter (50 ms · 2^attempt, capped at 5 s). Deleting a missing item succeeds, so a retry is safe.
     */
    async deleteBatch(itemKeys: readonly ItemKey[]): Promise<void> {
      if (itemKeys.length > batchWriteLimit) throw new Error(`at most ${batchWriteLimit} keys per batch`);
      let pending: WriteRequest[] = itemKeys.map((key) => ({ DeleteRequest: { Key: marshall(key) } }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > maxBatchRetries)
          throw new UnprocessedItemsError(`${pending.length} deletes unprocessed`);
        if (attempt > 0) await sleep(Math.floor(random() * Math.min(5_000, 50 * 2 ** attempt)));
        const { UnprocessedItems } = await client.send(
          new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }),
        );
        pending = UnprocessedItems?.[tableName] ?? [];
      }
    },

    /** Removes the email lookup if it still points at this licensee (a lapsed owner may have been taken over). */
    async deleteEmailOwner(emailIndex: string, licenseeId: string): Promise<boolean> {
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: marshall(emailKey(emailIndex)),
            ConditionExpression: 'licenseeId = :id',
            ExpressionAttributeValues: marshall({ ':id': licenseeId }),
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    /** Remembers what a purge that stopped halfway deleted, so the certificate of the resumed run is whole. */
    async saveProgress(licenseeId: string, progress: Record<string, number>): Promise<void> {
      await updateIgnoringCondition({
        TableName: tableName,
        Key: marshall(profileKey(licenseeId)),
        UpdateExpression: 'SET purgeProgress = :progress',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: marshall({ ':progress': progress }),
      });
    },

    /**
     * Deletes the profile (which carries the purge queue entry, so it goes last) and writes the deletion
     * certificate in one transaction: a certificate exists exactly when the licensee is gone. 'gone' when
     * another run finished first.
     */
    async finishPurge(licenseeId: string, certificate: TransactWriteItem): Promise<'done' | 'gone'> {
      try {
        await client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: tableName,
                  Key: marshall(profileKey(licenseeId)),
                  ConditionExpression: 'attribute_exists(pk)',
                },
              },
              certificate,
            ],
          }),
        );
        return 'done';
      } catch (error) {
        if (
          error instanceof TransactionCanceledException &&
          error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
        )
          return 'gone';
        throw error;
      }
    },

    /**
     * The TTL backstop: `expiresAt` = at on every item of the partition but the profile (whose write sets its
     * own) and on the email owner, never later than an item's own expiry (a 30-minute session keeps its 30
     * minutes). Returns how many items were set.
     */
    async setBackstop(licenseeId: string, emailIndex: string, at: number): Promise<number> {
      const targets = [
        ...(await partition(licenseeId, false)).map(({ key }) => ({ key, owner: false })),
        { key: emailKey(emailIndex), owner: true },
      ];
      let set = 0;
      for (const { key, owner } of targets) {
        const updated = await updateIgnoringCondition({
          TableName: tableName,
          Key: marshall(key),
          UpdateExpression: 'SET expiresAt = :at',
          ConditionExpression: `attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt > :at)${
            owner ? ' AND licenseeId = :id' : ''
          }`,
          ExpressionAttributeValues: marshall({ ':at': at, ...(owner ? { ':id': licenseeId } : {}) }),
        });
        if (updated) set++;
      }
      return set;
    },

    /** Undoes `setBackstop(…, at)`: removes `expiresAt` where it is exactly the backstop moment. */
    async clearBackstop(licenseeId: string, emailIndex: string, at: number): Promise<number> {
      const targets = [
        ...(await partition(licenseeId, false)).map(({ key }) => ({ key, owner: false })),
        { key: emailKey(emailIndex), owner: true },
      ];
      let cleared = 0;
      for (const { key, owner } of targets) {
        const updated = await updateIgnoringCondition({
          TableName: tableName,
          Key: marshall(key),
          UpdateExpression: 'REMOVE expiresAt',
          ConditionExpression: `expiresAt = :at${owner ? ' AND licenseeId = :id' : ''}`,
          ExpressionAttributeValues: marshall({ ':at': at, ...(owner ? { ':id': licenseeId } : {}) }),
        });
        if (updated) cleared++;
      }
      return cleared;
    },
  };
}
