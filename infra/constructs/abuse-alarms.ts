import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** When the alarms fire (each documented in docs/runbook.md §6, with what to do). */
export const abuseAlarmThresholds = {
  /** Per cent of API responses that are 5xx in a five-minute period, once at least `minRequests` came. */
  serverErrorPercent: 1,
  minRequests: 20,
  /** Wrong one-time codes (every kind) in five minutes across all addresses: far above people mistyping. */
  failedCodes: 50,
  /** SES puts an account under review at 5 % bounces and 0.1 % complaints: warn before. */
  bounceRate: 0.04,
  complaintRate: 0.0008,
} as const;

export interface AbuseAlarmsProps {
  readonly httpApi: HttpApi;
  readonly alarmTopic: ITopic;
}

/**
 * The alarms of an attack or an outage on the edge: the API's 5xx rate, a spike of wrong one-time codes
 * (guessing), and SES's account-wide bounce and complaint rates (mail to addresses someone typed in). All
 * notify the existing alarm topic, and again when they clear.
 */
export class AbuseAlarms extends Construct {
  readonly serverErrors: Alarm;
  readonly failedCodes: Alarm;
  readonly bounceRate: Alarm;
  readonly complaintRate: Alarm;

  constructor(scope: Construct, id: string, props: AbuseAlarmsProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const t = abuseAlarmThresholds;

    this.serverErrors = new Alarm(this, 'ApiServerErrorRate', {
      alarmDescription: `More than ${t.serverErrorPercent} % of API responses were 5xx (runbook §6)`,
      metric: new MathExpression({
        expression: `IF(requests >= ${t.minRequests}, 100 * errors / requests, 0)`,
        usingMetrics: {
          errors: props.httpApi.metricServerError({ period, statistic: 'Sum' }),
          requests: props.httpApi.metricCount({ period, statistic: 'Sum' }),
        },
        period,
        label: 'API 5xx per cent',
      }),
      threshold: t.serverErrorPercent,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.failedCodes = new Alarm(this, 'FailedCodesSpike', {
      alarmDescription: `${t.failedCodes} or more wrong one-time codes in five minutes: guessing (runbook §6)`,
      metric: new Metric({
        namespace: 'ZorgSom',
        metricName: 'FailedCodes',
        dimensionsMap: { service: 'zorgsom-privacy' },
        statistic: 'Sum',
        period,
      }),
      threshold: t.failedCodes,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const reputation = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.hours(1) });
    this.bounceRate = new Alarm(this, 'SesBounceRate', {
      alarmDescription: `SES bounce rate at ${t.bounceRate * 100} % (review at 5 %; runbook §6)`,
      metric: reputation('Reputation.BounceRate'),
      threshold: t.bounceRate,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.complaintRate = new Alarm(this, 'SesComplaintRate', {
      alarmDescription: `SES complaint rate at ${t.complaintRate * 100} % (review at 0.1 %; runbook §6)`,
      metric: reputation('Reputation.ComplaintRate'),
      threshold: t.complaintRate,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const notify = new SnsAction(props.alarmTopic);
    for (const alarm of this.all()) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }
  }

  all(): Alarm[] {
    return [this.serverErrors, this.failedCodes, this.bounceRate, this.complaintRate];
  }
}
