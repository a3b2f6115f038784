import {
  PutItemCommand,
  type QueryCommandInput,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { auditEventSchema, type AuditEvent, type NewAuditEvent } from '../domain/audit.js';
import type { Clock } from '../domain/dates.js';
import { keys, tableDefinition } from './table-definition.js';
import { queryAll } from './query-all.js';

export interface AuditLogOptions {
  client: DynamoDBClient;
  tableName: string;
  clock: Clock;
  newId: () => string;
}

export type AuditLog = ReturnType<typeof createAuditLog>;

/** Append-only: events are put with a unique key and never updated or deleted by application code. */
export function createAuditLog({ client, tableName, clock, newId }: AuditLogOptions) {
  function complete(event: NewAuditEvent): AuditEvent {
    return auditEventSchema.parse({
      ...event,
      details: event.details ?? {},
      eventId: newId(),
      at: clock().toISOString(),
    });
  }

  function itemOf(event: AuditEvent): Record<string, AttributeValue> {
    return marshall(
      {
        ...event,
        pk: keys.audit(event.at.slice(0, 7)),
        sk: `${event.at}#${event.eventId}`,
        ...(event.licenseeId ? { auditLicensee: event.licenseeId } : {}),
      },
      { removeUndefinedValues: true },
    );
  }

  const parse = (item: Record<string, AttributeValue>): AuditEvent => {
    const { pk: _pk, sk: _sk, auditLicensee: _index, ...event } = unmarshall(item);
    return auditEventSchema.parse(event);
  };

  const queryEvents = async (input: QueryCommandInput): Promise<AuditEvent[]> =>
    (await queryAll(client, input)).map(parse);

  return {
    async record(event: NewAuditEvent): Promise<AuditEvent> {
      const stamped = complete(event);
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: itemOf(stamped),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return stamped;
    },

    /** The same event as one item of a caller's transaction, so a change and its audit land together. */
    transactItem(event: NewAuditEvent): { event: AuditEvent; item: TransactWriteItem } {
      const stamped = complete(event);
      return {
        event: stamped,
        item: {
          Put: {
            TableName: tableName,
            Item: itemOf(stamped),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      };
    },

    /** Events of one licensee, oldest first (kept after the licensee's data is purged). */
    forLicensee: (licenseeId: string): Promise<AuditEvent[]> =>
      queryEvents({
        TableName: tableName,
        IndexName: tableDefinition.indexes.auditByLicensee.name,
        KeyConditionExpression: 'auditLicensee = :id',
        ExpressionAttributeValues: marshall({ ':id': licenseeId }),
      }),

    /** Events from `since` up to now, oldest first: one query per calendar month. */
    async since(since: Date): Promise<AuditEvent[]> {
      const now = clock();
      const events: AuditEvent[] = [];
      const month = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), 1));
      while (month <= now) {
        events.push(
          ...(await queryEvents({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND sk >= :from',
            ExpressionAttributeValues: marshall({
              ':pk': keys.audit(month.toISOString().slice(0, 7)),
              ':from': since.toISOString(),
            }),
          })),
        );
        month.setUTCMonth(month.getUTCMonth() + 1);
      }
      return events;
    },
  };
}
