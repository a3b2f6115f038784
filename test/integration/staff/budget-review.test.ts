/**
 * Statement §4 end to end against the local stack: staff ask, the licensee decides; a shared file goes from
 * the client straight to (local) S3 on a presigned PUT and back to staff on a presigned GET, never through a
 * function. The local S3 checks SigV4 query signatures, x-amz-checksum-sha256 and the bucket policy's SSE-KMS
 * rule (local/s3.ts), so a tampered, expired or unencrypted upload is refused here as S3 refuses it.
 */
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createS3Client } from '../../../shared/adapters/raw-mail-store.js';
import { createRetentionStore } from '../../../shared/adapters/retention-store.js';
import { loadConfig } from '../../../shared/config.js';
import { addDays } from '../../../shared/domain/dates.js';
import { policy } from '../../../shared/domain/policy.js';
import {
  readBudgetUpload,
  requestBudgetReview,
  runBudgetReviewCleanup,
} from '../../../shared/services/budget-review.js';
import { createBudgetReviewDeps } from '../../../shared/wiring/budget-review.js';
import { createStaffDeps } from '../../../shared/wiring/staff.js';
import {
  putUpload as put,
  sha256Of,
  uploaded as uploadedOn,
  uploadUrl as uploadUrlOn,
  type UploadTarget,
} from '../../support/budget-reviews.js';
import { registerLicensee } from '../../support/licensees.js';
import { useLocalApi } from '../../support/local-api.js';

const api = useLocalApi();

const upload = Buffer.from('Begroting 2027\nPatiënt J. Jansen, BSN 123456782, 12 behandelingen à € 95\n');
const addSeconds = (from: Date, seconds: number) => new Date(from.getTime() + seconds * 1000);

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

/** The portal's upload steps on this file's API (test/support/budget-reviews.ts). */
const uploadUrl = (token: string, reviewId: string, file: Buffer, contentType?: string) =>
  uploadUrlOn(api, token, reviewId, file, contentType);
const uploaded = (token: string, reviewId: string, file = upload) => uploadedOn(api, token, reviewId, file);

const decide = (token: string, body: Record<string, unknown>) =>
  api.call('POST', '/api/me/budget-reviews/decide', { token, body });
