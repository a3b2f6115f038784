import * as z from 'zod';
import type { AuditLog } from '../adapters/audit-log.js';
import type { BudgetReviewStore } from '../adapters/budget-review-store.js';
import type { AuditActor } from '../domain/audit.js';
import {
  destructionDeadline,
  dueAction,
  newReview,
  viewOfReview,
  type BudgetReviewView,
  type StoredBudgetReview,
} from '../domain/budget-review.js';
import { ulidSchema } from '../domain/ids.js';
import { policy } from '../domain/policy.js';
import { ConcurrentUpdateError, ProblemError } from '../domain/problem-error.js';
import type { ServiceDeps } from './deps.js';
import { mails } from './mail-templates.js';
import { openPii } from './personal-data-vault.js';
import type { Envelope } from './ports.js';

/** The budget-review key's envelope, kept apart from the personal-data key. */
export interface BudgetReviewDeps extends Pick<ServiceDeps, 'clock' | 'newId'> {
  reviews: BudgetReviewStore;
  budgetEnvelope: Envelope;
  audit: AuditLog;
}

const uploadContext = (review: StoredBudgetReview) => ({
  licenseeId: review.licenseeId,
  purpose: `budget-review:${review.reviewId}`,
});

export const budgetReviewRequestSchema = z.strictObject({
  licenseeId: ulidSchema,
  reason: z.string().trim().min(5, { message: 'required' }).max(300, { message: 'too-long' }),
});

const contentTypes = [
  'application/pdf',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'image/png',
  'image/jpeg',
] as const;

export const budgetDecisionSchema = z.discriminatedUnion('decision', [
  z.strictObject({ reviewId: ulidSchema, decision: z.literal('decline') }),
  z.strictObject({
    reviewId: ulidSchema,
    decision: z.literal('accept'),
    /** Statement §4: given only with the patient's consent; the licensee confirms having it. */
    patientConsent: z.literal(true, { message: 'consent-required' }),
    upload: z.strictObject({
      contentType: z.enum(contentTypes, { message: 'invalid-format' }),
      contentBase64: z.base64({ message: 'invalid-format' }),
    }),
  }),
]);
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
  await deps.reviews.save(review, 0);
  await deps.audit.record({
    actor,
    action: 'budget-review.requested',
    licenseeId: review.licenseeId,
    subjectId: review.reviewId,
  });
  const { data } = await openPii(deps.envelope, profile.licenseeId, profile.pii);
  await deps.mailer.send(mails.budgetReviewRequested(data.email, data.name, deps.portalUrl, review.answerBy));
  return viewOfReview(review);
}

export async function listBudgetReviews(
  deps: BudgetReviewDeps,
  licenseeId: string,
): Promise<BudgetReviewView[]> {
  return (await deps.reviews.list(licenseeId)).map(viewOfReview);
}

/**
 * The licensee's decision, taken by one conditional write on the review: of an accept and a decline sent
 * at once exactly one wins, and the other gets 409 `review-closed`. Declining stores nothing. Accepting
 * records the decision first and only then stores the upload (encrypted under the budget key), so no
 * upload is ever stored for a review that was declined; if storing fails the decision is taken back.
 */
export async function decideBudgetReview(
  deps: BudgetReviewDeps,
  licenseeId: string,
  decision: BudgetDecision,
): Promise<BudgetReviewView> {
  const now = deps.clock();
  const review = await load(deps, licenseeId, decision.reviewId);
  if (review.status !== 'requested' || new Date(review.answerBy) <= now)
    throw new ProblemError(409, 'review-closed');
  const actor: AuditActor = { kind: 'licensee', id: licenseeId };
  const decide = async (updated: StoredBudgetReview) => {
    try {
      await deps.reviews.save(updated, review.version);
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) throw new ProblemError(409, 'review-closed');
      throw error;
    }
  };
  let updated: StoredBudgetReview;
  if (decision.decision === 'decline') {
    updated = {
      ...review,
      status: 'declined',
      decidedAt: now.toISOString(),
      openShard: undefined,
      dueAt: undefined,
      version: review.version + 1,
    };
    await decide(updated);
  } else {
    const bytes = Buffer.from(decision.upload.contentBase64, 'base64');
    if (bytes.length === 0)
      throw new ProblemError(400, 'invalid-input', [{ field: 'upload.contentBase64', code: 'required' }]);
    if (bytes.length > policy.budgetReview.maxUploadBytes) throw new ProblemError(413, 'payload-too-large');
    const ciphertext = await deps.budgetEnvelope.encrypt(bytes, uploadContext(review));
    const key = deps.reviews.uploadKey(licenseeId, review.reviewId);
    updated = {
      ...review,
      status: 'accepted',
      decidedAt: now.toISOString(),
      consentAttestedAt: now.toISOString(),
      upload: { key, bytes: bytes.length, contentType: decision.upload.contentType },
      dueAt: destructionDeadline(review),
      version: review.version + 1,
    };
    await decide(updated);
    try {
      await deps.reviews.putUpload(key, ciphertext);
    } catch (error) {
      // Nothing was stored: the review is open again for the licensee to retry or decline.
      await deps.reviews.save({ ...review, version: updated.version + 1 }, updated.version);
      throw error;
    }
  }
  await deps.audit.record({
    actor,
    action: `budget-review.${updated.status}`,
    licenseeId,
    subjectId: review.reviewId,
    details: updated.upload ? { bytes: updated.upload.bytes, consentAttested: true } : {},
  });
  return viewOfReview(updated);
}

/** Staff read of an upload: audited before the plaintext exists. */
export async function readBudgetUpload(
  deps: BudgetReviewDeps,
  actor: AuditActor,
  licenseeId: string,
  reviewId: string,
): Promise<{ contentType: string; contentBase64: string }> {
  const review = await load(deps, licenseeId, reviewId);
  if (!review.upload || review.upload.destroyedAt) throw new ProblemError(404, 'not-found');
  await deps.audit.record({
    actor,
    action: 'budget-review.upload-read-by-staff',
    licenseeId,
    subjectId: reviewId,
  });
  const plaintext = await deps.budgetEnvelope.decrypt(
    await deps.reviews.getUpload(review.upload.key),
    uploadContext(review),
  );
  return { contentType: review.upload.contentType, contentBase64: Buffer.from(plaintext).toString('base64') };
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
  const actor: AuditActor = { kind: 'system', id: 'budget-review-cleanup' };
  let lapsed = 0;
  let destroyed = 0;
  for (const review of await deps.reviews.due(now)) {
    const action = dueAction(review);
    const base = { ...review, openShard: undefined, dueAt: undefined, version: review.version + 1 };
    if (action === 'lapse') {
      await deps.reviews.save({ ...base, status: 'lapsed' }, review.version);
      await deps.audit.record({
        actor,
        action: 'budget-review.lapsed',
        licenseeId: review.licenseeId,
        subjectId: review.reviewId,
      });
      lapsed += 1;
    } else if (action === 'destroy-upload' && review.upload) {
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
      destroyed += 1;
    } else {
      await deps.reviews.save(base, review.version);
    }
  }
  return { lapsed, destroyed };
}
