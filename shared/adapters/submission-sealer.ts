import type { KMSClient } from '@aws-sdk/client-kms';
import {
  maxSealedParts,
  submissionPurpose,
  type SealedSubmissionEvent,
} from '../domain/by-email-submission.js';
import { CiphertextContextMismatchError } from './ciphertext-errors.js';
import { createOutboxSealer } from './outbox-sealer.js';

/**
 * Seals a by-email submission for its worker with KMS `Encrypt` on the submission key, bound to the context
 * `{ purpose: by-email-submission, submissionId }`: the same sealing as an outbox mail (deflated, one
 * ciphertext per 4 KB; a form body deflates to one), so it adds no code to the route's bundle and needs no
 * data key in the function. The route may only Encrypt with this key, the worker only Decrypt; a ciphertext
 * moved to another submission id, or made for another purpose, is refused by KMS.
 */
export function createSubmissionSealer({ kms, keyId }: { kms: KMSClient; keyId: string }) {
  const parts = createOutboxSealer({ kms, keyId });
  const contextOf = (submissionId: string) => ({ purpose: submissionPurpose, submissionId });
  return {
    async seal(submissionId: string, submission: unknown): Promise<SealedSubmissionEvent> {
      const sealed = await parts.seal(
        new TextEncoder().encode(JSON.stringify(submission)),
        contextOf(submissionId),
      );
      if (sealed.length > maxSealedParts) throw new Error('submission too large to seal');
      return { submissionId, sealed: sealed.map((part) => Buffer.from(part).toString('base64')) };
    },

    /** The submission as sealed (parsed JSON, to be validated by the caller). */
    async open(event: SealedSubmissionEvent): Promise<unknown> {
      let plaintext: Uint8Array;
      try {
        plaintext = await parts.open(
          event.sealed.map((part) => Buffer.from(part, 'base64')),
          contextOf(event.submissionId),
        );
      } catch (error) {
        // A wrong context (or key) is indistinguishable from a forged ciphertext at KMS, by design.
        const name = (error as { name?: string }).name;
        if (name === 'InvalidCiphertextException' || name === 'IncorrectKeyException')
          throw new CiphertextContextMismatchError();
        throw error;
      }
      return JSON.parse(new TextDecoder().decode(plaintext)) as unknown;
    },
  };
}
export type SubmissionSealer = ReturnType<typeof createSubmissionSealer>;
