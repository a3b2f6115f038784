import { randomBytes } from 'node:crypto';
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { ulid } from 'ulid';
import { createIsolatedTable } from '../local/table.js';
import { purgeQueueShard } from '../shared/adapters/licensee-repository.js';
import { createS3Client } from '../shared/adapters/raw-mail-store.js';
import { createPurgeDeps } from '../shared/wiring/retention.js';
import { keys } from '../shared/adapters/table-definition.js';
import { loadConfig } from '../shared/config.js';
import { createObservability } from '../shared/observability.js';
import { purgeConcurrency, sweep } from '../shared/services/retention/sweeper.js';
import type { Table } from './table.js';

export interface RetentionBench {
  licensees: number;
  due: number;
  itemsPerDue: number;
  purged: number;
  /** Items the purge-queue query read, per due licensee (target ≈ 1, whatever the table size). */
  indexItemsPerDue: number;
  /** Partition items read per purged licensee (target: its own items, ≈ itemsPerDue). */
  itemsReadPerPurged: number;
  /** Raw mails seeded (named in the items) and deleted. */
  objectsSeeded: number;
  objectsDeleted: number;
  objectsLeft: number;
  /** DynamoDB requests per purged licensee, and the floor of 1 query + ⌈items/25⌉ batch deletes. */
  requestsPerPurged: number;
  minimumPerPurged: number;
  /** S3 requests per purged licensee (floor: one DeleteObjects per batch that names objects). */
  s3RequestsPerPurged: number;
  detail: string;
  seconds: number;
  seedSeconds: number;
}

interface Tally {
  calls: Map<string, number>;
  indexItems: number;
  partitionItems: number;
  s3Calls: Map<string, number>;
  objectsDeleted: number;
}

/** Counts S3 requests by operation and the keys DeleteObjects named. */
function instrumentS3(client: S3Client, tally: Tally) {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName).replace(/Command$/, '');
      tally.s3Calls.set(name, (tally.s3Calls.get(name) ?? 0) + 1);
      if (name === 'DeleteObjects')
        tally.objectsDeleted += (args.input as { Delete: { Objects: unknown[] } }).Delete.Objects.length;
      return next(args);
    },
    { step: 'initialize', name: 'retentionBenchS3Counter' },
  );
}

/** Counts every DynamoDB request by operation, and the items each query read (index vs partition). */
function instrument(client: DynamoDBClient, tally: Tally) {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName).replace(/Command$/, '');
      tally.calls.set(name, (tally.calls.get(name) ?? 0) + 1);
      const result = await next(args);
      if (name === 'Query') {
        const input = args.input as { IndexName?: string };
        const output = result.output as { ScannedCount?: number };
        if (input.IndexName) tally.indexItems += output.ScannedCount ?? 0;
        else tally.partitionItems += output.ScannedCount ?? 0;
      }
      return result;
    },
    { step: 'initialize', name: 'retentionBenchCounter' },
  );
}

const day = 86_400;

/**
 * Seeds licensees with BatchWriteItem directly (16 batches in flight): `due` ended licensees whose purge
 * date has passed (profile, email owner, `itemsPerDue - 2` more items), a tenth ended but not yet due, the
 * rest active (profile and email owner). Then one sweep through the real service and adapters.
 */
