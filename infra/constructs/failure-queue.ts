import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Where a failed background invocation waits (14 days, encrypted, TLS only) instead of being lost, with an
 * alarm as soon as anything arrives. Messages are the original events: ids, never bodies.
 */
export class FailureQueue extends Construct {
  readonly queue: Queue;
  readonly alarm: Alarm;

  constructor(
    scope: Construct,
    id: string,
    props: {
      description: string;
      alarmTopic: ITopic;
      /** For events that carry more than ids (SES events hold mail headers): a customer key instead of SSE-SQS. */
      encryptionKey?: IKey;
      /** Why this queue needs no dead-letter queue of its own (AwsSolutions-SQS3). */
      selfReason?: string;
    },
  ) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      // SSE-SQS unless a key is given: the functions that write here then need no grant on a customer key.
      ...(props.encryptionKey
        ? { encryption: QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey }
        : { encryption: QueueEncryption.SQS_MANAGED }),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of a background function; it has no consumer to fail.',
    });
    this.alarm = new Alarm(this, 'Alarm', {
      alarmDescription: `${props.description}: a failed invocation is waiting in its dead-letter queue`.slice(
        0,
        1024,
      ),
      metric: this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new SnsAction(props.alarmTopic));
    this.alarm.addOkAction(new SnsAction(props.alarmTopic));
  }
}
