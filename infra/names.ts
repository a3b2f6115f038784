import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Every name this system gives an account-wide resource is derived from the stack's name, so that two stages
 * (`-c stage=test`, production) fit one account and region without colliding. Everything else is left to
 * CloudFormation's generated names.
 */
export const keyAlias = (scope: IConstruct, purpose: string): string =>
  `alias/${Stack.of(scope).stackName}/${purpose}`;
