import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod/mini';
import { addMonths, epochSeconds, type Clock } from '../domain/dates.js';
import { policy } from '../domain/policy.js';
import {
  openShardOf,
  openShards,
  storedPrivacyRequestSchema,
  type PrivacyRequestType,
  type StoredPrivacyRequest,
} from '../domain/privacy-request.js';
import { ConcurrentUpdateError } from './licensee-repository.js';
import { keys, tableDefinition } from './table-definition.js';
import { queryAll } from './query-all.js';
import { schema, wholeCount, wholeNumber } from '../domain/schema.js';

/** Keys of the items this repository owns, beside those of `table-definition.ts`. */
export const requestKeys = {
  reference: (reference: string) => ({ pk: `REFERENCE#${reference}`, sk: 'REQUEST' }),
  intake: (messageId: string) => ({ pk: `MAIL#${messageId}`, sk: 'INTAKE' }),
  /** Which request is the one unfinished request of a linkable type (ids only; purged with the partition). */
  openRequest: (licenseeId: string, type: PrivacyRequestType) => ({
    pk: keys.licensee(licenseeId),
    sk: `OPENREQUEST#${type}`,
  }),
  /**
   * One of the licensee's `policy.requests.maxUnconfirmedPerLicensee` slots for a request waiting for its
   * code: names the request that last claimed it (ids only; purged with the partition).
   */
  unconfirmedSlot: (licenseeId: string, slot: number) => ({
    pk: keys.licensee(licenseeId),
    sk: `${unconfirmedSlotPrefix}${slot}`,
  }),
  /** Marks that something happened once for the licensee (e.g. one "this was not me" link used; purged with it). */
  once: (licenseeId: string, key: string) => ({ pk: keys.licensee(licenseeId), sk: `ONCE#${key}` }),
};
const unconfirmedSlotPrefix = 'UNCONFIRMED#';

/** A claimed slot: its number and the request that claimed it (which may have been confirmed since). */
export interface UnconfirmedSlot {
  slot: number;
  holder: string;
}

const referencePointerSchema = /* @__PURE__ */ schema(() =>
  z.object({ licenseeId: z.string(), requestId: z.string() }),
);

/** Progress of one inbound mail: the SES message id is the idempotency key. */
export const intakeRecordSchema = /* @__PURE__ */ schema(() =>
  z.object({
    messageId: z.string(),
    status: z.enum(['processing', 'done']),
    /** What became of the mail (no personal value): e.g. `request`, `quarantined-virus`, `automatic-bounce`. */
    outcome: z.optional(z.string()),
    leaseUntil: wholeNumber,
    attempts: wholeCount,
    licenseeId: z.optional(z.string()),
    requestId: z.optional(z.string()),
    lastError: z.optional(z.string()),
    expiresAt: wholeNumber,
  }),
);
export type IntakeRecord = z.infer<typeof intakeRecordSchema>;

export type RequestRepository = ReturnType<typeof createRequestRepository>;

/**
 * A claim item of a transaction: `key` names `holder` in `attribute`, on condition that it still names
 * `previous` (what the caller read) or, never claimed before, nothing. Of parallel claims only one passes;
 * the others' transactions fail and they decide again on their retry.
 */
function claimItem(
  tableName: string,
  key: { pk: string; sk: string },
  attribute: string,
  holder: string,
  previous: string | undefined,
): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: marshall({ ...key, [attribute]: holder }),
      ...(previous === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#holder = :previous',
            ExpressionAttributeNames: { '#holder': attribute },
            ExpressionAttributeValues: marshall({ ':previous': previous }),
          }),
    },
  };
}

