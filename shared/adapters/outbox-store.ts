import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod/mini';
import { addMinutes, epochSeconds, type Clock } from '../domain/dates.js';
import type { DropReason } from '../domain/sending-policy.js';
import { tableDefinition } from './table-definition.js';
import { createOutboxWrites, outboxKeys, outboxShard } from './outbox-writes.js';
import { isoTimestamp, schema, wholeCount, wholeNumber } from '../domain/schema.js';

export { outboxKeys, outboxShard } from './outbox-writes.js';

/**
 * The outbox: one item per mail, written by whoever decides to send it (`Mailer.send`/`outboxItem`) and
 * consumed by the mail-sender through the table's stream. State only moves forward:
 * pending → sending (a lease, with the budget spent) → sent | dropped; a failed SES call puts it back to
 * pending for the next attempt. The payload (recipient, subject, body) is sealed with the outbox key and
 * removed once the mail is sent or dropped; the item itself, the idempotency record, expires by TTL.
 */

export const outboxPartitionPrefix = 'OUTBOX#';
const kinds = ['code', 'acknowledgement', 'notice', 'staff', 'answer', 'decision', 'marketing'] as const;

export const outboxItemSchema = /* @__PURE__ */ schema(() =>
  z.object({
    mailId: z.string(),
    status: z.enum(['pending', 'sending', 'sent', 'dropped']),
    kind: z.enum(kinds),
    template: z.optional(z.string()),
    language: z.optional(z.enum(['nl', 'en', 'nl+en'])),
    inResponseTo: z.optional(z.string()),
    /** The sealed payload (see `OutboxPayload`), absent once sent or dropped. */
    sealed: z.optional(z.array(z.custom<Uint8Array>((value) => value instanceof Uint8Array))),
    createdAt: isoTimestamp,
    attempts: wholeCount,
    leaseUntil: wholeNumber,
    /** The recipient's daily budget was spent for this mail (a retry does not spend it again). */
    budgetCharged: z.optional(z.boolean()),
    lastError: z.optional(z.string()),
    dropReason: z.optional(z.string()),
    sentAt: z.optional(isoTimestamp),
    sesMessageId: z.optional(z.string()),
    expiresAt: wholeNumber,
  }),
);
export type OutboxItem = z.infer<typeof outboxItemSchema>;

/** What is sealed: everything personal about the mail. */
export const outboxPayloadSchema = /* @__PURE__ */ schema(() =>
  z.object({
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    html: z.optional(z.string()),
    headers: z.optional(z.record(z.string(), z.string())),
    thread: z.optional(z.object({ inReplyTo: z.string(), references: z.optional(z.array(z.string())) })),
  }),
);
export type OutboxPayload = z.infer<typeof outboxPayloadSchema>;

export type ClaimResult =
  { claimed: true; leaseUntil: number } | { claimed: false; why: 'busy' | 'over-budget' };

