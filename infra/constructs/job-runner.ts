import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { FunctionGrants } from '../../functions/routes.js';
import { FailureQueue } from './failure-queue.js';
import { statementsFor, zorgSomFunction, type GrantTargets } from './functions.js';

/**
 * What the runner does: marketing sends (decrypts each recipient's address, MACs the unsubscribe token, mails),
 * approved deletions' purges and re-purges after a restore (the licensee's items, raw mail, budget uploads).
 * Its table access, by partition family, is in functions/table-access.ts.
 */
export const jobRunnerGrants = {
  kms: ['decrypt', 'mac'],
  sendMail: true,
  rawMail: ['delete'],
  budgetReviews: { key: [], uploads: ['delete'] },
} as const satisfies FunctionGrants;

/** The runner's name, fixed and derived from the stack's: the admin function and the runner itself invoke it. */
export const jobRunnerNameOf = (stack: Stack): string => `${stack.stackName}-job-runner`;
export const jobRunnerArnOf = (stack: Stack): string =>
  stack.formatArn({
    service: 'lambda',
    resource: 'function',
    resourceName: jobRunnerNameOf(stack),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });

/** As deployed; the runner stops a minute before and invokes itself to continue. */
export const jobRunnerTimeout = Duration.minutes(15);

export interface JobRunnerProps {
  readonly targets: GrantTargets;
  readonly logsKey: IKey;
  readonly environment: Record<string, string>;
  readonly alarmTopic: ITopic;
}

/**
 * Staff jobs off the request path: invoked asynchronously with `{ jobId }` (by the admin function, and by
 * itself to continue), Lambda's two retries, then a dead-letter queue whose first message alarms.
 */
export class JobRunner extends Construct {
  readonly fn: NodejsFunction;
  readonly failures: FailureQueue;

  constructor(scope: Construct, id: string, props: JobRunnerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.failures = new FailureQueue(this, 'Failures', {
      description: 'ZorgSom job runner (marketing sends, purges, re-purges)',
      alarmTopic: props.alarmTopic,
    });
    this.fn = zorgSomFunction(this, {
      name: 'job-runner',
      functionName: jobRunnerNameOf(stack),
      statements: [
        ...statementsFor('job-runner', jobRunnerGrants, props.targets),
        new PolicyStatement({
          sid: 'ContinueItself',
          actions: ['lambda:InvokeFunction'],
          resources: [jobRunnerArnOf(stack)],
        }),
      ],
      logsKey: props.logsKey,
      environment: props.environment,
      invocation: 'event',
      timeout: jobRunnerTimeout,
      memorySize: 512,
      deadLetterQueue: this.failures.queue,
    });
  }
}