async function benchOne(
  env: Record<string, string>,
  licensees: number,
  due: number,
  itemsPerDue: number,
  progress: (line: string) => void,
): Promise<RetentionBench> {
  const table = await createIsolatedTable(env, 'bench-retention');
  try {
    const now = Math.floor(Date.now() / 1000);
    const requests: WriteRequest[] = [];
    const put = (item: Record<string, unknown>) =>
      requests.push({ PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) } });
    const pii = new Uint8Array(randomBytes(300));
    const objectKeys: string[] = [];
    for (let i = 0; i < licensees; i++) {
      const licenseeId = ulid();
      const emailIndex = randomBytes(16).toString('hex');
      const pk = keys.licensee(licenseeId);
      const isDue = i < due;
      const endedNotDue = !isDue && i % 10 === 0;
      const purgeAt = isDue ? now - day - i : endedNotDue ? now + 30 * day + i : undefined;
      put({
        pk,
        sk: keys.profile,
        licenseeId,
        status: purgeAt === undefined ? 'active' : 'ended',
        createdAt: new Date().toISOString(),
        marketingOptOut: false,
        emailIndex,
        pii,
        version: 1,
        purgeAt,
        ...(purgeAt === undefined ? {} : { purgeShard: purgeQueueShard }),
      });
      put({ pk: keys.email(emailIndex), sk: keys.emailOwner, licenseeId });
      if (isDue)
        for (let n = 0; n < itemsPerDue - 2; n++) {
          // Every third request came by mail: its raw mail (and a reply's) are in S3.
          const s3Objects = n % 3 === 0 ? [`inbound/${ulid()}`, `inbound/${ulid()}`] : undefined;
          if (s3Objects) objectKeys.push(...s3Objects);
          put({ pk, sk: keys.request(ulid()), type: 'question', status: 'completed', s3Objects });
        }
    }
    const seedStarted = performance.now();
    let written = 0;
    let cursor = 0;
    const writer = async () => {
      while (cursor < requests.length) {
        let batch = requests.slice(cursor, cursor + 25);
        cursor += 25;
        while (batch.length > 0) {
          const { UnprocessedItems } = await table.client.send(
            new BatchWriteItemCommand({ RequestItems: { [table.tableName]: batch } }),
          );
          batch = UnprocessedItems?.[table.tableName] ?? [];
        }
        written += 25;
        if (written % 10_000 < 25)
          progress(`seeded ${written} of ${requests.length} items (${licensees} licensees)`);
      }
    };
    await Promise.all(Array.from({ length: 16 }, writer));
    const config = loadConfig(table.env);
    const s3 = createS3Client(config);
    const bucket = config.RAW_MAIL_BUCKET!;
    let objectCursor = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (objectCursor < objectKeys.length) {
          const key = objectKeys[objectCursor++]!;
          await s3.send(
            new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'From: bench\r\n\r\nraw mail' }),
          );
        }
      }),
    );
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const tally: Tally = {
      calls: new Map(),
      indexItems: 0,
      partitionItems: 0,
      s3Calls: new Map(),
      objectsDeleted: 0,
    };
    const deps = createPurgeDeps(config, createObservability('retention-bench'), {
      dynamodb: table.client,
      s3,
    });
    instrument(table.client, tally);
    instrumentS3(s3, tally);
    progress(`sweeping ${due} due licensees out of ${licensees}`);
    const started = performance.now();
    const report = await sweep(deps, { remainingMs: () => 300_000 });
    const seconds = (performance.now() - started) / 1000;
    const total = [...tally.calls.values()].reduce((a, b) => a + b, 0);
    const purged = report.purged.length;
    // The sweep's own S3 requests (the listing below is the bench's check, not the sweep's cost).
    const s3Calls = [...tally.s3Calls];
    let objectsLeft = 0;
    for (const prefix of ['inbound/']) {
      let token: string | undefined;
      do {
        const listed = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        objectsLeft += (listed.Contents ?? []).filter((o) => objectKeys.includes(o.Key!)).length;
        token = listed.NextContinuationToken;
      } while (token);
    }
    s3.destroy();
    const s3Total = s3Calls.reduce((a, [, n]) => a + n, 0);
    return {
      licensees,
      due,
      itemsPerDue,
      purged,
      indexItemsPerDue: tally.indexItems / due,
      itemsReadPerPurged: tally.partitionItems / purged,
      objectsSeeded: objectKeys.length,
      objectsDeleted: tally.objectsDeleted,
      objectsLeft,
      requestsPerPurged: total / purged,
      minimumPerPurged: 1 + Math.ceil(itemsPerDue / 25),
      s3RequestsPerPurged: s3Total / purged,
      detail: [...tally.calls, ...s3Calls]
        .map(([name, n]) => `${name} ${(n / purged).toFixed(2)}`)
        .join(', '),
      seconds,
      seedSeconds,
    };
  } finally {
    await table.drop();
  }
}

/** The sweep at two table sizes with the same due set: its cost must follow the due set, not the table. */
export async function measureRetention(
  env: Record<string, string>,
  progress: (line: string) => void,
): Promise<Table[]> {
  const results: RetentionBench[] = [];
  // BENCH_QUICK=1: one small table, to check the bench itself runs.
  const sizes = process.env.BENCH_QUICK
    ? ([[400, 40, 12]] as const)
    : ([
        [2_000, 200, 12],
        [20_000, 200, 12],
        [20_000, 200, 60],
      ] as const);
  for (const [licensees, due, items] of sizes)
    results.push(await benchOne(env, licensees, due, items, progress));
  return [
    {
      title:
        `Retention sweep (one run, ${purgeConcurrency} licensees purged at once; raw mails seeded in local S3). ` +
        'Targets: index items read per due licensee ≈ 1 at any table size; partition items read = the ' +
        "licensee's own; DynamoDB requests ≤ floor (1 query + ⌈items/25⌉ batch deletes) + 2 (conditional " +
        'email-owner delete, certificate transaction); S3: one DeleteObjects per batch naming objects; 0 objects left',
      header: [
        'licensees',
        'due',
        'purged',
        'items each',
        'index items / due',
        'items read / purged',
        'DynamoDB req / purged',
        'floor + 2',
        'S3 objects deleted (seeded)',
        'left',
        'S3 req / purged',
        'by operation (per purged)',
        'sweep',
        'purged/s',
      ],
      rows: results.map((r) => [
        String(r.licensees),
        String(r.due),
        String(r.purged),
        String(r.itemsPerDue),
        r.indexItemsPerDue.toFixed(2),
        r.itemsReadPerPurged.toFixed(2),
        r.requestsPerPurged.toFixed(2),
        String(r.minimumPerPurged + 2),
        `${r.objectsDeleted} (${r.objectsSeeded})`,
        String(r.objectsLeft),
        r.s3RequestsPerPurged.toFixed(2),
        r.detail,
        `${r.seconds.toFixed(1)} s`,
        (r.purged / r.seconds).toFixed(0),
      ]),
    },
  ];
}
