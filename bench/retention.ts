import { randomBytes } from 'node:crypto';
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { ulid } from 'ulid';
import { createIsolatedTable } from '../local/table.js';
import { purgeQueueShard } from '../shared/adapters/licensee-repository.js';
import { createPurgeDeps } from '../shared/adapters/retention-wiring.js';
import { keys } from '../shared/adapters/table-definition.js';
import { loadConfig } from '../shared/config.js';
import { createObservability } from '../shared/observability.js';
import { sweep } from '../shared/services/retention/sweeper.js';

export interface RetentionBench {
  licensees: number;
  due: number;
  itemsPerDue: number;
  purged: number;
  /** Items the purge-queue query read, per due licensee (target ≈ 1, whatever the table size). */
  indexItemsPerDue: number;
  /** DynamoDB requests per purged licensee, and the floor of 1 query + ⌈items/25⌉ batch deletes. */
  requestsPerPurged: number;
  minimumPerPurged: number;
  detail: string;
  seconds: number;
  seedSeconds: number;
}

interface Tally {
  calls: Map<string, number>;
  indexItems: number;
  partitionItems: number;
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
        for (let n = 0; n < itemsPerDue - 2; n++)
          put({ pk, sk: keys.request(ulid()), type: 'question', status: 'completed' });
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
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const tally: Tally = { calls: new Map(), indexItems: 0, partitionItems: 0 };
    const config = loadConfig(table.env);
    const deps = createPurgeDeps(config, createObservability('retention-bench'), { dynamodb: table.client });
    instrument(table.client, tally);
    progress(`sweeping ${due} due licensees out of ${licensees}`);
    const started = performance.now();
    const report = await sweep(deps, { remainingMs: () => 300_000 });
    const seconds = (performance.now() - started) / 1000;
    const total = [...tally.calls.values()].reduce((a, b) => a + b, 0);
    const purged = report.purged.length;
    return {
      licensees,
      due,
      itemsPerDue,
      purged,
      indexItemsPerDue: tally.indexItems / due,
      requestsPerPurged: total / purged,
      minimumPerPurged: 1 + Math.ceil(itemsPerDue / 25),
      detail: [...tally.calls].map(([name, n]) => `${name} ${(n / purged).toFixed(2)}`).join(', '),
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
): Promise<RetentionBench[]> {
  const results: RetentionBench[] = [];
  for (const [licensees, due, items] of [
    [2_000, 200, 12],
    [20_000, 200, 12],
    [20_000, 200, 60],
  ] as const)
    results.push(await benchOne(env, licensees, due, items, progress));
  return results;
}
