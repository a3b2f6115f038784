import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';

/**
 * HMAC-SHA-256 inside KMS (the key never leaves it). Every use names its domain (`email`, `unsubscribe`),
 * so one key never yields the same value for two kinds of message.
 */
export function createKmsMac({ kms, keyId }: { kms: KMSClient; keyId: string }) {
  return {
    async sign(domain: string, message: string): Promise<string> {
      const { Mac } = await kms.send(
        new GenerateMacCommand({
          KeyId: keyId,
          MacAlgorithm: 'HMAC_SHA_256',
          Message: Buffer.from(`${domain}:${message}`, 'utf8'),
        }),
      );
      if (!Mac || Mac.length !== 32) throw new Error('KMS GenerateMac returned no HMAC-SHA-256 value');
      return Buffer.from(Mac).toString('base64url');
    },
  };
}
export type KmsMac = ReturnType<typeof createKmsMac>;
