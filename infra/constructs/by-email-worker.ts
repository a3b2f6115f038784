import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { FunctionGrants } from '../../functions/routes.js';
import { FailureQueue } from './failure-queue.js';
import { statementsFor, zorgSomFunction, type GrantTargets } from './functions.js';

/**
 * What the worker does with a submission: opens it, matches the address by blind index, stores the request
 * (encrypted text) and mails its code (decrypting the address on record), or mails the neutral reply. Its
 * table access, by partition family, is in functions/table-access.ts.
 */
export const byEmailWorkerGrants = {
  kms: ['encrypt', 'decrypt', 'mac'],
  sendMail: true,
  byEmailSubmissions: 'work',
} as const satisfies FunctionGrants;

export interface ByEmailWorkerProps {
  readonly targets: GrantTargets;
  readonly logsKey: IKey;
  readonly environment: Record<string, string>;
  readonly alarmTopic: ITopic;
}

/**
 * Requests by email address, off the request path (functions/privacy-requests-by-email): privacy-requests
 * invokes it asynchronously with a sealed submission, Lambda retries a failed run twice (throttled events wait
 * in its queue for up to six hours), then the still-sealed event lands in a dead-letter queue whose first
 * message alarms. Why a Lambda `Event` and not a table item on the stream: README, "Where this departs".
 */
export class ByEmailWorker extends Construct {
  readonly fn: NodejsFunction;
  readonly failures: FailureQueue;

  constructor(scope: Construct, id: string, props: ByEmailWorkerProps) {
    super(scope, id);
    // SSE-SQS: the events are a submission id and KMS ciphertext only, never the address or text in plain.
    this.failures = new FailureQueue(this, 'Failures', {
      description: 'ZorgSom by-email requests (sealed submissions)',
      alarmTopic: props.alarmTopic,
    });
    this.fn = zorgSomFunction(this, {
      name: 'privacy-requests-by-email',
      statements: statementsFor('privacy-requests-by-email', byEmailWorkerGrants, props.targets),
      logsKey: props.logsKey,
      environment: props.environment,
      invocation: 'event',
      deadLetterQueue: this.failures.queue,
    });
  }
}
