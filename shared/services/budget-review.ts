import * as z from 'zod/mini';
import type { AuditLog } from '../adapters/audit-log.js';
import type { BudgetReviewStore, StoredUpload } from '../adapters/budget-review-store.js';
import type { AuditActor } from '../domain/audit.js';
import {
  budgetDeadlineShard,
  destructionDeadline,
  dueAction,
  newReview,
  strayUploadDeadline,
  viewOfReview,
  type BudgetReviewView,
  type StoredBudgetReview,
} from '../domain/budget-review.js';
import { ulidSchema } from '../domain/ids.js';
import { policy } from '../domain/policy.js';
import { ConcurrentUpdateError, ProblemError } from '../domain/problem-error.js';
import type { ServiceDeps } from './deps.js';
import { budgetReviewMails } from './mail-templates.js';
import { languageOf } from '../domain/records.js';
import { openPii } from './personal-data-vault.js';
import { schema } from '../domain/schema.js';

/** The budget-review store and key, kept apart from the personal-data key and the licensee data. */
export interface BudgetReviewDeps extends Pick<ServiceDeps, 'clock' | 'newId'> {
  reviews: BudgetReviewStore;
  /** The budget key: SSE-KMS of every upload. */
  budgetKeyId: string;
  /**
   * Whether S3 reports the SSE-KMS it applied (AWS). s3rver applies none, so locally the check is left to the
   * local S3's refusal of a PUT without the signed SSE-KMS headers.
   */
  verifyEncryption: boolean;
  audit: AuditLog;
}

const uploadContext = (review: StoredBudgetReview) => ({
  licenseeId: review.licenseeId,
  purpose: `budget-review:${review.reviewId}`,
});

export const budgetReviewRequestSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    licenseeId: ulidSchema,
    reason: z
      .string()
      .check(z.trim(), z.minLength(5, { message: 'required' }), z.maxLength(300, { message: 'too-long' })),
  }),
);

/** The file types a licensee may share, and the extension staff's download gets. */
const fileExtensions = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'image/png': 'png',
  'image/jpeg': 'jpg',
} as const;
const contentTypes = Object.keys(fileExtensions) as [keyof typeof fileExtensions];
const isAllowedType = (type: string): type is keyof typeof fileExtensions =>
  Object.hasOwn(fileExtensions, type);

const reviewIdSchema = ulidSchema;

/** Asking where to upload: what the file is, so the URL can be signed for exactly that file. */
export const uploadUrlSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    reviewId: reviewIdSchema,
    contentType: z.enum(contentTypes, { message: 'invalid-format' }),
    bytes: z
      .number({ message: 'invalid-format' })
      .check(z.int({ message: 'invalid-format' }), z.gte(1, { message: 'required' })),
    /** Base64 of the file's SHA-256 (32 bytes): S3 refuses a body with any other. */
    sha256: z.base64({ message: 'invalid-format' }).check(
      z.refine((value) => Buffer.from(value, 'base64').length === 32, {
        message: 'invalid-format',
      }),
    ),
  }),
);
export type UploadUrlInput = z.infer<typeof uploadUrlSchema>;

export const budgetDecisionSchema = /* @__PURE__ */ schema(() =>
  z.discriminatedUnion('decision', [
    z.strictObject({ reviewId: ulidSchema, decision: z.literal('decline') }),
    z.strictObject({
      reviewId: ulidSchema,
      decision: z.literal('accept'),
      /** Statement §4: given only with the patient's consent; the licensee confirms having it. */
      patientConsent: z.literal(true, { message: 'consent-required' }),
    }),
  ]),
);
export type BudgetDecision = z.infer<typeof budgetDecisionSchema>;

async function load(
  deps: BudgetReviewDeps,
  licenseeId: string,
  reviewId: string,
): Promise<StoredBudgetReview> {
  const review = await deps.reviews.get(licenseeId, reviewId);
  if (!review) throw new ProblemError(404, 'not-found');
  return review;
}

/** Staff ask; the licensee gets a mail without details and decides in the portal. */
export async function requestBudgetReview(
  deps: BudgetReviewDeps & ServiceDeps,
  actor: AuditActor,
  input: z.infer<typeof budgetReviewRequestSchema>,
): Promise<BudgetReviewView> {
  const profile = await deps.repo.getProfile(input.licenseeId);
  if (!profile || profile.status !== 'active') throw new ProblemError(404, 'not-found');
  const review = newReview(deps.newId(), input.licenseeId, input.reason, deps.clock());
  const { data } = await openPii(deps.envelope, profile.licenseeId, profile.pii);
  const mail = budgetReviewMails(languageOf(profile)).budgetReviewRequested(
    data.email,
    data.name,
    deps.portalUrl,
    review.answerBy,
  );
  const audit = deps.audit.transactItem({
    actor,
    action: 'budget-review.requested',
    licenseeId: review.licenseeId,
    subjectId: review.reviewId,
  });
  // The review, its audit event and the licensee's mail in one transaction: no request without its mail.
  await deps.reviews.save(review, 0, [audit.item, await deps.mailer.outboxItem(mail)]);
  return viewOfReview(review);
}

