import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  partitions,
  tableAccess,
  tableStatements,
  type Partition,
  type TableFunction,
} from '../../functions/table-access.js';
import { tableDefinition } from '../../shared/adapters/table-definition.js';

export interface TableTargets {
  readonly tableArn: string;
  readonly tableKeyArn: string;
  /** For the `kms:ViaService` condition on the table key. */
  readonly region: string;
}

const writeActions = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/** The same action set CDK's grantReadData/grantWriteData add on a table's key, only via DynamoDB. */
export const tableKeyActions = {
  read: ['kms:Decrypt', 'kms:DescribeKey'],
  write: [
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:Encrypt',
    'kms:GenerateDataKey',
    'kms:GenerateDataKeyWithoutPlaintext',
    'kms:ReEncryptFrom',
    'kms:ReEncryptTo',
  ],
} as const;

const familyOf = Object.fromEntries(
  Object.entries(partitions).map(([family, key]) => [key, family]),
) as Record<string, Partition>;
const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * A function's table statements from functions/table-access.ts: one per group of partition families with
 * the same actions, limited by `dynamodb:LeadingKeys` (ForAllValues:StringLike, so every key a request names
 * must match; Null false, so a request without keys matches nothing), Query on exact index ARNs, and the
 * table key via DynamoDB only.
 */
export function tableStatementsFor(name: TableFunction, targets: TableTargets): PolicyStatement[] {
  const access = tableAccess[name];
  const statements = tableStatements(access).map((statement) => {
    const families = statement.leadingKeys.map((key) => familyOf[key] ?? key);
    const appendOnly =
      families.length === 1 && families[0] === 'audit' && statement.actions.join() === 'PutItem';
    return new PolicyStatement({
      sid: appendOnly ? 'AuditAppendOnly' : `Items${families.map(capitalise).join('')}`,
      actions: statement.actions.map((action) => `dynamodb:${action}`),
      resources: [targets.tableArn],
      conditions: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': statement.leadingKeys },
        Null: { 'dynamodb:LeadingKeys': 'false' },
      },
    });
  });
  if (access.indexes.length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'Indexes',
        actions: ['dynamodb:Query'],
        resources: access.indexes.map(
          (index) => `${targets.tableArn}/index/${tableDefinition.indexes[index].name}`,
        ),
      }),
    );
  }
  const writes = Object.values(access.items).some((actions) =>
    actions.some((action) => writeActions.has(action)),
  );
  if (statements.length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'TableEncryptionViaDynamoDB',
        actions: [...(writes ? tableKeyActions.write : tableKeyActions.read)],
        resources: [targets.tableKeyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${targets.region}.amazonaws.com` } },
      }),
    );
  }
  return statements;
}

/** Reading the table's stream (a stream-fed function: the TTL audit, the mail-sender). */
export function tableStreamStatement(streamArn: string): PolicyStatement {
  return new PolicyStatement({
    sid: 'TableStream',
    actions: [
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ],
    resources: [streamArn],
  });
}
