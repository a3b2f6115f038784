import { randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** The Lambda context a handler gets in AWS, for calling a real handler locally (the local invokers, tests). */
export const lambdaContext = (functionName: string) =>
  ({
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomBytes(16).toString('hex'),
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Context;
