import {
  GetItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod/mini';
import { epochSeconds, type Clock } from '../domain/dates.js';
import { openShards } from '../domain/privacy-request.js';
import { ConcurrentUpdateError } from './licensee-repository.js';
import { keys, tableDefinition } from './table-definition.js';
import { queryAll } from './query-all.js';
import { isoTimestamp, schema, wholeCount, wholeNumber } from '../domain/schema.js';

/**
 * The staff inbox: general mail to info@ that is not a privacy request. An item holds ids, dates and state;
 * the mail itself stays in the raw-mail bucket (its bounded lifetime) and is read only through an audited
 * staff route. Items of a licensee live in the licensee's partition (purged with it); items of unknown
 * senders in `INBOX` with a TTL. A reference pointer lets staff name an item by its `M-` reference.
 */
export const inboxKeys = {
  item: (licenseeId: string | undefined, itemId: string) => ({
    pk: licenseeId ? keys.licensee(licenseeId) : 'INBOX',
    sk: `INBOX#${itemId}`,
  }),
  reference: (reference: string) => ({ pk: `REFERENCE#${reference}`, sk: 'INBOX' }),
};

export const inboxStatuses = ['open', 'answered', 'handled', 'converted'] as const;
/** Listed for staff until handled or converted. */
const listedStatuses: readonly string[] = ['open', 'answered'];

export const inboxItemSchema = /* @__PURE__ */ schema(() =>
  z.object({
    itemId: z.string(),
    reference: z.string(),
    licenseeId: z.optional(z.string()),
    status: z.enum(inboxStatuses),
    receivedAt: isoTimestamp,
    dueAt: isoTimestamp,
    s3Objects: z.array(z.string()),
    patientDataWithheld: z.optional(z.boolean()),
    expiresAt: z.optional(wholeNumber),
    /** Absent on items written before versions; read as 0. */
    version: z._default(wholeCount, 0),
    answers: z.optional(wholeCount),
    lastAnsweredAt: z.optional(isoTimestamp),
    /** Digest of the last answer's text: the same answer sent again (a double submit) is not mailed twice. */
    lastAnswerDigest: z.optional(z.string()),
    handledAt: z.optional(isoTimestamp),
    /** The privacy request staff turned it into. */
    convertedTo: z.optional(z.string()),
  }),
);
export type InboxItem = z.infer<typeof inboxItemSchema>;

export function createInboxRepository({
  client,
  tableName,
  clock,
}: {
  client: DynamoDBClient;
  tableName: string;
  clock: Clock;
}) {
  const itemOf = (item: InboxItem) =>
    marshall(
      {
        ...item,
        ...inboxKeys.item(item.licenseeId, item.itemId),
        ...(listedStatuses.includes(item.status) ? { openShard: openShards.inbox } : {}),
      },
      { removeUndefinedValues: true },
    );
  const parse = (raw: Record<string, AttributeValue>): InboxItem => {
    const { pk: _pk, sk: _sk, openShard: _shard, ...record } = unmarshall(raw);
    return inboxItemSchema.parse(record);
  };
  const alive = (item: InboxItem) => item.expiresAt === undefined || item.expiresAt > epochSeconds(clock());

  async function transact(items: TransactWriteItem[]): Promise<void> {
    try {
      await client.send(new TransactWriteItemsCommand({ TransactItems: items }));
    } catch (error) {
      if (error instanceof TransactionCanceledException)
        throw new ConcurrentUpdateError('inbox item changed');
      throw error;
    }
  }

  return {
    /** A new item and its reference pointer; false when this mail's item exists already (a redelivery). */
    async putNew(item: InboxItem): Promise<boolean> {
      try {
        await transact([
          {
            Put: {
              TableName: tableName,
              Item: itemOf(item),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: marshall(
                {
                  ...inboxKeys.reference(item.reference),
                  itemId: item.itemId,
                  ...(item.licenseeId ? { licenseeId: item.licenseeId } : {}),
                  ...(item.expiresAt ? { expiresAt: item.expiresAt } : {}),
                },
                { removeUndefinedValues: true },
              ),
            },
          },
        ]);
        return true;
      } catch (error) {
        if (error instanceof ConcurrentUpdateError) return false;
        throw error;
      }
    },

    async get(licenseeId: string | undefined, itemId: string): Promise<InboxItem | undefined> {
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: marshall(inboxKeys.item(licenseeId, itemId)),
          ConsistentRead: true,
        }),
      );
      const item = Item && parse(Item);
      return item && alive(item) ? item : undefined;
    },

    async findByReference(reference: string): Promise<InboxItem | undefined> {
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: marshall(inboxKeys.reference(reference)),
          ConsistentRead: true,
        }),
      );
      if (!Item) return undefined;
      const pointer = unmarshall(Item) as { itemId: string; licenseeId?: string };
      return this.get(pointer.licenseeId, pointer.itemId);
    },

    /** Open and answered items, newest first (the sparse index; callers re-read an item before changing it). */
    async listOpen(): Promise<InboxItem[]> {
      const items = await queryAll(client, {
        TableName: tableName,
        IndexName: tableDefinition.indexes.openRequests.name,
        KeyConditionExpression: 'openShard = :shard',
        ExpressionAttributeValues: marshall({ ':shard': openShards.inbox }),
      });
      return items
        .map(parse)
        .filter(alive)
        .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
    },

    /** `next` (version `previous.version + 1`) as one item of a transaction, if nobody changed it since. */
    saveWrite(previous: InboxItem, next: InboxItem): TransactWriteItem {
      return {
        Put: {
          TableName: tableName,
          Item: itemOf({ ...next, version: previous.version + 1 }),
          ConditionExpression:
            previous.version === 0 ? 'attribute_not_exists(version) OR version = :v' : 'version = :v',
          ExpressionAttributeValues: marshall({ ':v': previous.version }),
        },
      };
    },

    /** Saves `next` if nobody changed the item since `previous`, with whatever must land with it. */
    async save(previous: InboxItem, next: InboxItem, also: TransactWriteItem[] = []): Promise<InboxItem> {
      await transact([this.saveWrite(previous, next), ...also]);
      return { ...next, version: previous.version + 1 };
    },
  };
}
export type InboxRepository = ReturnType<typeof createInboxRepository>;