export function createOutboxStore({
  client,
  tableName,
  clock,
}: {
  client: DynamoDBClient;
  tableName: string;
  clock: Clock;
}) {
  const key = (mailId: string) => marshall(outboxKeys.mail(mailId));
  const now = () => epochSeconds(clock());
  const writes = createOutboxWrites({ client, tableName, clock });
  const { budgetSpendWrite } = writes;

  return {
    ...writes,

    async get(mailId: string): Promise<OutboxItem | undefined> {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: key(mailId), ConsistentRead: true }),
      );
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, openShard: _shard, dueAt: _due, ...record } = unmarshall(Item);
      return outboxItemSchema.parse(record);
    },

    /**
     * Takes the mail for one delivery attempt and, when `budget` is given and not yet spent for this mail,
     * a unit of the recipient's day budget, in one transaction: parallel senders can neither both take the
     * mail nor together overspend the budget.
     */
    async claim(
      item: OutboxItem,
      options: { leaseSeconds: number; budget?: { recipientIndex: string; day: string; max: number } },
    ): Promise<ClaimResult> {
      const leaseUntil = now() + options.leaseSeconds;
      const spend = options.budget && !item.budgetCharged ? options.budget : undefined;
      const claim: TransactWriteItem = {
        Update: {
          TableName: tableName,
          Key: key(item.mailId),
          UpdateExpression:
            'SET #status = :sending, leaseUntil = :lease, attempts = attempts + :one' +
            (spend ? ', budgetCharged = :true' : ''),
          ConditionExpression: '#status = :pending OR (#status = :sending AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({
            ':sending': 'sending',
            ':pending': 'pending',
            ':lease': leaseUntil,
            ':now': now(),
            ':one': 1,
            ...(spend ? { ':true': true } : {}),
          }),
        },
      };
      const items: TransactWriteItem[] = [claim];
      if (spend) items.push(budgetSpendWrite(spend));
      try {
        await client.send(new TransactWriteItemsCommand({ TransactItems: items }));
        return { claimed: true, leaseUntil };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return { claimed: false, why: 'busy' };
        if (reasons[1]?.Code === 'ConditionalCheckFailed') return { claimed: false, why: 'over-budget' };
        throw error;
      }
    },

    /** SES did not take it: back to pending for the next attempt, keeping the error's class only. */
    async release(mailId: string, leaseUntil: number, errorName: string): Promise<void> {
      await conditional(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(mailId),
          UpdateExpression: 'SET #status = :pending, leaseUntil = :zero, lastError = :error',
          ConditionExpression: '#status = :sending AND leaseUntil = :lease',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({
            ':pending': 'pending',
            ':sending': 'sending',
            ':zero': 0,
            ':lease': leaseUntil,
            ':error': errorName,
          }),
        }),
      );
    },

    async markSent(mailId: string, leaseUntil: number, sesMessageId: string): Promise<void> {
      await conditional(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(mailId),
          UpdateExpression:
            'SET #status = :sent, sentAt = :at, sesMessageId = :ses REMOVE sealed, openShard, dueAt, lastError',
          ConditionExpression: '#status = :sending AND leaseUntil = :lease',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({
            ':sent': 'sent',
            ':sending': 'sending',
            ':at': clock().toISOString(),
            ':ses': sesMessageId,
            ':lease': leaseUntil,
          }),
        }),
      );
    },

    /** The policy said no: the payload goes, the item stays as the record of what was decided. */
    async markDropped(mailId: string, reason: DropReason): Promise<void> {
      await conditional(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(mailId),
          UpdateExpression: 'SET #status = :dropped, dropReason = :reason REMOVE sealed, openShard, dueAt',
          ConditionExpression: '#status IN (:pending, :sending)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({
            ':dropped': 'dropped',
            ':reason': reason,
            ':pending': 'pending',
            ':sending': 'sending',
          }),
        }),
      );
    },

    /** Pending mails created before `before`, oldest first (the redrive sweep; the index lags a little). */
    async listPending(before: Date, limit = 100): Promise<string[]> {
      const { Items } = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: tableDefinition.indexes.openRequests.name,
          KeyConditionExpression: 'openShard = :shard AND dueAt < :before',
          ExpressionAttributeValues: marshall({ ':shard': outboxShard, ':before': before.toISOString() }),
          ProjectionExpression: 'mailId',
          Limit: limit,
        }),
      );
      return (Items ?? []).map((item) => String(unmarshall(item).mailId));
    },

    async isSuppressed(recipientIndex: string): Promise<boolean> {
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: marshall(outboxKeys.suppression(recipientIndex)),
          ConsistentRead: true,
        }),
      );
      return Item !== undefined && Number(unmarshall(Item).expiresAt) > now();
    },

    /** A hard bounce or complaint (SES event): the address gets no non-essential mail until `until`. */
    async suppress(recipientIndex: string, reason: 'bounce' | 'complaint', until: Date): Promise<void> {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: marshall({
            ...outboxKeys.suppression(recipientIndex),
            reason,
            since: clock().toISOString(),
            expiresAt: epochSeconds(until),
          }),
        }),
      );
    },

    /**
     * RFC 3834: takes the sender's one automatic reply of the window. Another mail answering the same inbound
     * message (or a retry) gets the slot that message took, so a failed send is not lost to the throttle.
     */
    async takeAutoReplySlot(
      recipientIndex: string,
      messageId: string,
      windowHours: number,
    ): Promise<boolean> {
      const at = clock();
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: marshall({
              ...outboxKeys.autoReply(recipientIndex),
              messageId,
              expiresAt: epochSeconds(addMinutes(at, windowHours * 60)),
            }),
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now OR messageId = :messageId',
            ExpressionAttributeValues: marshall({ ':now': epochSeconds(at), ':messageId': messageId }),
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };

  async function conditional(command: UpdateItemCommand): Promise<void> {
    try {
      await client.send(command);
    } catch (error) {
      // Someone else moved the mail on (a parallel attempt after a lease ran out): theirs stands.
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }
}
export type OutboxStore = ReturnType<typeof createOutboxStore>;
