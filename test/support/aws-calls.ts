import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { invokedFunction } from '../../local/invoked-function.js';

/** Commands that change the table. */
const dynamoDbWrites = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
]);

/**
 * Instruments every AWS SDK client of this process (the handlers run in-process behind the local adapter,
 * each with clients of its own): records `service:Command` for each call, in order, until `restore`.
 * Callers that run one request at a time attribute calls to requests with `take()`. The calls of the functions
 * that work after the answer are not recorded: the mail-sender delivers from the outbox whenever the stream
 * brings the mail, and the by-email worker runs the submission a by-email request handed it (a Lambda `Event`
 * invocation), so their work is no request's synchronous work (and would land in whichever request's window
 * it happens to run). The hand-off itself (`lambda:InvokeCommand`) is recorded.
 */
const afterTheAnswer = new Set(['mail-sender', 'privacy-requests-by-email']);

export function recordAwsCalls() {
  const calls: string[] = [];
  const restores: (() => void)[] = [];
  const clients = [
    ['dynamodb', DynamoDBClient],
    ['kms', KMSClient],
    ['s3', S3Client],
    ['ses', SESv2Client],
    ['lambda', LambdaClient],
  ] as const;
  for (const [service, Client] of clients) {
    const prototype = Client.prototype as unknown as { send: (...args: unknown[]) => unknown };
    const original = prototype.send;
    prototype.send = function (this: unknown, ...args: unknown[]) {
      if (!afterTheAnswer.has(invokedFunction.getStore() ?? ''))
        calls.push(`${service}:${(args[0] as object).constructor.name}`);
      return original.apply(this, args);
    };
    restores.push(() => {
      prototype.send = original;
    });
  }
  return {
    /** The calls since the last take, and forgets them. */
    take: (): string[] => calls.splice(0),
    writesIn: (taken: string[]) =>
      taken.filter((call) => call.startsWith('dynamodb:') && dynamoDbWrites.has(call.slice(9))),
    restore: () => restores.forEach((restore) => restore()),
  };
}
export type AwsCallRecorder = ReturnType<typeof recordAwsCalls>;

/** Calls per service (`{ dynamodb: 4, kms: 3 }`): what the enumeration tests compare. */
export function callsPerService(calls: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) {
    const service = call.split(':')[0]!;
    counts[service] = (counts[service] ?? 0) + 1;
  }
  return counts;
}
