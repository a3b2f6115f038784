import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { outboxShard } from '../shared/adapters/outbox-store.js';
import { tableDefinition } from '../shared/adapters/table-definition.js';
import { loadConfig } from '../shared/config.js';
import { createObservability } from '../shared/observability.js';
import { mailSenderFunction, type SenderResult } from '../shared/services/mail-sender/sender-function.js';
import { createMailSenderDeps } from '../shared/wiring/mail-sender.js';
import { invokedFunction } from './invoked-function.js';
import { buildContext } from './http-server.js';
import { enforceTableAccess } from './table-access-guard.js';

type SenderHandler = (event: unknown, context: unknown) => Promise<unknown>;

export interface OutboxStream {
  /**
   * Resolves once no mail of this table's outbox is pending or being sent, i.e. every mail written so far
   * has reached the SES emulator (or was dropped by the sending policy). Rejects after `timeoutMs`.
   */
  settle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface OutboxStreamOptions {
  /** The functions' env of the table to follow (TABLE_NAME, endpoints). */
  env: Record<string, string>;
  /** The mail-sender handler; default: the real one built from `env` (functions/mail-sender does the same). */
  handler?: SenderHandler;
  /** Options for the default handler's dependencies (tests inject SES faults or a clock here). */
  senderOptions?: Parameters<typeof createMailSenderDeps>[2];
  pollMs?: number;
}

/** The mail-sender with its own logger and metrics, quiet when the env says so (tests). */
export function localMailSender(
  env: Record<string, string>,
  senderOptions?: OutboxStreamOptions['senderOptions'],
): SenderHandler {
  // This env may be one test table's among many in one process: the logger and metrics read it, not process.env.
  const observability = createObservability('mail-sender', env);
  const count = observability.count;
  const deps = createMailSenderDeps(loadConfig(env), { count }, senderOptions);
  return mailSenderFunction(deps, observability) as unknown as SenderHandler;
}

/**
 * What Lambda's event source mapping does in AWS, locally: follows the table's stream on DynamoDB Local
 * (the same KEYS_ONLY records), passes the outbox INSERTs to the mail-sender handler in batches, and on a
 * partial batch failure retries from the first failed record with backoff (never skipping one, so a mail
 * outlives any SES outage). The same filter as infra's mapping: INSERTs of `OUTBOX#` items only.
 */
export async function startOutboxStream(options: OutboxStreamOptions): Promise<OutboxStream> {
  enforceTableAccess();
  const { env } = options;
  const tableName = env.TABLE_NAME!;
  const clientConfig = {
    endpoint: env.DYNAMODB_ENDPOINT,
    region: env.AWS_REGION ?? 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const dynamodb = new DynamoDBClient(clientConfig);
  const streams = new DynamoDBStreamsClient(clientConfig);
  const handler = options.handler ?? localMailSender(env, options.senderOptions);
  const pollMs = options.pollMs ?? 100;

  const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${tableName} has no stream: create it with local/table.ts`);

  let stopped = false;
  const iterators = new Map<string, string>();
  const finished = new Set<string>();
  let failures = 0;

  async function refreshShards(): Promise<void> {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      const id = shard.ShardId;
      if (!id || iterators.has(id) || finished.has(id)) continue;
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: id,
          // Everything still in the stream: a mail written before the start is delivered (idempotently).
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      if (ShardIterator) iterators.set(id, ShardIterator);
    }
  }

  const isOutboxInsert = (record: StreamRecord) =>
    record.eventName === 'INSERT' && record.dynamodb?.Keys?.pk?.S?.startsWith('OUTBOX#') === true;

  /** One batch through the handler; returns the records still to deliver (from the first failure on). */
  async function deliver(records: StreamRecord[]): Promise<StreamRecord[]> {
    const batch = records.filter(isOutboxInsert);
    if (batch.length === 0) return [];
    try {
      const context = buildContext('mail-sender', `local-${Date.now().toString(36)}`, 60_000);
      // Judged by the mail-sender's table grants, as IAM judges it in AWS.
      const result = (await invokedFunction.run('mail-sender', () =>
        handler({ Records: batch }, context),
      )) as SenderResult | undefined;
      const failed = new Set(result?.batchItemFailures.map((failure) => failure.itemIdentifier) ?? []);
      const first = batch.findIndex((record) => failed.has(record.dynamodb?.SequenceNumber ?? ''));
      return first === -1 ? [] : batch.slice(first);
    } catch {
      return batch;
    }
  }

  const pending = new Map<string, StreamRecord[]>();
  async function pollOnce(): Promise<void> {
    await refreshShards();
    for (const [shardId, iterator] of [...iterators]) {
      const retry = pending.get(shardId);
      if (retry) {
        const left = await deliver(retry);
        if (left.length > 0) {
          pending.set(shardId, left);
          failures += 1;
          continue;
        }
        pending.delete(shardId);
        failures = 0;
      }
      let page;
      try {
        page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
      } catch (error) {
        // DynamoDB Local sometimes declares an iterator past the shard's oldest record (or expired): start
        // the shard again from its oldest record on the next poll; delivery is idempotent per mail.
        const name = error instanceof Error ? error.name : '';
        if (name !== 'TrimmedDataAccessException' && name !== 'ExpiredIteratorException') throw error;
        iterators.delete(shardId);
        continue;
      }
      const left = await deliver(page.Records ?? []);
      if (left.length > 0) {
        pending.set(shardId, left);
        failures += 1;
      }
      if (page.NextShardIterator) iterators.set(shardId, page.NextShardIterator);
      else {
        iterators.delete(shardId);
        finished.add(shardId);
      }
    }
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        await pollOnce();
      } catch {
        // DynamoDB Local restarting or the table going away at the end of a test: try again shortly.
      }
      // Backoff while SES keeps failing, like the mapping's retries: 100 ms up to 2 s.
      const wait = failures > 0 ? Math.min(2000, pollMs * 2 ** Math.min(failures, 5)) : pollMs;
      await new Promise((resolve) => setTimeout(resolve, wait).unref());
    }
  })();

  return {
    settle: (timeoutMs) => settleOutbox(env, timeoutMs, dynamodb),
    async close() {
      stopped = true;
      await loop;
      streams.destroy();
      dynamodb.destroy();
    },
  };
}

/**
 * Waits for the by-email worker's invocations still running or waiting for a retry on the env's local Lambda
 * endpoint (local/lambda-endpoint.ts, in this process or another): a by-email request answered 202 writes its
 * mail (and request) only there. Nothing to wait for without an endpoint.
 */
export async function settleByEmailWorker(env: Record<string, string>, timeoutMs: number): Promise<void> {
  const endpoint = env.LAMBDA_ENDPOINT;
  const worker = env.BY_EMAIL_WORKER_FUNCTION;
  if (!endpoint || !worker) return;
  const response = await fetch(`${endpoint}/local/idle?function=${encodeURIComponent(worker)}`, {
    method: 'POST',
    signal: AbortSignal.timeout(timeoutMs),
  }).catch((error: unknown) => {
    // The endpoint already closed (the end of a test): no invocation of it can still be waiting.
    if ((error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED') return undefined;
    throw error;
  });
  if (response && !response.ok) throw new Error(`local Lambda endpoint answered ${response.status}`);
}

/**
 * Resolves once no mail of the env's table is pending or being sent (every mail written so far reached the
 * SES emulator or was dropped by the sending policy); rejects after `timeoutMs`. Needs a running sender.
 * By-email submissions handed to their worker are waited for first (`settleByEmailWorker`).
 */
export async function settleOutbox(
  env: Record<string, string>,
  // A wait, not a timing claim: long enough for a loaded machine (CI with the browser tests alongside).
  timeoutMs = 60_000,
  client?: DynamoDBClient,
): Promise<void> {
  const dynamodb =
    client ??
    new DynamoDBClient({
      endpoint: env.DYNAMODB_ENDPOINT,
      region: env.AWS_REGION ?? 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  const deadline = Date.now() + timeoutMs;
  try {
    await settleByEmailWorker(env, timeoutMs);
    for (;;) {
      const { Count } = await dynamodb.send(
        new QueryCommand({
          TableName: env.TABLE_NAME,
          IndexName: tableDefinition.indexes.openRequests.name,
          KeyConditionExpression: 'openShard = :shard',
          ExpressionAttributeValues: marshall({ ':shard': outboxShard }),
          Select: 'COUNT',
        }),
      );
      if (!Count) return;
      if (Date.now() > deadline) throw new Error(`outbox not settled: ${Count} mail(s) still pending`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    if (!client) dynamodb.destroy();
  }
}
