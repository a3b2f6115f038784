import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';

/** KMS `Encrypt` takes at most this much plaintext per call. */
const maxPlaintextBytes = 4096;

/**
 * Seals small payloads (an outbox mail) with KMS `Encrypt` itself, no data key: KMS binds the encryption
 * context and checks it on `Decrypt`, every call is in CloudTrail with its context, and the key policy can
 * let producers encrypt while only the mail-sender decrypts. The payload is deflated first and, if it is
 * still above KMS's 4 KB, split into parts that each carry their index in the context.
 * No Encryption SDK: functions that only send mail do not bundle it.
 */
export function createOutboxSealer({ kms, keyId }: { kms: KMSClient; keyId: string }) {
  return {
    async seal(plaintext: Uint8Array, context: Record<string, string>): Promise<Uint8Array[]> {
      const packed = deflateRawSync(plaintext);
      const parts: Buffer[] = [];
      for (let offset = 0; offset < packed.length || parts.length === 0; offset += maxPlaintextBytes) {
        parts.push(packed.subarray(offset, offset + maxPlaintextBytes));
      }
      return Promise.all(
        parts.map(async (part, index) => {
          const { CiphertextBlob } = await kms.send(
            new EncryptCommand({
              KeyId: keyId,
              Plaintext: part,
              EncryptionContext: { ...context, part: `${index}/${parts.length}` },
            }),
          );
          if (!CiphertextBlob) throw new Error('KMS Encrypt returned no ciphertext');
          return CiphertextBlob;
        }),
      );
    },

    /** Throws when a part was made for another context (another mail, or another position). */
    async open(sealed: readonly Uint8Array[], context: Record<string, string>): Promise<Uint8Array> {
      const parts = await Promise.all(
        sealed.map(async (ciphertext, index) => {
          const { Plaintext } = await kms.send(
            new DecryptCommand({
              KeyId: keyId,
              CiphertextBlob: ciphertext,
              EncryptionContext: { ...context, part: `${index}/${sealed.length}` },
            }),
          );
          if (!Plaintext) throw new Error('KMS Decrypt returned no plaintext');
          return Buffer.from(Plaintext);
        }),
      );
      return inflateRawSync(Buffer.concat(parts));
    },
  };
}
export type OutboxSealer = ReturnType<typeof createOutboxSealer>;
