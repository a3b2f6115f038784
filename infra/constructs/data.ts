import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { tableDefinition } from '../../shared/adapters/table-definition.js';
import { policy } from '../../shared/domain/policy.js';

export interface DataProps {
  /** Customer-managed key for encryption at rest (the table key, not the personal-data key). */
  readonly tableKey: IKey;
}

const keyOf = (name: keyof typeof tableDefinition.attributeTypes) => ({
  name,
  type: tableDefinition.attributeTypes[name] === 'N' ? AttributeType.NUMBER : AttributeType.STRING,
});

/**
 * The one DynamoDB table, shaped by `tableDefinition` (shared with the local stack).
 * Classic `Table` rather than `TableV2`: it synthesises `AWS::DynamoDB::Table`, which cdk-nag's DynamoDB
 * rules actually inspect, and we need no replicas.
 */
export class Data extends Construct {
  readonly table: Table;
  /** ARNs of the GSIs, for IAM statements on exact resources (no `index/*`). */
  readonly indexArns: string[];

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);

    this.table = new Table(this, 'Table', {
      partitionKey: keyOf(tableDefinition.partitionKey),
      sortKey: keyOf(tableDefinition.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      // PITR keeps copies for exactly the backup window the purge date is computed with (policy.retention),
      // so that every copy of a licensee's data is gone by the promised date.
      pointInTimeRecoverySpecification: {
        pointInTimeRecoveryEnabled: true,
        recoveryPeriodInDays: policy.retention.backupWindowDays,
      },
      timeToLiveAttribute: tableDefinition.ttlAttribute,
      // For the TTL backstop audit (functions/ttl-audit): keys and who deleted only, never an item's values.
      stream: StreamViewType.KEYS_ONLY,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.tableKey,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const indexes = Object.values(tableDefinition.indexes);
    for (const index of indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: keyOf(index.partitionKey),
        sortKey: keyOf(index.sortKey),
        projectionType: ProjectionType.ALL,
      });
    }

    for (const id of ['HIPAA.Security-DynamoDBInBackupPlan', 'NIST.800.53.R5-DynamoDBInBackupPlan']) {
      Validations.of(this.table).acknowledge({
        id,
        reason:
          `Backups are point-in-time recovery with a ${policy.retention.backupWindowDays}-day window, which the ` +
          'purge date already subtracts so that every copy is gone within the promised 2 years. An AWS Backup ' +
          'plan would keep whole-table snapshots that the sweeper cannot purge per licensee, breaking that promise.',
      });
    }

    this.indexArns = indexes.map(({ name }) => `${this.table.tableArn}/index/${name}`);
  }
}
