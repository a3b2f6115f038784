import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type AttributeValue,
  type TransactWriteItem,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  budgetDeadlineShard,
  budgetUploadKey,
  storedBudgetReviewSchema,
  type StoredBudgetReview,
} from '../domain/budget-review.js';
import { ConcurrentUpdateError } from './licensee-repository.js';
import { keys, tableDefinition } from './table-definition.js';
import { queryAll } from './query-all.js';

export type BudgetReviewStore = ReturnType<typeof createBudgetReviewStore>;

/**
 * The headers the browser sends with its presigned PUT, each signed (so S3 requires it unchanged); Host and
 * Content-Length are signed too but set by the browser. The bucket's CORS rule allows exactly these.
 */
export const uploadBrowserHeaders = [
  'content-type',
  'x-amz-checksum-sha256',
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-server-side-encryption-context',
] as const;

export interface UploadToSign {
  key: string;
  contentType: string;
  bytes: number;
  /** Base64 of the file's SHA-256, as S3's x-amz-checksum-sha256 wants it. */
  sha256: string;
  /** The budget key (SSE-KMS). */
  keyId: string;
  encryptionContext: Record<string, string>;
  expiresInSeconds: number;
}

/** An uploaded object as HeadObject reports it; encryption fields only where S3 applies SSE (not s3rver). */
export interface StoredUpload {
  bytes: number;
  contentType: string;
  encryption?: string;
  keyId?: string;
  sha256?: string;
}

/**
 * Review records live in the licensee's partition (the retention purge removes them); uploads live in a
 * bucket of their own, SSE-KMS under the budget-review key, apart from all licensee data. Files never pass
 * through a function: the browser PUTs to a presigned URL, staff GET from one.
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

    /**
     * Writes `review` (version = expectedVersion + 1) unless someone else wrote since; new when expectedVersion
     * is 0. With `also` (its audit event, the licensee's mail) all in one transaction: none without the others.
     */
    async save(
      review: StoredBudgetReview,
      expectedVersion: number,
      also: TransactWriteItem[] = [],
    ): Promise<void> {
      const put = {
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
      };
      try {
        if (also.length === 0) await client.send(new PutItemCommand(put));
        else await client.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: put }, ...also] }));
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException || error instanceof TransactionCanceledException)
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
      const items = await queryAll(client, {
        TableName: tableName,
        IndexName: tableDefinition.indexes.openRequests.name,
        KeyConditionExpression: 'openShard = :shard AND dueAt <= :now',
        ExpressionAttributeValues: marshall({ ':shard': budgetDeadlineShard, ':now': now.toISOString() }),
      });
      return items.map(parse);
    },

    uploadKey: budgetUploadKey,

    /**
     * A presigned PUT of exactly this file to `key`: its length, type and SHA-256 and the SSE-KMS headers (the
     * budget key, the review's encryption context) are signed headers, so S3 refuses the request unless the
     * browser sends each of them unchanged, and refuses a body whose checksum differs. `headers` is what the
     * browser must send (Content-Length it sets itself from the body).
     */
    async presignUpload(upload: UploadToSign): Promise<{ url: string; headers: Record<string, string> }> {
      const headers: Record<(typeof uploadBrowserHeaders)[number], string> = {
        'content-type': upload.contentType,
        'x-amz-checksum-sha256': upload.sha256,
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-server-side-encryption-aws-kms-key-id': upload.keyId,
        'x-amz-server-side-encryption-context': Buffer.from(
          JSON.stringify(upload.encryptionContext),
        ).toString('base64'),
      };
      const url = await getSignedUrl(
        s3,
        new PutObjectCommand({
          Bucket: bucket,
          Key: upload.key,
          ContentType: headers['content-type'],
          ContentLength: upload.bytes,
          ChecksumAlgorithm: 'SHA256',
          ChecksumSHA256: headers['x-amz-checksum-sha256'],
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: upload.keyId,
          SSEKMSEncryptionContext: headers['x-amz-server-side-encryption-context'],
        }),
        {
          expiresIn: upload.expiresInSeconds,
          // The presigner leaves Content-Type unsigned and hoists x-amz-* into the query unless told.
          signableHeaders: new Set(['content-type', 'content-length']),
          unhoistableHeaders: new Set(Object.keys(headers).filter((name) => name.startsWith('x-amz-'))),
        },
      );
      return { url, headers };
    },

    /** What S3 holds at `key` (size, type, encryption, checksum), or undefined when nothing is there. */
    async headUpload(key: string): Promise<StoredUpload | undefined> {
      try {
        const head = await s3.send(
          new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }),
        );
        return {
          bytes: head.ContentLength ?? 0,
          contentType: head.ContentType ?? '',
          ...(head.ServerSideEncryption ? { encryption: head.ServerSideEncryption } : {}),
          ...(head.SSEKMSKeyId ? { keyId: head.SSEKMSKeyId } : {}),
          ...(head.ChecksumSHA256 ? { sha256: head.ChecksumSHA256 } : {}),
        };
      } catch (error) {
        if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return undefined;
        throw error;
      }
    },

    /** A presigned GET that makes the browser save the file rather than show it. */
    async presignDownload(key: string, fileName: string, expiresInSeconds: number): Promise<string> {
      return getSignedUrl(
        s3,
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ResponseContentDisposition: `attachment; filename="${fileName}"`,
        }),
        { expiresIn: expiresInSeconds },
      );
    },

    async deleteUpload(key: string): Promise<void> {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}
