/**
 * `npm run restore:copy-back -- --from <restored table> --to <live table>`: after a point-in-time restore
 * (runbook §3), copies every item of the restored table into the live one unless an item with that key exists
 * there: what was lost comes back, nothing newer is overwritten. Then `npm run admin -- repurge --since …`
 * purges again whoever the audit trail says was purged. Uses your AWS credentials (scan on one table, put on
 * the other); DYNAMODB_ENDPOINT points it at DynamoDB Local.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';

export async function copyBack(
  client: DynamoDBClient,
  from: string,
  to: string,
): Promise<{ copied: number; kept: number }> {
  let copied = 0;
  let kept = 0;
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: from, ExclusiveStartKey, ConsistentRead: true }),
    );
    for (const item of page.Items ?? []) {
      try {
        await client.send(
          new PutItemCommand({ TableName: to, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
        );
        copied += 1;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        kept += 1;
      }
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return { copied, kept };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { from: { type: 'string' }, to: { type: 'string' }, region: { type: 'string' } },
  });
  if (!values.from || !values.to) {
    process.stderr.write('usage: npm run restore:copy-back -- --from RESTORED_TABLE --to LIVE_TABLE\n');
    process.exit(2);
  }
  const client = new DynamoDBClient({
    region: values.region ?? process.env.AWS_REGION ?? 'eu-west-1',
    ...(process.env.DYNAMODB_ENDPOINT ? { endpoint: process.env.DYNAMODB_ENDPOINT } : {}),
  });
  copyBack(client, values.from, values.to).then(
    ({ copied, kept }) => {
      process.stdout.write(`Copied ${copied} items back; kept ${kept} that exist in ${values.to}.\n`);
    },
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.name : String(error)}\n`);
      process.exit(1);
    },
  );
}
