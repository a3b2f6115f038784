import type { Config } from '../config.js';
import { createDynamoDbClient } from '../adapters/dynamodb-client.js';
import { createKmsClient } from '../adapters/kms-client.js';

/**
 * The DynamoDB and KMS clients of a function, made once per container. A module of its own: a function that
 * builds its adapters on first use (the staff API) makes its clients at init without importing every adapter
 * that shared/wiring/base.ts composes.
 */
export function createAwsClients(config: Config) {
  return {
    dynamodb: createDynamoDbClient(config),
    kms: createKmsClient(config),
  };
}
export type AwsClients = ReturnType<typeof createAwsClients>;
