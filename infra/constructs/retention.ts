import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { rawMailPrefix } from '../../shared/domain/mail-classification.js';
import { FailureQueue } from './failure-queue.js';
import { budgetReviewStatements, zorgSomFunction, type GrantTargets } from './functions.js';
import { tableStatementsFor, tableStreamStatement } from './table-grants.js';

/** The retention functions (not HTTP): the hourly sweeper and the TTL backstop audit. */
export const retentionFunctionNames = ['retention-sweeper', 'ttl-audit'] as const;

/** As deployed; the sweep stops `sweepStopBeforeTimeoutMs` (a minute) before this. */
export const sweeperTimeout = Duration.minutes(5);

export interface RetentionProps {
  readonly targets: GrantTargets;
  /** The table, with its stream (KEYS_ONLY). */
  readonly table: ITable;
  readonly logsKey: IKey;
  /** The functions' common environment (shared/config.ts). */
  readonly environment: Record<string, string>;
  /** The raw-mail bucket of the mail intake, when the stack has one: the sweeper deletes a licensee's mails. */
  readonly rawMailBucket?: IBucket;
  /** The budget-review upload bucket's name, when the stack has one (its ARN is in `targets.budgetReviews`). */
  readonly budgetReviewBucketName?: string;
  /** Where the alarms notify operations (an encrypted SNS topic). */
  readonly alarmTopic: ITopic;
}

/**
 * P5, "destroyed at most 2 years after the licence ends", in AWS:
 * - an EventBridge Scheduler schedule invokes the sweeper every hour. Hourly, not daily: purge dates are
 *   local midnights, and an hourly sweep deletes a due licensee within the hour, so a failed run is retried
 *   23 times before a daily sweep would even have started; the cost of an idle run is one query on a sparse
 *   index. Failed invocations (the scheduler's, and the function's own async retries) go to one dead-letter
 *   queue with an alarm;
 * - the table's stream (KEYS_ONLY) feeds `ttl-audit` through a filter that passes only TTL deletions in
 *   licensee partitions; its alarm fires on any backstop deletion, because that means the sweeper was late.
 * Each function has exactly the grants it uses; the sweeper's table grants are limited by leading key:
 * deletes in licensee and email partitions, puts in audit partitions only.
 */
export class Retention extends Construct {
  readonly sweeper: NodejsFunction;
  readonly ttlAudit: NodejsFunction;
  readonly failures: FailureQueue;
  readonly schedule: Schedule;
  readonly ttlBackstopAlarm: Alarm;

