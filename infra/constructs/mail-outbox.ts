import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { CfnRule, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { outboxPartitionPrefix } from '../../shared/adapters/outbox-store.js';
import { policy } from '../../shared/domain/policy.js';
import { FailureQueue } from './failure-queue.js';
import { zorgSomFunction, type GrantTargets } from './functions.js';
import type { MailSending } from './mail-sending.js';
import { tableStatementsFor, tableStreamStatement } from './table-grants.js';

export interface MailOutboxProps {
  readonly table: ITable;
  readonly mail: MailSending;
  readonly logsKey: IKey;
  readonly alarmTopic: ITopic;
  readonly targets: GrantTargets;
  readonly environment: Record<string, string>;
}

/**
 * The SES events the mail-sender takes: a permanent bounce (a transient one may still deliver later) or any
 * complaint, of mail sent through this stage's configuration set (two stages may share an account and its
 * default bus). `$or` is EventBridge's, not CDK's typed pattern, hence the override.
 */
export function sesFeedbackPattern(configurationSetName: string) {
  const ours = { mail: { tags: { 'ses:configuration-set': [configurationSetName] } } };
  return {
    source: ['aws.ses'],
    $or: [
      { 'detail-type': ['Email Bounced'], detail: { ...ours, bounce: { bounceType: ['Permanent'] } } },
      { 'detail-type': ['Email Complaint Received'], detail: ours },
    ],
  };
}

/** The functions of the outgoing-mail pipeline. */
export const mailOutboxFunctionNames = ['mail-sender'] as const;

/**
 * The one outgoing-mail pipeline in AWS: every function writes mail, sealed, to the outbox in the table;
 * the table's stream (KEYS_ONLY: no sealed payload travels in it) feeds the mail-sender through an event
 * source mapping that passes only INSERTs of outbox items, with retries, bisection on error, partial batch
 * responses and an on-failure record in a dead-letter queue with an alarm. A schedule invokes the same
 * function every few minutes to deliver whatever is still pending (after an SES outage longer than the
 * stream's retries), so a mail is never lost. SES's bounce and complaint rates are alarmed with the other abuse alarms (infra/constructs/abuse-alarms.ts).
 */
export class MailOutbox extends Construct {
  readonly sender: NodejsFunction;
  readonly failures: FailureQueue;
  readonly redrive: Rule;
  readonly sesFeedback: Rule;

  constructor(scope: Construct, id: string, props: MailOutboxProps) {
    super(scope, id);
    const { table, targets } = props;
    if (!table.tableStreamArn) throw new Error('the mail outbox needs the table stream');

    this.failures = new FailureQueue(this, 'Failures', {
      description:
        'ZorgSom mail-sender: a stream batch failed all its retries (the mails stay pending in the outbox and ' +
        'the redrive schedule delivers them once SES accepts again)',
      alarmTopic: props.alarmTopic,
    });

    this.sender = zorgSomFunction(this, {
      name: mailOutboxFunctionNames[0],
      statements: [
        tableStreamStatement(table.tableStreamArn),
        ...tableStatementsFor('mail-sender', targets),
        new PolicyStatement({
          sid: 'OpenOutgoingMail',
          actions: ['kms:Decrypt'],
          resources: [props.mail.outboxKey.keyArn],
          conditions: { StringEquals: { 'kms:EncryptionContext:purpose': 'outbox' } },
        }),
        new PolicyStatement({
          sid: 'RecipientBlindIndex',
          actions: ['kms:GenerateMac'],
          resources: [targets.hmacKeyArn],
        }),
        props.mail.sesStatement(),
      ],
      // The redrive schedule and SES's feedback events invoke it asynchronously: an event that still fails
      // after Lambda's two retries is kept here (the stream's failures reach it through the mapping).
      deadLetterQueue: this.failures.queue,
      logsKey: props.logsKey,
      environment: {
        ...props.environment,
        MAIL_CONFIGURATION_SET: props.mail.configurationSet.configurationSetName,
      },
      invocation: 'event',
      timeout: Duration.seconds(60),
      memorySize: 256,
    });

    this.sender.addEventSourceMapping('OutboxInserts', {
      eventSourceArn: table.tableStreamArn,
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(1),
      retryAttempts: 10,
      maxRecordAge: Duration.hours(6),
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      parallelizationFactor: 2,
      onFailure: new SqsDlq(this.failures.queue),
      // Only new outbox items invoke the sender: never a licensee's record, never a value (KEYS_ONLY).
      filters: [
        FilterCriteria.filter({
          eventName: FilterRule.isEqual('INSERT'),
          dynamodb: { Keys: { pk: { S: FilterRule.beginsWith(outboxPartitionPrefix) } } },
        }),
      ],
    });

    // SES's events of our own mail (configuration set event destination, MailSending): permanent bounces and
    // complaints only; the sender puts the address's blind index on the suppression list.
    this.sesFeedback = new Rule(this, 'SesFeedback', {
      description: 'ZorgSom Privacy: SES permanent bounces and complaints to the suppression list',
      eventPattern: { source: ['aws.ses'] },
      targets: [
        new LambdaFunction(this.sender, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: this.failures.queue,
        }),
      ],
    });
    (this.sesFeedback.node.defaultChild as CfnRule).addPropertyOverride(
      'EventPattern',
      sesFeedbackPattern(props.mail.configurationSet.configurationSetName),
    );

    this.redrive = new Rule(this, 'Redrive', {
      description: 'ZorgSom Privacy: deliver outbox mails still pending (after an SES outage)',
      schedule: Schedule.rate(Duration.minutes(policy.mail.redriveAfterMinutes)),
      targets: [
        new LambdaFunction(this.sender, {
          event: RuleTargetInput.fromObject({ source: 'aws.scheduler', 'detail-type': 'Redrive' }),
          retryAttempts: 2,
          maxEventAge: Duration.minutes(policy.mail.redriveAfterMinutes),
          deadLetterQueue: this.failures.queue,
        }),
      ],
    });
  }
}
