import {
  GetItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { epochSeconds, type Clock } from '../domain/dates.js';
import { jobMarkerDays, storedJobSchema, type StoredJob } from '../domain/job.js';
import { ConcurrentUpdateError } from './licensee-repository.js';
import { queryAll } from './query-all.js';

export type JobStore = ReturnType<typeof createJobStore>;

const jobKey = (jobId: string) => ({ pk: `JOB#${jobId}`, sk: 'JOB' });
const markerKey = (jobId: string, itemId: string) => ({ pk: `JOB#${jobId}`, sk: `ITEM#${itemId}` });
/** A job that may exist once per key (a statement version's notice): the key names the job that has it. */
const onceKey = (key: string) => ({ pk: 'JOB#ONCE', sk: `ONCE#${key}` });

/**
 * Jobs live in a partition of their own (`JOB#<id>`): the job item with its counters, and one marker per
 * item done (`ITEM#<licenseeId>`), written in the same transaction as the counter it moves and the step's
 * audit event, on condition that it does not exist yet. That condition is what makes a re-run, a retry or a
 * duplicate invocation skip work already done. Markers expire `jobMarkerDays` after they were written.
 */
export function createJobStore({
  client,
  tableName,
  clock,
}: {
  client: DynamoDBClient;
  tableName: string;
  clock: Clock;
}) {
  const parse = (item: Record<string, AttributeValue>) => {
    const { pk: _pk, sk: _sk, ...job } = unmarshall(item);
    return storedJobSchema.parse(job);
  };
  const markerExpiry = () => epochSeconds(new Date(clock().getTime() + jobMarkerDays * 86_400_000));

  async function transact(items: TransactWriteItem[]): Promise<boolean> {
    try {
      await client.send(new TransactWriteItemsCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      // The marker existed: another run did this item first.
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      )
        return false;
      if (error instanceof TransactionCanceledException)
        throw new ConcurrentUpdateError('job step cancelled');
      throw error;
    }
  }

  /** Moves counters of the job: `{ sent: 1 }` adds one to progress.sent. */
  const countersUpdate = (jobId: string, delta: Record<string, number>): TransactWriteItem => {
    const names: Record<string, string> = { '#progress': 'progress', '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = { ':now': clock().toISOString(), ':zero': 0 };
    const sets = Object.entries(delta).map(([counter, n], i) => {
      names[`#c${i}`] = counter;
      values[`:d${i}`] = n;
      return `#progress.#c${i} = if_not_exists(#progress.#c${i}, :zero) + :d${i}`;
    });
    return {
      Update: {
        TableName: tableName,
        Key: marshall(jobKey(jobId)),
        UpdateExpression: `SET ${[...sets, '#updatedAt = :now'].join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: marshall(values),
      },
    };
  };

  return {
    /** A new job and its "started" audit event, together. */
    async create(job: StoredJob, audit: TransactWriteItem): Promise<void> {
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: marshall({ ...job, ...jobKey(job.jobId) }, { removeUndefinedValues: true }),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            audit,
          ],
        }),
      );
    },

    /**
     * Creates the job only if no job holds `key` yet (the claim on the key, the job and its audit event in one
     * transaction). Returns the id of the job that holds the key: this one, or the one that was first.
     */
    async createOnce(
      key: string,
      job: StoredJob,
      audit: TransactWriteItem,
    ): Promise<{ jobId: string; created: boolean }> {
      const created = await transact([
        {
          Put: {
            TableName: tableName,
            Item: marshall({ ...onceKey(key), jobId: job.jobId, at: job.startedAt }),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: marshall({ ...job, ...jobKey(job.jobId) }, { removeUndefinedValues: true }),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        audit,
      ]);
      if (created) return { jobId: job.jobId, created };
      const holder = await this.onceHolder(key);
      if (!holder) throw new ConcurrentUpdateError('once key taken and released');
      return { jobId: holder, created };
    },

    /** The job that holds a once-key, if any. */
    async onceHolder(key: string): Promise<string | undefined> {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: marshall(onceKey(key)), ConsistentRead: true }),
      );
      return Item ? String(unmarshall(Item).jobId) : undefined;
    },

    async get(jobId: string): Promise<StoredJob | undefined> {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: marshall(jobKey(jobId)), ConsistentRead: true }),
      );
      return Item ? parse(Item) : undefined;
    },

    /** Ids of the items this job has done (its markers), for a run that resumes. */
    async doneItems(jobId: string): Promise<Set<string>> {
      const items = await queryAll(client, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :item)',
        ExpressionAttributeValues: marshall({ ':pk': jobKey(jobId).pk, ':item': 'ITEM#' }),
        ProjectionExpression: 'sk',
        ConsistentRead: true,
      });
      return new Set(items.map((item) => String(unmarshall(item).sk).slice('ITEM#'.length)));
    },

    /**
     * Records one item as done (`outcome`), its counter and its audit event in one transaction; false when a
     * marker existed already (the item was done by another run, nothing was written).
     */
    claimItem: (jobId: string, itemId: string, outcome: string, audit?: TransactWriteItem) =>
      transact([
        {
          Put: {
            TableName: tableName,
            Item: marshall({
              ...markerKey(jobId, itemId),
              outcome,
              at: clock().toISOString(),
              expiresAt: markerExpiry(),
            }),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        countersUpdate(jobId, { [outcome]: 1 }),
        ...(audit ? [audit] : []),
      ]),

    /** Undoes a claim whose step then failed (its send threw), so the retry does it again. */
    async releaseItem(jobId: string, itemId: string, outcome: string): Promise<void> {
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Delete: {
                TableName: tableName,
                Key: marshall(markerKey(jobId, itemId)),
                ConditionExpression: 'outcome = :outcome',
                ExpressionAttributeValues: marshall({ ':outcome': outcome }),
              },
            },
            countersUpdate(jobId, { [outcome]: -1 }),
          ],
        }),
      );
    },

    /** Sets counters outright (e.g. the total, once known). */
    async setProgress(jobId: string, progress: Record<string, number>): Promise<void> {
      const names: Record<string, string> = { '#progress': 'progress' };
      const values: Record<string, number> = {};
      const sets = Object.entries(progress).map(([counter, n], i) => {
        names[`#c${i}`] = counter;
        values[`:v${i}`] = n;
        return `#progress.#c${i} = :v${i}`;
      });
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: marshall(jobKey(jobId)),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: marshall(values),
        }),
      );
    },

    /** One more invocation of the runner. */
    async noteRun(jobId: string): Promise<void> {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: marshall(jobKey(jobId)),
          UpdateExpression: 'SET runs = runs + :one, updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: marshall({ ':one': 1, ':now': clock().toISOString() }),
        }),
      );
    },

    /** The error class of the run that failed (never its message: messages can quote data). */
    async noteFailure(jobId: string, errorName: string): Promise<void> {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: marshall(jobKey(jobId)),
          UpdateExpression: 'SET lastError = :error, updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: marshall({ ':error': errorName, ':now': clock().toISOString() }),
        }),
      );
    },

    /** Ends a running job with its result and its "finished" audit event; false when it was finished already. */
    async finish(
      jobId: string,
      status: 'done' | 'failed',
      result: StoredJob['result'],
      audit: TransactWriteItem,
    ): Promise<boolean> {
      return transact([
        {
          Update: {
            TableName: tableName,
            Key: marshall(jobKey(jobId)),
            UpdateExpression: 'SET #status = :status, #result = :result, finishedAt = :now, updatedAt = :now',
            ConditionExpression: '#status = :running',
            ExpressionAttributeNames: { '#status': 'status', '#result': 'result' },
            ExpressionAttributeValues: marshall({
              ':status': status,
              ':result': result ?? {},
              ':running': 'running',
              ':now': clock().toISOString(),
            }),
          },
        },
        audit,
      ]);
    },
  };
}