  constructor(scope: Construct, id: string, props: RetentionProps) {
    super(scope, id);
    const { targets, table } = props;
    if (!table.tableStreamArn) throw new Error('the retention audit needs the table stream');

    this.failures = new FailureQueue(this, 'Failures', {
      description: 'ZorgSom retention (sweeper runs, TTL audit batches)',
      alarmTopic: props.alarmTopic,
    });
    const deadLetter = new PolicyStatement({
      sid: 'DeadLetterQueue',
      actions: ['sqs:SendMessage'],
      resources: [this.failures.queue.queueArn],
    });
    // --- the sweeper
    const sweeperStatements = [
      // The purge queue index, licensee and email partitions, audit appends: functions/table-access.ts.
      ...tableStatementsFor('retention-sweeper', targets),
      ...(props.rawMailBucket
        ? [
            new PolicyStatement({
              sid: 'RawMailDelete',
              actions: ['s3:DeleteObject'],
              resources: [props.rawMailBucket.arnForObjects(`${rawMailPrefix}*`)],
            }),
          ]
        : []),
      ...(targets.budgetReviews
        ? budgetReviewStatements({ key: [], uploads: ['delete'] }, targets.budgetReviews)
        : []),
    ];
    this.sweeper = zorgSomFunction(this, {
      name: 'retention-sweeper',
      statements: sweeperStatements,
      logsKey: props.logsKey,
      environment: {
        ...props.environment,
        ...(props.rawMailBucket ? { RAW_MAIL_BUCKET: props.rawMailBucket.bucketName } : {}),
        ...(props.budgetReviewBucketName ? { BUDGET_REVIEW_BUCKET: props.budgetReviewBucketName } : {}),
      },
      invocation: 'scheduled',
      timeout: sweeperTimeout,
      memorySize: 512,
      deadLetterQueue: this.failures.queue,
    });
    if (props.rawMailBucket) {
      const bucketId = Stack.of(this).getLogicalId(props.rawMailBucket.node.defaultChild as CfnBucket);
      Validations.of(this.sweeper.node.scope ?? this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${rawMailPrefix}*]`,
        reason:
          'Object names are SES message ids, named by the items of the licensee being purged: the statement ' +
          'allows only DeleteObject, only under the inbound/ prefix of the raw-mail bucket.',
      });
    }

    const invokePolicy = new ManagedPolicy(this, 'SchedulePolicy', {
      description:
        'ZorgSom Privacy: the retention schedule may invoke the sweeper and dead-letter to its queue',
      statements: [
        new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.sweeper.functionArn] }),
        new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.failures.queue.queueArn] }),
      ],
    });
    const scheduleRole = new Role(this, 'ScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: 'ZorgSom Privacy: EventBridge Scheduler invoking the retention sweeper',
      managedPolicies: [invokePolicy],
    });
    this.schedule = new Schedule(this, 'HourlySweep', {
      description: 'ZorgSom Privacy: purge every licensee whose purge date has passed',
      schedule: ScheduleExpression.rate(Duration.hours(1)),
      target: new LambdaInvoke(this.sweeper, {
        role: scheduleRole.withoutPolicyUpdates(),
        deadLetterQueue: this.failures.queue,
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      }),
    });

    // --- the TTL backstop audit
    this.ttlAudit = zorgSomFunction(this, {
      name: 'ttl-audit',
      statements: [
        tableStreamStatement(table.tableStreamArn),
        // The audit-by-licensee index and audit appends: functions/table-access.ts.
        ...tableStatementsFor('ttl-audit', targets),
        deadLetter,
      ],
      logsKey: props.logsKey,
      environment: props.environment,
      invocation: 'event',
      timeout: Duration.seconds(60),
      memorySize: 256,
    });
    this.ttlAudit.addEventSourceMapping('TtlRemovals', {
      eventSourceArn: table.tableStreamArn,
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(30),
      retryAttempts: 5,
      bisectBatchOnError: true,
      onFailure: new SqsDlq(this.failures.queue),
      // Only deletions made by DynamoDB's TTL, in licensee partitions, ever invoke the function.
      filters: [
        FilterCriteria.filter({
          eventName: FilterRule.isEqual('REMOVE'),
          userIdentity: {
            type: FilterRule.isEqual('Service'),
            principalId: FilterRule.isEqual('dynamodb.amazonaws.com'),
          },
          dynamodb: { Keys: { pk: { S: FilterRule.beginsWith('LICENSEE#') } } },
        }),
      ],
    });

    this.ttlBackstopAlarm = new Alarm(this, 'TtlBackstopAlarm', {
      alarmDescription:
        'DynamoDB TTL deleted items of an ended licence: the retention sweeper did not purge in time ' +
        '(see the retention.ttl-deleted audit events and the sweeper logs)',
      metric: new Metric({
        namespace: 'ZorgSom',
        metricName: 'TtlBackstopDeletions',
        dimensionsMap: { service: 'zorgsom-privacy' },
        statistic: 'Sum',
        period: Duration.hours(1),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    // The failure queue's alarm already notifies the topic.
    this.ttlBackstopAlarm.addAlarmAction(new SnsAction(props.alarmTopic));
    this.ttlBackstopAlarm.addOkAction(new SnsAction(props.alarmTopic));
  }
}
