import * as z from 'zod/mini';
import { addDays } from './dates.js';
import { policy } from './policy.js';
import { isoTimestamp, itemVersion, schema, wholeNumber } from './schema.js';

/**
 * Statement §4: when ZorgSom needs patient data to check a budget, it asks; the licensee decides, and
 * gives it only with the patient's consent. Life cycle:
 *
 *   requested ──decline──> declined (nothing stored)
 *       │   └──upload (presigned PUT) + accept with consent attestation──> accepted ──staff close──> closed
 *       └── no answer by answerBy ──> lapsed
 *
 * While a review is requested the browser may PUT a file to a presigned URL; only an accepted review keeps it.
 * An upload is destroyed `destroyUploadAfterDays` after the review closes, and at the latest that long after
 * the answer deadline had it never been closed. A declined or lapsed review keeps a deadline until every URL
 * issued for it has expired, so the cleanup deletes what a late PUT might still bring in.
 */
export const budgetReviewStatusSchema = /* @__PURE__ */ schema(() =>
  z.enum(['requested', 'declined', 'accepted', 'closed', 'lapsed']),
);
export type BudgetReviewStatus = z.infer<typeof budgetReviewStatusSchema>;

/** Where a review's file lives in the upload bucket: one fixed key per review, the only one a URL is signed for. */
export const budgetUploadKey = (licenseeId: string, reviewId: string) =>
  `budget-reviews/${licenseeId}/${reviewId}`;

/**
 * Whether a file may sit in the bucket for a review that has not (or not yet) accepted one: while it is
 * requested (uploaded, not decided), or declined/lapsed while a URL issued before may still bring one.
 */
export const mayHoldStrayUpload = (review: { status?: unknown; dueAt?: unknown }) =>
  review.status === 'requested' ||
  ((review.status === 'declined' || review.status === 'lapsed') && review.dueAt !== undefined);

/** The partition of the deadline index that holds reviews with a deadline (an answer or a destruction). */
export const budgetDeadlineShard = 'BUDGET';

export const storedBudgetReviewSchema = /* @__PURE__ */ schema(() =>
  z.object({
    reviewId: z.string(),
    licenseeId: z.string(),
    /** Staff's reason, shown to the licensee in the portal only (not in mail). */
    reason: z.string(),
    status: budgetReviewStatusSchema,
    requestedAt: isoTimestamp,
    answerBy: isoTimestamp,
    decidedAt: z.optional(isoTimestamp),
    /** The licensee confirmed having the patient's consent to share this data with ZorgSom. */
    consentAttestedAt: z.optional(isoTimestamp),
    upload: z.optional(
      z.object({
        key: z.string(),
        bytes: wholeNumber,
        contentType: z.string(),
        /** S3's SHA-256 of the file at acceptance (base64), where S3 reports one. */
        sha256: z.optional(z.string()),
        destroyedAt: z.optional(isoTimestamp),
      }),
    ),
    closedAt: z.optional(isoTimestamp),
    /** Deadline index entry (`openShard` + `dueAt`): the next moment the cleanup must act on this review. */
    openShard: z.optional(z.literal(budgetDeadlineShard)),
    dueAt: z.optional(isoTimestamp),
    version: itemVersion,
  }),
);
export type StoredBudgetReview = z.infer<typeof storedBudgetReviewSchema>;

export const budgetReviewViewSchema = /* @__PURE__ */ schema(() =>
  z.extend(
    z.pick(storedBudgetReviewSchema, {
      reviewId: true,
      reason: true,
      status: true,
      requestedAt: true,
      answerBy: true,
      decidedAt: true,
      consentAttestedAt: true,
      closedAt: true,
    }),
    { uploadDestroyed: z.boolean() },
  ),
);
export type BudgetReviewView = z.infer<typeof budgetReviewViewSchema>;

export function viewOfReview(review: StoredBudgetReview): BudgetReviewView {
  const { reviewId, reason, status, requestedAt, answerBy, decidedAt, consentAttestedAt, closedAt } = review;
  return {
    reviewId,
    reason,
    status,
    requestedAt,
    answerBy,
    decidedAt,
    consentAttestedAt,
    closedAt,
    uploadDestroyed: Boolean(review.upload?.destroyedAt),
  };
}

export function newReview(
  reviewId: string,
  licenseeId: string,
  reason: string,
  now: Date,
): StoredBudgetReview {
  const answerBy = addDays(now, policy.budgetReview.answerWithinDays).toISOString();
  return {
    reviewId,
    licenseeId,
    reason,
    status: 'requested',
    requestedAt: now.toISOString(),
    answerBy,
    openShard: budgetDeadlineShard,
    dueAt: answerBy,
    version: 1,
  };
}

/** The upload's latest life: destroyed this long after closing, or after the answer deadline if never closed. */
export function destructionDeadline(review: StoredBudgetReview, closedAt?: Date): string {
  const from = closedAt ?? new Date(review.answerBy);
  return addDays(from, policy.budgetReview.destroyUploadAfterDays).toISOString();
}

/**
 * Until when a file may still arrive for a review that stopped taking them at `from` (declined, lapsed): an
 * upload URL issued just before lives `uploadUrlSeconds`; a minute more covers a PUT still in flight.
 */
export function strayUploadDeadline(from: Date): string {
  return new Date(from.getTime() + (policy.budgetReview.uploadUrlSeconds + 60) * 1000).toISOString();
}

/** What the cleanup does with a review whose deadline passed. */
export function dueAction(review: StoredBudgetReview): 'lapse' | 'destroy-upload' | 'delete-stray' | 'none' {
  if (review.status === 'requested') return 'lapse';
  if (review.status === 'declined' || review.status === 'lapsed') return 'delete-stray';
  if (review.upload && !review.upload.destroyedAt) return 'destroy-upload';
  return 'none';
}
