import { ListObjectsV2Command, GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../../shared/adapters/raw-mail-store.js';
import { loadConfig } from '../../../shared/config.js';
import { addDays } from '../../../shared/domain/dates.js';
import { policy } from '../../../shared/domain/policy.js';
import { runBudgetReviewCleanup } from '../../../shared/services/budget-review.js';
import { createBudgetReviewDeps } from '../../../shared/wiring-budget-review.js';
import { registerLicensee } from '../../support/licensees.js';
import { startLocalApi, type LocalApi } from '../../support/local-api.js';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(async () => {
  await api?.close();
});

const upload = Buffer.from('Begroting 2027\nPatiënt J. Jansen, BSN 123456782, 12 behandelingen à € 95\n');

async function objectsOf(licenseeId: string) {
  const s3 = createS3Client(loadConfig(api.env));
  const listed = await s3.send(
    new ListObjectsV2Command({
      Bucket: api.env.BUDGET_REVIEW_BUCKET,
      Prefix: `budget-reviews/${licenseeId}/`,
    }),
  );
  return (listed.Contents ?? []).map((object) => object.Key!);
}

async function requested(reason = 'Controle begroting 2027, regel 14') {
  const licensee = await registerLicensee(api);
  const review = await api.staff('POST', '/api/admin/budget-reviews/request', {
    licenseeId: licensee.licenseeId,
    reason,
  });
  expect(review.status).toBe(200);
  return { licensee, reviewId: review.body.reviewId as string };
}

const actionsOf = async (licenseeId: string) =>
  (
    (await api.staff('POST', '/api/admin/audit', { licenseeId })).body.events as {
      action: string;
      actor: { kind: string };
    }[]
  ).map((event) => `${event.actor.kind}:${event.action}`);

/** The cleanup as the scheduler runs it, on the same table and bucket, at a chosen moment. */
const cleanupAt = (at: Date) =>
  runBudgetReviewCleanup(createBudgetReviewDeps(loadConfig(api.env), { clock: () => at }));

describe('budget reviews: the licensee decides', () => {
  it('asks by mail without details; a decline stores nothing', async () => {
    const { licensee, reviewId } = await requested();
    const mail = (await api.mailsTo(licensee.email)).at(-1)!;
    expect(mail.subject).toContain('Verzoek om gegevens voor een begroting');
    expect(mail.text).not.toContain('regel 14');

    const listed = await api.call('GET', '/api/me/budget-reviews', { token: licensee.token });
    expect(listed.body.reviews).toEqual([
      expect.objectContaining({ reviewId, status: 'requested', reason: 'Controle begroting 2027, regel 14' }),
    ]);

    const declined = await api.call('POST', '/api/me/budget-reviews/decide', {
      token: licensee.token,
      body: { reviewId, decision: 'decline' },
    });
    expect(declined.status).toBe(200);
    expect(declined.body.status).toBe('declined');
    expect(await objectsOf(licensee.licenseeId)).toEqual([]);
    const again = await api.call('POST', '/api/me/budget-reviews/decide', {
      token: licensee.token,
      body: { reviewId, decision: 'decline' },
    });
    expect(again.status).toBe(409);
    expect(await actionsOf(licensee.licenseeId)).toEqual(
      expect.arrayContaining(['staff:budget-review.requested', 'licensee:budget-review.declined']),
    );
  });

  it('accepts only with the consent attestation; the upload is encrypted, read by staff only through an audit, then destroyed', async () => {
    const { licensee, reviewId } = await requested();
    const body = {
      reviewId,
      decision: 'accept',
      upload: { contentType: 'text/csv', contentBase64: upload.toString('base64') },
    };
    const withoutConsent = await api.call('POST', '/api/me/budget-reviews/decide', {
      token: licensee.token,
      body,
    });
    expect(withoutConsent.status).toBe(400);
    expect(withoutConsent.body.errors).toContainEqual(expect.objectContaining({ field: 'patientConsent' }));
    expect(await objectsOf(licensee.licenseeId)).toEqual([]);

    const accepted = await api.call('POST', '/api/me/budget-reviews/decide', {
      token: licensee.token,
      body: { ...body, patientConsent: true },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', consentAttestedAt: expect.any(String) });

    const [key] = await objectsOf(licensee.licenseeId);
    const stored = await createS3Client(loadConfig(api.env)).send(
      new GetObjectCommand({ Bucket: api.env.BUDGET_REVIEW_BUCKET, Key: key }),
    );
    const ciphertext = Buffer.from(await stored.Body!.transformToByteArray()).toString('latin1');
    for (const secret of ['123456782', 'Jansen', 'Begroting']) expect(ciphertext).not.toContain(secret);

    const read = await api.staff('POST', '/api/admin/budget-reviews/read', {
      licenseeId: licensee.licenseeId,
      reviewId,
    });
    expect(read.status).toBe(200);
    expect(Buffer.from(read.body.contentBase64, 'base64').equals(upload)).toBe(true);
    const reads = (await actionsOf(licensee.licenseeId)).filter(
      (action) => action === 'staff:budget-review.upload-read-by-staff',
    );
    expect(reads).toHaveLength(1);

    const closed = await api.staff('POST', '/api/admin/budget-reviews/close', {
      licenseeId: licensee.licenseeId,
      reviewId,
    });
    expect(closed.body.status).toBe('closed');
    const closedAt = new Date(closed.body.closedAt);

    await cleanupAt(addDays(closedAt, policy.budgetReview.destroyUploadAfterDays - 1));
    expect(await objectsOf(licensee.licenseeId)).toHaveLength(1);
    const result = await cleanupAt(addDays(closedAt, policy.budgetReview.destroyUploadAfterDays));
    expect(result.destroyed).toBeGreaterThanOrEqual(1);
    expect(await objectsOf(licensee.licenseeId)).toEqual([]);
    expect(
      (
        await api.staff('POST', '/api/admin/budget-reviews/read', {
          licenseeId: licensee.licenseeId,
          reviewId,
        })
      ).status,
    ).toBe(404);
    expect(await actionsOf(licensee.licenseeId)).toContain('system:budget-review.upload-destroyed');
    const view = await api.call('GET', '/api/me/budget-reviews', { token: licensee.token });
    expect(view.body.reviews[0]).toMatchObject({ status: 'closed', uploadDestroyed: true });
  });

  it('lapses an unanswered request, after which it cannot be answered', async () => {
    const { licensee, reviewId } = await requested();
    const answerBy = new Date(
      (await api.call('GET', '/api/me/budget-reviews', { token: licensee.token })).body.reviews[0].answerBy,
    );
    await cleanupAt(new Date(answerBy.getTime() + 1000));
    const view = await api.call('GET', '/api/me/budget-reviews', { token: licensee.token });
    expect(view.body.reviews[0].status).toBe('lapsed');
    const late = await api.call('POST', '/api/me/budget-reviews/decide', {
      token: licensee.token,
      body: { reviewId, decision: 'decline' },
    });
    expect(late.status).toBe(409);
  });

  it('keeps reviews private to their licensee', async () => {
    const { reviewId } = await requested();
    const other = await registerLicensee(api);
    expect((await api.call('GET', '/api/me/budget-reviews', { token: other.token })).body.reviews).toEqual(
      [],
    );
    const foreign = await api.call('POST', '/api/me/budget-reviews/decide', {
      token: other.token,
      body: { reviewId, decision: 'decline' },
    });
    expect(foreign.status).toBe(404);
    expect((await api.call('GET', '/api/me/budget-reviews')).status).toBe(401);
  });
});
