import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { CodeMac } from '../services/ports.js';

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

/** Mailed one-time codes, MACed in their own domain (`code`) so no code MAC equals any other token. */
export function createKmsCodeMac(options: { kms: KMSClient; keyId: string }): CodeMac {
  const mac = createKmsMac(options);
  return { of: (salt, code) => mac.sign('code', `${salt}\u0000${code}`) };
}
