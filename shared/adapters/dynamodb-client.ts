import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localCredentials } from './local-credentials.js';

export function createDynamoDbClient(config: {
  AWS_REGION: string;
  DYNAMODB_ENDPOINT?: string;
}): DynamoDBClient {
  return new DynamoDBClient({
    region: config.AWS_REGION,
    ...(config.DYNAMODB_ENDPOINT
      ? { endpoint: config.DYNAMODB_ENDPOINT, credentials: localCredentials }
      : {}),
  });
}
