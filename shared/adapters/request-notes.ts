import {
  TransactWriteItemsCommand,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod/mini';
import { keys } from './table-definition.js';
import { queryAll } from './query-all.js';
import { isoTimestamp, schema } from '../domain/schema.js';

/**
 * Staff's internal notes on a request, in the licensee's partition (so the retention purge takes them too),
 * the text envelope-encrypted with purpose `request-note`.
 */
export const requestNoteSchema = /* @__PURE__ */ schema(() =>
  z.object({
    noteId: z.string(),
    requestId: z.string(),
    at: isoTimestamp,
    by: z.string(),
    text: z.custom<Uint8Array>((value) => value instanceof Uint8Array),
  }),
);
export type RequestNote = z.infer<typeof requestNoteSchema>;

export type RequestNotes = ReturnType<typeof createRequestNotes>;

export function createRequestNotes({ client, tableName }: { client: DynamoDBClient; tableName: string }) {
  const sk = (requestId: string, noteId = '') => `NOTE#${requestId}#${noteId}`;
  return {
    async add(licenseeId: string, note: RequestNote, audit: TransactWriteItem): Promise<void> {
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: marshall(
                  { ...note, pk: keys.licensee(licenseeId), sk: sk(note.requestId, note.noteId) },
                  { convertClassInstanceToMap: false },
                ),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            audit,
          ],
        }),
      );
    },
    /** A request's notes, oldest first. */
    async list(licenseeId: string, requestId: string): Promise<RequestNote[]> {
      const items = await queryAll(client, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: marshall({ ':pk': keys.licensee(licenseeId), ':prefix': sk(requestId) }),
      });
      return items.map((item) => {
        const { pk: _pk, sk: _sk, ...note } = unmarshall(item);
        return requestNoteSchema.parse(note);
      });
    },
  };
}
