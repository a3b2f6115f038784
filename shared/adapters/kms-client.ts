import { KMSClient } from '@aws-sdk/client-kms';

/**
 * One KMS client per container. With `KMS_ENDPOINT` (local stack only) it talks to `local/kms-server.ts`
 * with static dummy credentials; otherwise it uses the default credential chain of the Lambda role.
 */
export function createKmsClient(config: { AWS_REGION: string; KMS_ENDPOINT?: string }): KMSClient {
  if (config.KMS_ENDPOINT) {
    return new KMSClient({
      region: config.AWS_REGION,
      endpoint: config.KMS_ENDPOINT,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }
  return new KMSClient({ region: config.AWS_REGION });
}