export function createRequestRepository({
  client,
  tableName,
  clock,
}: {
  client: DynamoDBClient;
  tableName: string;
  clock: Clock;
}) {
  const requestKey = (licenseeId: string, requestId: string) => ({
    pk: keys.licensee(licenseeId),
    sk: keys.request(requestId),
  });
  /** `openShard` is derived from the state on every write, so no path can leave a closed request listed. */
  const requestItem = (request: StoredPrivacyRequest) => {
    const shard = openShardOf(request);
    return marshall(
      {
        ...request,
        ...requestKey(request.licenseeId, request.requestId),
        ...(shard ? { openShard: shard } : {}),
      },
      { removeUndefinedValues: true, convertClassInstanceToMap: false },
    );
  };
  const parseRequest = (item: Record<string, AttributeValue>): StoredPrivacyRequest => {
    const { pk: _pk, sk: _sk, openShard: _shard, ...record } = unmarshall(item);
    return storedPrivacyRequestSchema.parse(record);
  };
  const alive = (item: Record<string, unknown>) =>
    typeof item.expiresAt !== 'number' || item.expiresAt > epochSeconds(clock());

  async function getItem(key: { pk: string; sk: string }) {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: marshall(key), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const plain = unmarshall(Item);
    return alive(plain) ? { raw: Item, plain } : undefined;
  }

  async function transact(items: TransactWriteItem[]): Promise<void> {
    try {
      await client.send(new TransactWriteItemsCommand({ TransactItems: items }));
    } catch (error) {
      if (error instanceof TransactionCanceledException) throw new ConcurrentUpdateError('request changed');
      throw error;
    }
  }

  /** The licensee's items whose sort key starts with `prefix`, read consistently. */
  const queryLicenseeItems = (licenseeId: string, prefix: string) =>
    queryAll(client, {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: marshall({ ':pk': keys.licensee(licenseeId), ':prefix': prefix }),
      ConsistentRead: true,
    });

  return {
    /**
     * Writes a new request with whatever must land with it (audit events, the intake record's pointer to
     * it), and, for a request that waits for a mailed code, the reference pointer the confirm route reads.
     */
    async createRequest(
      request: StoredPrivacyRequest,
      { withReference, also = [] }: { withReference: boolean; also?: TransactWriteItem[] },
    ): Promise<void> {
      const items: TransactWriteItem[] = [
        {
          Put: {
            TableName: tableName,
            Item: requestItem(request),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...also,
      ];
      if (withReference) {
        // Ids only; kept a year past the latest deadline the request can have (staff look requests up by it).
        const until = addMonths(new Date(request.dueAt), policy.requests.maxExtensionMonths + 12);
        items.push({
          Put: {
            TableName: tableName,
            Item: marshall({
              ...requestKeys.reference(request.reference),
              licenseeId: request.licenseeId,
              requestId: request.requestId,
              expiresAt: epochSeconds(until),
            }),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      }
      await transact(items);
    },

    /** The request the open-request slot of `type` names (it may have finished since), if any. */
    async openRequestSlot(licenseeId: string, type: PrivacyRequestType): Promise<string | undefined> {
      const found = await getItem(requestKeys.openRequest(licenseeId, type));
      return found ? z.object({ requestId: z.string() }).parse(found.plain).requestId : undefined;
    },

    /** A transaction item that fails when `key` was already marked for the licensee: makes a write once-only. */
    onceItem(licenseeId: string, key: string): TransactWriteItem {
      return {
        Put: {
          TableName: tableName,
          Item: marshall(requestKeys.once(licenseeId, key)),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
    },

    /**
     * Claims the open-request slot of `type` for `requestId`, on condition that it still names `previous`
     * (what the caller read, a request it saw finished) or nothing: of parallel new requests of one type only
     * one becomes the unfinished one; the others' transactions fail and are linked on their retry.
     */
    openRequestSlotItem(
      licenseeId: string,
      type: PrivacyRequestType,
      requestId: string,
      previous: string | undefined,
    ): TransactWriteItem {
      return claimItem(
        tableName,
        requestKeys.openRequest(licenseeId, type),
        'requestId',
        requestId,
        previous,
      );
    },

    /** Every slot for unconfirmed requests the licensee's requests ever claimed, read consistently. */
    async unconfirmedSlots(licenseeId: string): Promise<UnconfirmedSlot[]> {
      const items = await queryLicenseeItems(licenseeId, unconfirmedSlotPrefix);
      return items.map((item) => {
        const { sk, holder } = z.object({ sk: z.string(), holder: z.string() }).parse(unmarshall(item));
        return { slot: Number(sk.slice(unconfirmedSlotPrefix.length)), holder };
      });
    },

    /**
     * Claims slot `slot` for `requestId`, on condition that it still names `previous` (what the caller read:
     * a request it saw confirmed, closed or expired) or, never claimed before, nothing: of parallel requests
     * only one gets each slot, the others' transactions fail and they decide again on their retry.
     */
    unconfirmedSlotItem(
      licenseeId: string,
      slot: number,
      requestId: string,
      previous: string | undefined,
    ): TransactWriteItem {
      return claimItem(
        tableName,
        requestKeys.unconfirmedSlot(licenseeId, slot),
        'holder',
        requestId,
        previous,
      );
    },

    /** Saves `request` (version must be expectedVersion + 1) and its audit events, if nobody wrote since. */
    async saveRequest(
      request: StoredPrivacyRequest,
      expectedVersion: number,
      also: TransactWriteItem[] = [],
    ): Promise<void> {
      const put = {
        TableName: tableName,
        Item: requestItem(request),
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: marshall({ ':expected': expectedVersion }),
      };
      if (also.length === 0) {
        try {
          await client.send(new PutItemCommand(put));
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException)
            throw new ConcurrentUpdateError('request changed');
          throw error;
        }
        return;
      }
      await transact([{ Put: put }, ...also]);
    },

    async getRequest(licenseeId: string, requestId: string): Promise<StoredPrivacyRequest | undefined> {
      const found = await getItem(requestKey(licenseeId, requestId));
      return found && parseRequest(found.raw);
    },

    async listRequests(licenseeId: string): Promise<StoredPrivacyRequest[]> {
      const items = await queryLicenseeItems(licenseeId, keys.request(''));
      return items.map(parseRequest);
    },

    async findByReference(reference: string): Promise<{ licenseeId: string; requestId: string } | undefined> {
      const found = await getItem(requestKeys.reference(reference));
      return found && referencePointerSchema.parse(found.plain);
    },

    /**
     * Requests in one shard of the sparse `openRequests` index, earliest deadline first. The index is
     * eventually consistent: callers re-read a request by key before changing it.
     */
    async listShard(
      shard: (typeof openShards)[keyof Omit<typeof openShards, 'inbox'>],
    ): Promise<StoredPrivacyRequest[]> {
      const items = await queryAll(client, {
        TableName: tableName,
        IndexName: tableDefinition.indexes.openRequests.name,
        KeyConditionExpression: 'openShard = :shard',
        ExpressionAttributeValues: marshall({ ':shard': shard }),
      });
      return items.map(parseRequest);
    },

    /**
     * Claims an inbound mail for processing: the first delivery creates the record; a later one gets it
     * only when the earlier attempt failed or its lease ran out. `claimed: false` returns the record found.
     */
    async claimMail(
      messageId: string,
      leaseSeconds: number,
      expiresAt: number,
    ): Promise<
      { claimed: true; record: IntakeRecord } | { claimed: false; record: IntakeRecord | undefined }
    > {
      const now = epochSeconds(clock());
      const previous = await getItem(requestKeys.intake(messageId));
      const before = previous && intakeRecordSchema.parse(previous.plain);
      if (before && (before.status === 'done' || before.leaseUntil > now))
        return { claimed: false, record: before };
      const record: IntakeRecord = {
        ...(before ?? { messageId, status: 'processing', attempts: 0, expiresAt }),
        status: 'processing',
        leaseUntil: now + leaseSeconds,
        attempts: (before?.attempts ?? 0) + 1,
      };
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: marshall({ ...record, ...requestKeys.intake(messageId) }, { removeUndefinedValues: true }),
            ...(before
              ? {
                  ConditionExpression: '#status = :processing AND leaseUntil = :lease',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: marshall({
                    ':processing': 'processing',
                    ':lease': before.leaseUntil,
                  }),
                }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return { claimed: false, record: before };
        throw error;
      }
      return { claimed: true, record };
    },

    /** Overwrites the intake record (progress, outcome, release of the lease). */
    async saveMail(record: IntakeRecord): Promise<void> {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: marshall(
            { ...record, ...requestKeys.intake(record.messageId) },
            { removeUndefinedValues: true },
          ),
        }),
      );
    },

    /** The intake record as one item of a request's creating transaction. */
    intakeItem(record: IntakeRecord): TransactWriteItem {
      return {
        Put: {
          TableName: tableName,
          Item: marshall(
            { ...record, ...requestKeys.intake(record.messageId) },
            { removeUndefinedValues: true },
          ),
        },
      };
    },
  };
}