export async function listBudgetReviews(
  deps: BudgetReviewDeps,
  licenseeId: string,
): Promise<BudgetReviewView[]> {
  return (await deps.reviews.list(licenseeId)).map(viewOfReview);
}

/** Still open for the licensee's answer (and so for an upload). */
function assertOpen(review: StoredBudgetReview, now: Date): void {
  if (review.status !== 'requested' || new Date(review.answerBy) <= now)
    throw new ProblemError(409, 'review-closed');
}

/**
 * Where the browser PUTs the file: a presigned URL for exactly the announced file (length, type, SHA-256)
 * with SSE-KMS under the budget key. Over the policy's size limit nothing is signed (413). Writes nothing:
 * the file goes straight to S3, nothing large passes through a function.
 */
export async function createUploadUrl(
  deps: BudgetReviewDeps,
  licenseeId: string,
  input: UploadUrlInput,
): Promise<{ url: string; method: 'PUT'; headers: Record<string, string>; expiresAt: string }> {
  if (input.bytes > policy.budgetReview.maxUploadBytes) throw new ProblemError(413, 'payload-too-large');
  const now = deps.clock();
  const review = await load(deps, licenseeId, input.reviewId);
  assertOpen(review, now);
  const expiresInSeconds = policy.budgetReview.uploadUrlSeconds;
  const { url, headers } = await deps.reviews.presignUpload({
    key: deps.reviews.uploadKey(licenseeId, review.reviewId),
    contentType: input.contentType,
    bytes: input.bytes,
    sha256: input.sha256,
    keyId: deps.budgetKeyId,
    encryptionContext: uploadContext(review),
    expiresInSeconds,
  });
  return {
    url,
    method: 'PUT',
    headers,
    expiresAt: new Date(now.getTime() + expiresInSeconds * 1000).toISOString(),
  };
}

/** Is what S3 holds a file this review may keep? Checked at acceptance, since the browser did the upload. */
function uploadProblem(deps: BudgetReviewDeps, stored: StoredUpload): string | undefined {
  if (stored.bytes < 1 || stored.bytes > policy.budgetReview.maxUploadBytes) return 'bytes';
  if (!isAllowedType(stored.contentType)) return 'contentType';
  if (deps.verifyEncryption && (stored.encryption !== 'aws:kms' || stored.keyId !== deps.budgetKeyId))
    return 'encryption';
  return undefined;
}

/**
 * The licensee's decision. Declining stores nothing: the decision is written first, then any file already
 * uploaded is deleted, and the review keeps a deadline past the last upload URL's expiry so the cleanup
 * deletes a file a still-valid URL brings in later. Accepting takes the file the browser uploaded.
 */
export async function decideBudgetReview(
  deps: BudgetReviewDeps,
  licenseeId: string,
  decision: BudgetDecision,
): Promise<BudgetReviewView> {
  const now = deps.clock();
  const review = await load(deps, licenseeId, decision.reviewId);
  assertOpen(review, now);
  const actor: AuditActor = { kind: 'licensee', id: licenseeId };
  const key = deps.reviews.uploadKey(licenseeId, review.reviewId);
  let updated: StoredBudgetReview;
  if (decision.decision === 'decline') {
    updated = {
      ...review,
      status: 'declined',
      decidedAt: now.toISOString(),
      openShard: budgetDeadlineShard,
      dueAt: strayUploadDeadline(now),
      version: review.version + 1,
    };
  } else {
    const stored = await deps.reviews.headUpload(key);
    if (!stored) throw new ProblemError(409, 'upload-missing');
    const wrong = uploadProblem(deps, stored);
    if (wrong) {
      // Not what a presigned URL of ours lets through; gone, so nothing unchecked stays.
      await deps.reviews.deleteUpload(key);
      throw new ProblemError(400, 'upload-invalid', [{ field: 'upload', code: 'invalid-format' }]);
    }
    updated = {
      ...review,
      status: 'accepted',
      decidedAt: now.toISOString(),
      consentAttestedAt: now.toISOString(),
      upload: {
        key,
        bytes: stored.bytes,
        contentType: stored.contentType,
        ...(stored.sha256 ? { sha256: stored.sha256 } : {}),
      },
      dueAt: destructionDeadline(review),
      version: review.version + 1,
    };
  }
  // One conditional write: of two racing decisions one wins, the other is a 409 (never both, never a 5xx).
  try {
    await deps.reviews.save(updated, review.version);
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) throw new ProblemError(409, 'review-closed');
    throw error;
  }
  if (updated.status === 'declined') await deps.reviews.deleteUpload(key);
  await deps.audit.record({
    actor,
    action: `budget-review.${updated.status}`,
    licenseeId,
    subjectId: review.reviewId,
    details: updated.upload ? { bytes: updated.upload.bytes, consentAttested: true } : {},
  });
  return viewOfReview(updated);
}

