import * as z from 'zod/mini';
import { ulidPattern } from './ids.js';
import { schema } from './schema.js';

/**
 * A request by email address (`POST /api/privacy-requests/by-email`) is not worked on the request path: the
 * route seals the validated body and hands it to the by-email worker (functions/privacy-requests-by-email), so
 * a registered and a free address cost the caller the same calls (README, "Where this departs").
 */

/** The encryption context's purpose: the submission key's IAM grants allow no other. */
export const submissionPurpose = 'by-email-submission';

/**
 * At most this many KMS ciphertexts per submission: each holds up to 4 KB of the deflated body (a body is at
 * most 16 KB, shared/http/http-function.ts), so almost every submission is one.
 */
export const maxSealedParts = 8;

/**
 * The worker's event (Lambda `Event` payload, and what its dead-letter queue keeps): an id and ciphertext
 * only. The address, type and text are inside `sealed`, bound by KMS to this id and purpose.
 */
export const sealedSubmissionEventSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    submissionId: z.string().check(z.regex(ulidPattern)),
    sealed: z.array(z.base64()).check(z.minLength(1), z.maxLength(maxSealedParts)),
  }),
);
export type SealedSubmissionEvent = z.infer<typeof sealedSubmissionEventSchema>;
