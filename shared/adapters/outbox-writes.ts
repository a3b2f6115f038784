import {
  ConditionalCheckFailedException,
  PutItemCommand,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { addDays, epochSeconds, type Clock } from '../domain/dates.js';
import { policy } from '../domain/policy.js';
import type { OutboxItem } from './outbox-store.js';

/**
 * The outbox's writing side: what a function that sends mail writes (a pending mail, a spent unit of the
 * recipient's budget, in the caller's own transaction). The mail-sender's side (claim, lease, sent, dropped,
 * suppression) is outbox-store.ts, which includes these; a function that only sends mail reads this file
 * alone, without the sender's code or the item schema it parses with (shared/wiring/base.ts).
 */

export const outboxKeys = {
  mail: (mailId: string) => ({ pk: `OUTBOX#${mailId}`, sk: 'MAIL' }),
  budget: (recipientIndex: string, day: string) => ({ pk: `MAILBUDGET#${recipientIndex}`, sk: day }),
  /** The address owner's reserve of sign-in codes for the day (policy.signIn.ownerReserveCodesPerDay). */
  ownerReserve: (recipientIndex: string, day: string) => ({
    pk: `MAILBUDGET#${recipientIndex}`,
    sk: `OWNER#${day}`,
  }),
  suppression: (recipientIndex: string) => ({ pk: `SUPPRESSED#${recipientIndex}`, sk: 'SUPPRESSED' }),
  autoReply: (recipientIndex: string) => ({ pk: `AUTOREPLY#${recipientIndex}`, sk: 'AUTOREPLY' }),
};
/** Pending mails are listed in the sparse `openRequests` index under this shard, oldest first. */
export const outboxShard = 'OUTBOX';

export function createOutboxWrites({
  client,
  tableName,
  clock,
}: {
  client: DynamoDBClient;
  tableName: string;
  clock: Clock;
}) {
  return {
    budgetSpendWrite,
    ownerReserveSpendWrite,

    /** A new pending mail; the condition makes the idempotency key hold (a second write is refused). */
    newItemWrite(item: OutboxItem): TransactWriteItem {
      return {
        Put: {
          TableName: tableName,
          Item: marshall(
            {
              ...item,
              ...outboxKeys.mail(item.mailId),
              // Listed while pending, for the redrive sweep; removed when the mail is sent or dropped.
              openShard: outboxShard,
              dueAt: item.createdAt,
            },
            { removeUndefinedValues: true, convertClassInstanceToMap: false },
          ),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
    },

    /** `send`: writes the mail; false when its idempotency key already wrote it. */
    async putWrite(put: NonNullable<TransactWriteItem['Put']>): Promise<boolean> {
      try {
        await client.send(new PutItemCommand(put));
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };

  /** One unit of the owner's reserve for the day, as one conditional write of the caller's transaction. */
  function ownerReserveSpendWrite(reserve: { recipientIndex: string; day: string }): TransactWriteItem {
    return spendWrite(
      outboxKeys.ownerReserve(reserve.recipientIndex, reserve.day),
      policy.signIn.ownerReserveCodesPerDay,
    );
  }

  /**
   * One unit of a recipient's day budget, only while units are left: in the sender's claim, or in the
   * producer's own transaction when the state it writes must not exist without its mail (a sign-in code).
   */
  function budgetSpendWrite(budget: { recipientIndex: string; day: string; max: number }): TransactWriteItem {
    return spendWrite(outboxKeys.budget(budget.recipientIndex, budget.day), budget.max);
  }

  function spendWrite(itemKey: { pk: string; sk: string }, max: number): TransactWriteItem {
    return {
      Update: {
        TableName: tableName,
        Key: marshall(itemKey),
        UpdateExpression: 'ADD sent :one SET expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(sent) OR sent < :max',
        ExpressionAttributeValues: marshall({
          ':one': 1,
          ':max': max,
          ':expires': epochSeconds(addDays(clock(), 2)),
        }),
      },
    };
  }
}
export type OutboxWrites = ReturnType<typeof createOutboxWrites>;
