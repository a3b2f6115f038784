import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { JobEvent } from '../domain/job.js';
import type { JobInvoker } from '../services/jobs/jobs.js';
import { localCredentials } from './local-credentials.js';

export function createLambdaClient(config: { AWS_REGION: string; LAMBDA_ENDPOINT?: string }): LambdaClient {
  return new LambdaClient({
    region: config.AWS_REGION,
    ...(config.LAMBDA_ENDPOINT ? { endpoint: config.LAMBDA_ENDPOINT, credentials: localCredentials } : {}),
  });
}

/**
 * Hands a job to the runner as an asynchronous (`Event`) invocation: Lambda queues the event, retries a failed
 * run twice and then puts the event into the runner's dead-letter queue. Locally the same call reaches
 * local/lambda-endpoint.ts, which runs the runner in-process with the same retries.
 */
export function createLambdaJobInvoker(client: LambdaClient, functionName: string): JobInvoker {
  return {
    async invoke(jobId: string): Promise<void> {
      const event: JobEvent = { jobId };
      const { StatusCode } = await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
      if (StatusCode !== 202) throw new Error(`job runner invocation answered ${StatusCode}`);
    },
  };
}
