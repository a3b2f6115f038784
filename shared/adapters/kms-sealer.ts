import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { EncryptionContext, Envelope } from '../services/ports.js';
import { CiphertextContextMismatchError } from './ciphertext-errors.js';
import { lazyEnvelope } from './lazy-envelope.js';

/** KMS Encrypt takes at most this many bytes of plaintext. */
export const kmsPlaintextLimit = 4096;

/**
 * The first byte of a stored ciphertext says its format. `K`: a KMS ciphertext blob follows (KMS Encrypt,
 * this module). An AWS Encryption SDK message starts with its version byte, 0x01 or 0x02 (the format before
 * this one, and the one for payloads over KMS's limit).
 */
const directFormat = 0x4b;

/** Whether a stored ciphertext is a KMS ciphertext blob (otherwise an Encryption SDK message). */
export const isDirectKmsCiphertext = (ciphertext: Uint8Array) => ciphertext[0] === directFormat;

/**
 * Encryption for personal data: a plaintext that fits KMS's 4 KB limit (a licensee profile always does, by its
 * schema: test/unit/domain/profile-size.test.ts) goes to KMS `Encrypt` itself. KMS binds the encryption context
 * `{ licenseeId, purpose }` and checks it on `Decrypt` (a ciphertext moved to another record is refused by KMS),
 * no data key is ever in this function's memory, and every decrypt is one CloudTrail event naming the licensee.
 *
 * Larger payloads (a long request text) and ciphertexts of the earlier Encryption SDK format go to `envelope()`,
 * loaded only when such a payload turns up: functions that never see one never evaluate the Encryption SDK.
 */
export function createKmsSealer(options: {
  kms: KMSClient;
  keyId: string;
  /** The Encryption SDK envelope, for payloads over the limit and old items; imported lazily. */
  envelope: () => Promise<Envelope>;
}): Envelope {
  const { kms, keyId } = options;
  const envelope = lazyEnvelope(options.envelope);

  return {
    async encrypt(plaintext, context) {
      if (plaintext.byteLength > kmsPlaintextLimit) return envelope.encrypt(plaintext, context);
      const { CiphertextBlob } = await kms.send(
        new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: kmsContext(context) }),
      );
      if (!CiphertextBlob) throw new Error('KMS Encrypt returned no ciphertext');
      const stored = new Uint8Array(CiphertextBlob.byteLength + 1);
      stored[0] = directFormat;
      stored.set(CiphertextBlob, 1);
      return stored;
    },

    async decrypt(ciphertext, expected) {
      if (!isDirectKmsCiphertext(ciphertext)) return envelope.decrypt(ciphertext, expected);
      try {
        const { Plaintext } = await kms.send(
          new DecryptCommand({
            CiphertextBlob: ciphertext.subarray(1),
            // Naming the key makes KMS refuse a ciphertext of any other key.
            KeyId: keyId,
            EncryptionContext: kmsContext(expected),
          }),
        );
        if (!Plaintext) throw new Error('KMS Decrypt returned no plaintext');
        return Plaintext;
      } catch (error) {
        // A wrong context (or key) is indistinguishable from a forged ciphertext at KMS, by design.
        const name = (error as { name?: string }).name;
        if (name === 'InvalidCiphertextException' || name === 'IncorrectKeyException')
          throw new CiphertextContextMismatchError();
        throw error;
      }
    },
  };
}

function kmsContext({ licenseeId, purpose }: EncryptionContext): Record<string, string> {
  return { licenseeId, purpose };
}