const accept = (token: string, reviewId: string) =>
  decide(token, { reviewId, decision: 'accept', patientConsent: true });

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

    const declined = await decide(licensee.token, { reviewId, decision: 'decline' });
    expect(declined.status).toBe(200);
    expect(declined.body.status).toBe('declined');
    expect(await objectsOf(licensee.licenseeId)).toEqual([]);
    const again = await decide(licensee.token, { reviewId, decision: 'decline' });
    expect(again.status).toBe(409);
    expect((await uploadUrl(licensee.token, reviewId, upload)).status).toBe(409);
    expect(await actionsOf(licensee.licenseeId)).toEqual(
      expect.arrayContaining(['staff:budget-review.requested', 'licensee:budget-review.declined']),
    );
  });

  it('accepts only with the consent attestation and an uploaded file; staff download it through an audit; then destroyed', async () => {
    const { licensee, reviewId } = await requested();
    const target = await uploaded(licensee.token, reviewId);
    expect(target.method).toBe('PUT');
    const expiresIn = new Date(target.expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeLessThanOrEqual(policy.budgetReview.uploadUrlSeconds * 1000);
    expect(expiresIn).toBeGreaterThan(0);

    const withoutConsent = await decide(licensee.token, { reviewId, decision: 'accept' });
    expect(withoutConsent.status).toBe(400);
    expect(withoutConsent.body.errors).toContainEqual(expect.objectContaining({ field: 'patientConsent' }));
    // The old way (the file in the body) is refused: nothing large travels through the API.
    const inline = await decide(licensee.token, {
      reviewId,
      decision: 'accept',
      patientConsent: true,
      upload: { contentType: 'text/csv', contentBase64: upload.toString('base64') },
    });
    expect(inline.status).toBe(400);

    const accepted = await accept(licensee.token, reviewId);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', consentAttestedAt: expect.any(String) });
    expect(await objectsOf(licensee.licenseeId)).toEqual([
      `budget-reviews/${licensee.licenseeId}/${reviewId}`,
    ]);
    // Once accepted, no further URL is signed for it.
    expect((await uploadUrl(licensee.token, reviewId, upload)).status).toBe(409);

    const before = new Date(Date.now() - 1000).toISOString();
    const read = await api.staff('POST', '/api/admin/budget-reviews/read', {
      licenseeId: licensee.licenseeId,
      reviewId,
    });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ contentType: 'text/csv', bytes: upload.length });
    expect(JSON.stringify(read.body)).not.toContain('Jansen');
    // The audit event exists by the time the URL is in staff's hands.
    const events = (await api.staff('POST', '/api/admin/audit', { licenseeId: licensee.licenseeId })).body
      .events as { action: string; at: string }[];
    const reads = events.filter((event) => event.action === 'budget-review.upload-read-by-staff');
    expect(reads).toHaveLength(1);
    expect(reads[0]!.at >= before && reads[0]!.at <= read.body.expiresAt).toBe(true);
    const url = new URL(read.body.url);
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(60);
    expect(url.searchParams.get('response-content-disposition')).toBe(
      `attachment; filename="budget-review-${reviewId}.csv"`,
    );
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(upload)).toBe(true);
    expect(download.headers.get('content-disposition')).toContain('attachment');
    // The URL is signed: changed, it downloads nothing.
    url.searchParams.set('response-content-disposition', 'inline');
    expect((await fetch(url)).status).toBe(403);

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
    await uploaded(licensee.token, reviewId);
    const answerBy = new Date(
      (await api.call('GET', '/api/me/budget-reviews', { token: licensee.token })).body.reviews[0].answerBy,
    );
    await cleanupAt(new Date(answerBy.getTime() + 1000));
    const view = await api.call('GET', '/api/me/budget-reviews', { token: licensee.token });
    expect(view.body.reviews[0].status).toBe('lapsed');
    // The file uploaded but never accepted went with the lapse.
    expect(await objectsOf(licensee.licenseeId)).toEqual([]);
    const late = await decide(licensee.token, { reviewId, decision: 'decline' });
    expect(late.status).toBe(409);
  });

  it('keeps reviews private to their licensee', async () => {
    const { reviewId } = await requested();
    const other = await registerLicensee(api);
    expect((await api.call('GET', '/api/me/budget-reviews', { token: other.token })).body.reviews).toEqual(
      [],
    );
    const foreign = await decide(other.token, { reviewId, decision: 'decline' });
    expect(foreign.status).toBe(404);
    expect((await uploadUrl(other.token, reviewId, upload)).status).toBe(404);
    expect((await api.call('GET', '/api/me/budget-reviews')).status).toBe(401);
    expect((await uploadUrl('', reviewId, upload)).status).toBe(401);
  });
});

