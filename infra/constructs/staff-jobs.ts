import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { FailureQueue } from './failure-queue.js';
import { budgetReviewStatements, type GrantTargets, zorgSomFunction } from './functions.js';
import { tableStatementsFor } from './table-grants.js';

/** The functions this construct makes (folders under functions/). */
export const staffJobNames = ['deadline-watch', 'budget-review-cleanup'] as const;

export interface StaffJobsProps {
  readonly targets: GrantTargets;
  readonly logsKey: IKey;
  readonly environment: Record<string, string>;
  /** Operations' alarm topic (failed jobs, overdue requests). */
  readonly alarmTopic: ITopic;
}

/** A daily job: its function, a schedule whose role may invoke only it, and a dead-letter queue with an alarm. */
function dailyJob(
  scope: Construct,
  name: string,
  statements: PolicyStatement[],
  props: StaffJobsProps,
  hourUtc: string,
): NodejsFunction {
  const failures = new FailureQueue(scope, `${name}Failures`, {
    description: `ZorgSom ${name}`,
    alarmTopic: props.alarmTopic,
  });
  const fn = zorgSomFunction(scope, {
    name,
    statements,
    logsKey: props.logsKey,
    environment: props.environment,
    invocation: 'scheduled',
    timeout: Duration.minutes(5),
    deadLetterQueue: failures.queue,
  });
  const invokePolicy = new ManagedPolicy(scope, `${name}SchedulePolicy`, {
    statements: [
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [failures.queue.queueArn] }),
    ],
  });
  const role = new Role(scope, `${name}ScheduleRole`, {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
    managedPolicies: [invokePolicy],
  });
  new Schedule(scope, `${name}Schedule`, {
    description: `ZorgSom ${name}, daily`,
    schedule: ScheduleExpression.cron({ minute: '0', hour: hourUtc }),
    target: new LambdaInvoke(fn, {
      role: role.withoutPolicyUpdates(),
      deadLetterQueue: failures.queue,
      retryAttempts: 3,
    }),
  });
  return fn;
}

/**
 * Staff's daily jobs: the deadline watch (requests near or past their legal deadline → one mail to the staff
 * mailbox, a metric, and an alarm while anything is overdue) and the budget-review cleanup (lapses unanswered
 * reviews, destroys uploads whose time is up).
 */
export class StaffJobs extends Construct {
  readonly deadlineWatch: NodejsFunction;
  readonly budgetReviewCleanup: NodejsFunction;
  readonly overdueAlarm: Alarm;

  constructor(scope: Construct, id: string, props: StaffJobsProps) {
    super(scope, id);
    const { targets } = props;
    // The sparse deadline index (shards OPEN and BUDGET), and what cleanup writes: functions/table-access.ts.
    this.deadlineWatch = dailyJob(
      this,
      'deadline-watch',
      [...tableStatementsFor('deadline-watch', targets), targets.sendMail()],
      props,
      '6',
    );

    this.budgetReviewCleanup = dailyJob(
      this,
      'budget-review-cleanup',
      [
        ...tableStatementsFor('budget-review-cleanup', targets),
        ...budgetReviewStatements({ key: [], uploads: ['delete'] }, targets.budgetReviews),
      ],
      props,
      '3',
    );

    this.overdueAlarm = new Alarm(this, 'RequestsOverdue', {
      alarmDescription: 'A privacy request is past its legal deadline (AVG art. 12(3))',
      metric: new Metric({
        namespace: 'ZorgSom',
        metricName: 'RequestsOverdue',
        dimensionsMap: { service: 'zorgsom-privacy' },
        statistic: 'Maximum',
        period: Duration.days(1),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
    });
    this.overdueAlarm.addAlarmAction(new SnsAction(props.alarmTopic));
    this.overdueAlarm.addOkAction(new SnsAction(props.alarmTopic));
  }
}
