import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localCredentials } from './local-credentials.js';
import { guardLocalClient } from './local-access.js';

export function createDynamoDbClient(config: {
  AWS_REGION: string;
  DYNAMODB_ENDPOINT?: string;
}): DynamoDBClient {
  if (!config.DYNAMODB_ENDPOINT) return new DynamoDBClient({ region: config.AWS_REGION });
  const client = new DynamoDBClient({
    region: config.AWS_REGION,
    endpoint: config.DYNAMODB_ENDPOINT,
    credentials: localCredentials,
  });
  // DynamoDB Local checks no IAM: the local stack judges each function's requests by its grants instead.
  guardLocalClient(client);
  return client;
}
