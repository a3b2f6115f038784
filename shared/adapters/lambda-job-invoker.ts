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
 * Hands an event to a function as an asynchronous (`Event`) invocation: Lambda queues the event (answering 202
 * once it is stored), retries a failed run twice and then puts the event into the function's dead-letter queue.
 * Locally the same call reaches local/lambda-endpoint.ts, which runs the function in-process with the same
 * retries. Throws when the event was not queued.
 */
export async function invokeAsync(client: LambdaClient, functionName: string, event: unknown): Promise<void> {
  const { StatusCode } = await client.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
  if (StatusCode !== 202) throw new Error(`asynchronous invocation answered ${StatusCode}`);
}

/** Starts the job runner on a job (by the admin function, and by the runner itself to continue). */
export function createLambdaJobInvoker(client: LambdaClient, functionName: string): JobInvoker {
  return {
    async invoke(jobId: string): Promise<void> {
      const event: JobEvent = { jobId };
      await invokeAsync(client, functionName, event);
    },
  };
}
