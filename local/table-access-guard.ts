/**
 * Judges every DynamoDB request a function makes locally by the grants IAM is built from
 * (functions/table-access.ts), the way IAM authorises it in AWS: one `dynamodb:<Action>` per request, or per
 * contained action of a transaction, with `dynamodb:LeadingKeys` the partition keys it names. A request AWS
 * would refuse throws AccessDeniedException here, so the integration and browser tests prove the grants.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { appendFileSync } from 'node:fs';
import { isAllowed, tableAccessOf, type RequestedAccess } from '../functions/table-access.js';
import { installTableAccessGuard } from '../shared/adapters/local-access.js';
import { invokedFunction } from './invoked-function.js';

type Input = Record<string, unknown>;
type Item = Record<string, AttributeValue> | undefined;

const partitionKeyOf = (item: Item): string => item?.pk?.S ?? '';

/** The partition key value a Query's key condition names (`pk = :value`), if it queries the table. */
function queriedPartition(input: Input): string {
  const expression = String(input.KeyConditionExpression ?? '');
  const placeholder = /\bpk\s*=\s*(:\w+)/.exec(expression)?.[1];
  const values = input.ExpressionAttributeValues as Record<string, AttributeValue> | undefined;
  return placeholder ? (values?.[placeholder]?.S ?? '') : '';
}

/** What IAM would authorise for one request: an action with its leading keys, or an index query. */
export function requestedAccess(commandName: string, input: Input): RequestedAccess[] {
  const action = commandName.replace(/Command$/, '');
  switch (action) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [{ action, leadingKeys: [partitionKeyOf(input.Key as Item)] }];
    case 'PutItem':
      return [{ action, leadingKeys: [partitionKeyOf(input.Item as Item)] }];
    case 'Query':
      return input.IndexName
        ? [{ action, index: String(input.IndexName), leadingKeys: [] }]
        : [{ action, leadingKeys: [queriedPartition(input)] }];
    case 'TransactWriteItems':
      return (input.TransactItems as Record<string, Input>[]).map((item) => {
        if (item.Put) return { action: 'PutItem', leadingKeys: [partitionKeyOf(item.Put.Item as Item)] };
        if (item.Update)
          return { action: 'UpdateItem', leadingKeys: [partitionKeyOf(item.Update.Key as Item)] };
        if (item.Delete)
          return { action: 'DeleteItem', leadingKeys: [partitionKeyOf(item.Delete.Key as Item)] };
        const check = item.ConditionCheck ?? {};
        return { action: 'ConditionCheckItem', leadingKeys: [partitionKeyOf(check.Key as Item)] };
      });
    case 'TransactGetItems':
      return (input.TransactItems as { Get: Input }[]).map((item) => ({
        action: 'GetItem',
        leadingKeys: [partitionKeyOf(item.Get.Key as Item)],
      }));
    case 'BatchWriteItem': {
      const requests = Object.values(input.RequestItems as Record<string, Input[]>).flat();
      const leadingKeys = requests.map((request) =>
        partitionKeyOf(
          ((request.PutRequest as Input | undefined)?.Item ??
            (request.DeleteRequest as Input | undefined)?.Key) as Item,
        ),
      );
      return [{ action, leadingKeys }];
    }
    case 'BatchGetItem': {
      const tables = Object.values(input.RequestItems as Record<string, { Keys: Item[] }>);
      return [{ action, leadingKeys: tables.flatMap((table) => table.Keys.map(partitionKeyOf)) }];
    }
    default:
      // Scan, DescribeTable, …: no function is granted any of them.
      return [{ action, leadingKeys: [] }];
  }
}

const logFile = process.env.ZORGSOM_TABLE_ACCESS_LOG;

/** Installs the guard (idempotent): every local invoker calls this before running a handler. */
export function enforceTableAccess(): void {
  installTableAccessGuard((commandName, input) => {
    // Outside any invoker (a test's own setup, the stack seeding its table) nothing is judged.
    const functionName = invokedFunction.getStore();
    if (functionName === undefined) return;
    const access = tableAccessOf(functionName);
    for (const requested of requestedAccess(commandName, input)) {
      if (logFile) {
        const keys = requested.leadingKeys.map((key) => key.replace(/#.*/, '#'));
        appendFileSync(
          logFile,
          `${JSON.stringify({ fn: functionName, action: requested.action, index: requested.index, keys })}\n`,
        );
        continue;
      }
      if (access && isAllowed(access, requested)) continue;
      const what = requested.index
        ? `index ${requested.index}`
        : `leading keys ${requested.leadingKeys.map((key) => key.replace(/#.*/, '#…')).join(', ')}`;
      throw Object.assign(
        new Error(`${functionName} is not authorized to perform dynamodb:${requested.action} on ${what}`),
        { name: 'AccessDeniedException' },
      );
    }
  });
}