/**
 * Staff read of an upload: the audit event is written before the download URL exists; the URL is valid
 * `downloadUrlSeconds` and makes the browser save the file. S3 decrypts (SSE-KMS) for the holder of the URL,
 * which only a principal with kms:Decrypt on the budget key (the admin function) can sign.
 */
export async function readBudgetUpload(
  deps: BudgetReviewDeps,
  actor: AuditActor,
  licenseeId: string,
  reviewId: string,
): Promise<{ url: string; expiresAt: string; contentType: string; bytes: number }> {
  const review = await load(deps, licenseeId, reviewId);
  if (!review.upload || review.upload.destroyedAt) throw new ProblemError(404, 'not-found');
  await deps.audit.record({
    actor,
    action: 'budget-review.upload-read-by-staff',
    licenseeId,
    subjectId: reviewId,
  });
  const expiresInSeconds = policy.budgetReview.downloadUrlSeconds;
  const extension = isAllowedType(review.upload.contentType)
    ? fileExtensions[review.upload.contentType]
    : 'bin';
  const url = await deps.reviews.presignDownload(
    review.upload.key,
    `budget-review-${reviewId}.${extension}`,
    expiresInSeconds,
  );
  return {
    url,
    expiresAt: new Date(deps.clock().getTime() + expiresInSeconds * 1000).toISOString(),
    contentType: review.upload.contentType,
    bytes: review.upload.bytes,
  };
}

/** Closing starts the upload's fixed remaining life. */
export async function closeBudgetReview(
  deps: BudgetReviewDeps,
  actor: AuditActor,
  licenseeId: string,
  reviewId: string,
): Promise<BudgetReviewView> {
  const now = deps.clock();
  const review = await load(deps, licenseeId, reviewId);
  if (review.status !== 'accepted') throw new ProblemError(409, 'review-closed');
  const updated: StoredBudgetReview = {
    ...review,
    status: 'closed',
    closedAt: now.toISOString(),
    dueAt: review.upload && !review.upload.destroyedAt ? destructionDeadline(review, now) : undefined,
    openShard: review.upload && !review.upload.destroyedAt ? review.openShard : undefined,
    version: review.version + 1,
  };
  await deps.reviews.save(updated, review.version);
  await deps.audit.record({ actor, action: 'budget-review.closed', licenseeId, subjectId: reviewId });
  return viewOfReview(updated);
}

/** Scheduled: lapses unanswered reviews and destroys uploads whose time is up. Idempotent. */
export async function runBudgetReviewCleanup(
  deps: BudgetReviewDeps,
): Promise<{ lapsed: number; destroyed: number }> {
  const now = deps.clock();
  let lapsed = 0;
  let destroyed = 0;
  for (const review of await deps.reviews.due(now)) {
    try {
      const done = await cleanUp(deps, review, now);
      if (done === 'lapsed') lapsed += 1;
      if (done === 'destroyed') destroyed += 1;
    } catch (error) {
      // The licensee decided (or staff closed) meanwhile: the review is no longer what was due; the next run
      // sees its new state.
      if (!(error instanceof ConcurrentUpdateError)) throw error;
    }
  }
  return { lapsed, destroyed };
}

async function cleanUp(
  deps: BudgetReviewDeps,
  review: StoredBudgetReview,
  now: Date,
): Promise<'lapsed' | 'destroyed' | 'cleared'> {
  const actor: AuditActor = { kind: 'system', id: 'budget-review-cleanup' };
  const action = dueAction(review);
  const base = { ...review, openShard: undefined, dueAt: undefined, version: review.version + 1 };
  const strayKey = deps.reviews.uploadKey(review.licenseeId, review.reviewId);
  if (action === 'lapse') {
    // Written first, so an acceptance that won the race keeps its file. A file uploaded but never accepted
    // goes with the lapse; a URL issued just before the answer deadline may still bring one, so the review
    // keeps a deadline until that URL has expired.
    const stray = strayUploadDeadline(new Date(review.answerBy));
    await deps.reviews.save(
      {
        ...base,
        status: 'lapsed',
        ...(stray > now.toISOString() ? { openShard: budgetDeadlineShard, dueAt: stray } : {}),
      },
      review.version,
    );
    await deps.reviews.deleteUpload(strayKey);
    await deps.audit.record({
      actor,
      action: 'budget-review.lapsed',
      licenseeId: review.licenseeId,
      subjectId: review.reviewId,
    });
    return 'lapsed';
  }
  if (action === 'destroy-upload' && review.upload) {
    await deps.reviews.deleteUpload(review.upload.key);
    await deps.reviews.save(
      { ...base, upload: { ...review.upload, destroyedAt: now.toISOString() } },
      review.version,
    );
    await deps.audit.record({
      actor,
      action: 'budget-review.upload-destroyed',
      licenseeId: review.licenseeId,
      subjectId: review.reviewId,
    });
    return 'destroyed';
  }
  // Declined or lapsed, every upload URL expired: whatever a late PUT brought in goes now, for good.
  if (action === 'delete-stray') await deps.reviews.deleteUpload(strayKey);
  await deps.reviews.save(base, review.version);
  return 'cleared';
}