describe('budget-review uploads: presigned, exact, refused as S3 refuses', () => {
  it('refuses a file over the policy limit at the presign (413) and signs nothing', async () => {
    const { licensee, reviewId } = await requested();
    const tooLarge = await api.call('POST', '/api/me/budget-reviews/upload-url', {
      token: licensee.token,
      body: {
        reviewId,
        contentType: 'application/pdf',
        bytes: policy.budgetReview.maxUploadBytes + 1,
        sha256: sha256Of(upload),
      },
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.code).toBe('payload-too-large');
    expect(JSON.stringify(tooLarge.body)).not.toContain('X-Amz');
    const bad = await api.call('POST', '/api/me/budget-reviews/upload-url', {
      token: licensee.token,
      body: { reviewId, contentType: 'text/html', bytes: 0, sha256: 'YTti' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'bytes',
      'contentType',
      'sha256',
    ]);
    expect(await objectsOf(licensee.licenseeId)).toEqual([]);
  });

  it('signs length, type, checksum and SSE-KMS as headers S3 requires', async () => {
    const { licensee, reviewId } = await requested();
    const target = (await uploadUrl(licensee.token, reviewId, upload)).body as UploadTarget;
    const url = new URL(target.url);
    const signed = url.searchParams.get('X-Amz-SignedHeaders')!.split(';');
    expect(signed).toEqual(
      expect.arrayContaining([
        'content-length',
        'content-type',
        'host',
        'x-amz-checksum-sha256',
        'x-amz-server-side-encryption',
        'x-amz-server-side-encryption-aws-kms-key-id',
        'x-amz-server-side-encryption-context',
      ]),
    );
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBe(policy.budgetReview.uploadUrlSeconds);
    expect(url.pathname).toBe(
      `/${api.env.BUDGET_REVIEW_BUCKET}/budget-reviews/${licensee.licenseeId}/${reviewId}`,
    );
    // Nothing personal in the URL; the SSE-KMS values are headers, not query parameters.
    expect(target.url).not.toMatch(/server-side-encryption=|checksum-sha256=/i);
    expect(target.headers).toEqual({
      'content-type': 'text/csv',
      'x-amz-checksum-sha256': sha256Of(upload),
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': api.env.BUDGET_KEY_ID,
      'x-amz-server-side-encryption-context': expect.any(String),
    });
    expect(
      JSON.parse(Buffer.from(target.headers['x-amz-server-side-encryption-context']!, 'base64').toString()),
    ).toEqual({ licenseeId: licensee.licenseeId, purpose: `budget-review:${reviewId}` });
  });

  it('refuses a tampered length, type or checksum, a missing SSE header and an expired URL', async () => {
    const { licensee, reviewId } = await requested();
    const target = (await uploadUrl(licensee.token, reviewId, upload)).body as UploadTarget;
    const longer = Buffer.concat([upload, Buffer.from('extra')]);
    expect((await put(target, longer)).status).toBe(403);
    expect((await put(target, upload, { ...target.headers, 'content-type': 'application/pdf' })).status).toBe(
      403,
    );
    const sameLengthOther = Buffer.from(upload);
    sameLengthOther[0] = sameLengthOther[0]! ^ 1;
    const wrongBody = await put(target, sameLengthOther);
    expect(wrongBody.status).toBe(400);
    expect(await wrongBody.text()).toContain('BadDigest');
    const { 'x-amz-server-side-encryption-aws-kms-key-id': _keyId, ...withoutKey } = target.headers;
    expect((await put(target, upload, withoutKey)).status).toBe(403);
    expect(await objectsOf(licensee.licenseeId)).toEqual([]);

    // The bucket policy: even a signed-in SDK client cannot store an object there without SSE-KMS.
    const s3 = createS3Client(loadConfig(api.env));
    await expect(
      s3.send(
        new PutObjectCommand({
          Bucket: api.env.BUDGET_REVIEW_BUCKET,
          Key: `budget-reviews/${licensee.licenseeId}/${reviewId}`,
          Body: upload,
        }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });

    const deps = createBudgetReviewDeps(loadConfig(api.env));
    const shortLived = await deps.reviews.presignUpload({
      key: deps.reviews.uploadKey(licensee.licenseeId, reviewId),
      contentType: 'text/csv',
      bytes: upload.length,
      sha256: sha256Of(upload),
      keyId: api.env.BUDGET_KEY_ID!,
      encryptionContext: { licenseeId: licensee.licenseeId, purpose: `budget-review:${reviewId}` },
      expiresInSeconds: 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const expired = await fetch(shortLived.url, { method: 'PUT', headers: shortLived.headers, body: upload });
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('expired');
    expect(await objectsOf(licensee.licenseeId)).toEqual([]);

    // The untampered request still goes through.
    expect((await put(target, upload)).status).toBe(200);
    expect(await objectsOf(licensee.licenseeId)).toHaveLength(1);
  });

  it('refuses an acceptance without an upload, and one whose stored file is not what may be kept', async () => {
    const { licensee, reviewId } = await requested();
    const missing = await accept(licensee.token, reviewId);
    expect(missing.status).toBe(409);
    expect(missing.body.code).toBe('upload-missing');

    // Stored past the presign (as only a principal with the bucket's own rights could): a type never signed.
    const s3 = createS3Client(loadConfig(api.env));
    await s3.send(
      new PutObjectCommand({
        Bucket: api.env.BUDGET_REVIEW_BUCKET,
        Key: `budget-reviews/${licensee.licenseeId}/${reviewId}`,
        Body: '<script>',
        ContentType: 'text/html',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: api.env.BUDGET_KEY_ID,
      }),
    );
    const invalid = await accept(licensee.token, reviewId);
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('upload-invalid');
    expect(await objectsOf(licensee.licenseeId)).toEqual([]);
    const view = await api.call('GET', '/api/me/budget-reviews', { token: licensee.token });
    expect(view.body.reviews[0].status).toBe('requested');
  });

  it('declining after a presign leaves no object, even when the URL is used after the decline', async () => {
    const { licensee, reviewId } = await requested();
    await uploaded(licensee.token, reviewId);
    const second = (await uploadUrl(licensee.token, reviewId, upload)).body as UploadTarget;
    const declined = await decide(licensee.token, { reviewId, decision: 'decline' });
    expect(declined.status).toBe(200);
    expect(await objectsOf(licensee.licenseeId)).toEqual([]);

    // A URL issued before the decline is still valid for a few minutes: the cleanup deletes what it brings.
    expect((await put(second, upload)).status).toBe(200);
    expect(await objectsOf(licensee.licenseeId)).toHaveLength(1);
    const decidedAt = new Date(declined.body.decidedAt);
    await cleanupAt(addSeconds(decidedAt, 30));
    expect(await objectsOf(licensee.licenseeId)).toHaveLength(1);
    await cleanupAt(addSeconds(decidedAt, policy.budgetReview.uploadUrlSeconds + 61));
    expect(await objectsOf(licensee.licenseeId)).toEqual([]);
    // Nothing is due any more: the review left the deadline index.
    expect(
      (await createBudgetReviewDeps(loadConfig(api.env)).reviews.due(addDays(decidedAt, 400))).filter(
        (review) => review.reviewId === reviewId,
      ),
    ).toEqual([]);
  });

  it('an accept racing a decline: one wins, the other is a 409; declined means no object', async () => {
    for (let round = 0; round < 4; round++) {
      const { licensee, reviewId } = await requested();
      await uploaded(licensee.token, reviewId);
      const [accepted, declined] = await Promise.all([
        accept(licensee.token, reviewId),
        decide(licensee.token, { reviewId, decision: 'decline' }),
      ]);
      expect([accepted.status, declined.status].sort()).toEqual([200, 409]);
      const view = (await api.call('GET', '/api/me/budget-reviews', { token: licensee.token })).body
        .reviews[0];
      if (declined.status === 200) {
        expect(view.status).toBe('declined');
        expect(await objectsOf(licensee.licenseeId)).toEqual([]);
      } else {
        expect(view.status).toBe('accepted');
        expect(await objectsOf(licensee.licenseeId)).toHaveLength(1);
      }
    }
  });

  it('50 parallel presigns and acceptances: no 5xx, one acceptance wins', async () => {
    const { licensee, reviewId } = await requested();
    await uploaded(licensee.token, reviewId);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0 ? uploadUrl(licensee.token, reviewId, upload) : accept(licensee.token, reviewId),
      ),
    );
    expect(responses.filter((response) => response.status >= 500)).toEqual([]);
    const acceptances = responses.filter((_, i) => i % 2 === 1);
    expect(acceptances.filter((response) => response.status === 200)).toHaveLength(1);
    expect(acceptances.every((response) => [200, 409].includes(response.status))).toBe(true);
    expect(
      responses.filter((_, i) => i % 2 === 0).every((response) => [200, 409].includes(response.status)),
    ).toBe(true);
    const accepted = (await actionsOf(licensee.licenseeId)).filter(
      (action) => action === 'licensee:budget-review.accepted',
    );
    expect(accepted).toHaveLength(1);
  });

  it('a purge of the licensee names the file of a review not (yet) accepted, so it is deleted with the rest', async () => {
    const { licensee, reviewId } = await requested();
    await uploaded(licensee.token, reviewId);
    const store = createRetentionStore({ client: api.dynamodb, tableName: api.env.TABLE_NAME });
    const named = async () =>
      (await store.itemsToPurge(licensee.licenseeId)).flatMap((item) =>
        item.budgetUpload ? [item.budgetUpload] : [],
      );
    expect(await named()).toEqual([`budget-reviews/${licensee.licenseeId}/${reviewId}`]);
    // Declined: named while a URL issued before may still bring a file; not once the cleanup cleared it.
    const declined = await decide(licensee.token, { reviewId, decision: 'decline' });
    expect(await named()).toHaveLength(1);
    await cleanupAt(addSeconds(new Date(declined.body.decidedAt), policy.budgetReview.uploadUrlSeconds + 61));
    expect(await named()).toEqual([]);
  });

  it('issues no download URL when the audit write fails', async () => {
    const { licensee, reviewId } = await requested();
    await uploaded(licensee.token, reviewId);
    expect((await accept(licensee.token, reviewId)).status).toBe(200);
    const base = createBudgetReviewDeps(loadConfig(api.env));
    let signed = 0;
    const deps = {
      ...base,
      reviews: {
        ...base.reviews,
        presignDownload: async (...args: Parameters<typeof base.reviews.presignDownload>) => {
          signed += 1;
          return base.reviews.presignDownload(...args);
        },
      },
      audit: {
        ...base.audit,
        record: async () => {
          throw new Error('audit write failed');
        },
      },
    };
    await expect(
      readBudgetUpload(deps, { kind: 'staff', id: 'test' }, licensee.licenseeId, reviewId),
    ).rejects.toThrow('audit write failed');
    expect(signed).toBe(0);
  });

  it('gives the download only to staff: a licensee, a caller without a staff token or with a forged one gets nothing, and no read is audited', async () => {
    const { licensee, reviewId } = await requested();
    await uploaded(licensee.token, reviewId);
    expect((await accept(licensee.token, reviewId)).status).toBe(200);
    const body = { licenseeId: licensee.licenseeId, reviewId };
    for (const token of [licensee.token, undefined, 'not-a-staff-token']) {
      const refused = await api.call('POST', '/api/admin/budget-reviews/read', { body, token });
      expect(refused.status).toBe(401);
      expect(JSON.stringify(refused.body ?? {})).not.toContain('X-Amz');
    }
    expect(await actionsOf(licensee.licenseeId)).not.toContain('staff:budget-review.upload-read-by-staff');
  });
});

describe('a budget review request exists only with its mail to the licensee', () => {
  it('when the outbox write fails there is no review, no audit event and no mail; otherwise exactly one mail', async () => {
    const licensee = await registerLicensee(api);
    const config = loadConfig(api.env);
    const deps = { ...createStaffDeps(config, { count: () => {} }), ...createBudgetReviewDeps(config) };
    const staff = { kind: 'staff', id: 'budget-review-test' } as const;
    const input = { licenseeId: licensee.licenseeId, reason: 'Controle begroting 2028, regel 3' };
    const reviewMails = async () =>
      (await api.mailsTo(licensee.email)).filter((mail) =>
        mail.subject.includes('Verzoek om gegevens voor een begroting'),
      );
    const reviewsOf = async () =>
      (await api.call('GET', '/api/me/budget-reviews', { token: licensee.token })).body.reviews;

    // DynamoDB refuses the outbox item inside the transaction (its key is new, so the condition fails).
    const outboxRefused = {
      ...deps,
      mailer: {
        ...deps.mailer,
        outboxItem: async (mail: Parameters<typeof deps.mailer.outboxItem>[0]) => {
          const { Put } = await deps.mailer.outboxItem(mail);
          return { Put: { ...Put!, ConditionExpression: 'attribute_exists(pk)' } };
        },
      },
    };
    await expect(requestBudgetReview(outboxRefused, staff, input)).rejects.toThrow();
    expect(await reviewsOf()).toEqual([]);
    expect(await actionsOf(licensee.licenseeId)).not.toContain('staff:budget-review.requested');
    expect(await reviewMails()).toEqual([]);

    const review = await requestBudgetReview(deps, staff, input);
    expect(await reviewsOf()).toEqual([expect.objectContaining({ reviewId: review.reviewId })]);
    expect(await actionsOf(licensee.licenseeId)).toContain('staff:budget-review.requested');
    expect(await reviewMails()).toHaveLength(1);
  });
});
