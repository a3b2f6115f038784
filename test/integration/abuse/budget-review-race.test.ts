import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it, vi } from 'vitest';
import { createS3Client } from '../../../shared/adapters/raw-mail-store.js';
import { loadConfig } from '../../../shared/config.js';
import { uploaded } from '../../support/budget-reviews.js';
import { registerLicensee } from '../../support/licensees.js';
import { useLocalApi } from '../../support/local-api.js';

// 50 requests at once against DynamoDB Local take seconds, more on a loaded machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

/**
 * Issue 9: accept and decline sent at once, 25 each, after the file was uploaded. The decision is one
 * conditional write, so exactly one wins, and a declined review keeps no upload (decline deletes it).
 */
const api = useLocalApi();

async function objectsOf(licenseeId: string) {
  const listed = await createS3Client(loadConfig(api.env)).send(
    new ListObjectsV2Command({
      Bucket: api.env.BUDGET_REVIEW_BUCKET,
      Prefix: `budget-reviews/${licenseeId}/`,
    }),
  );
  return (listed.Contents ?? []).map((object) => object.Key!);
}

const file = Buffer.from('regel;bedrag\n14;95\n');
const accept = (reviewId: string) => ({ reviewId, decision: 'accept', patientConsent: true });

describe('budget review: accept and decline at once', () => {
  it('25 accepts and 25 declines in parallel: one decision, and an upload only if it was accept', async () => {
    for (let round = 0; round < 3; round++) {
      const licensee = await registerLicensee(api);
      const requested = await api.staff('POST', '/api/admin/budget-reviews/request', {
        licenseeId: licensee.licenseeId,
        reason: 'Controle begroting 2027, regel 14',
      });
      const reviewId = requested.body.reviewId as string;
      // The file uploaded first, as the portal does.
      await uploaded(api, licensee.token, reviewId, file);
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          api.call('POST', '/api/me/budget-reviews/decide', {
            token: licensee.token,
            body: i % 2 === 0 ? accept(reviewId) : { reviewId, decision: 'decline' },
          }),
        ),
      );
      expect(answers.filter((answer) => answer.status >= 500)).toEqual([]);
      const won = answers.filter((answer) => answer.status === 200);
      expect(won).toHaveLength(1);
      answers.forEach((answer, i) => {
        if (answer === won[0]) return;
        expect(answer.status).toBe(409);
        // An accept that reads the file after a winning decline deleted it finds no upload: also a 409.
        const codes = i % 2 === 0 ? ['review-closed', 'upload-missing'] : ['review-closed'];
        expect(codes).toContain(answer.body.code);
      });
      const [review] = (await api.call('GET', '/api/me/budget-reviews', { token: licensee.token })).body
        .reviews;
      expect(review.status).toBe(won[0]!.body.status);
      const objects = await objectsOf(licensee.licenseeId);
      expect(objects).toHaveLength(review.status === 'accepted' ? 1 : 0);
    }
  });
});
