/**
 * The presigned URLs as the functions produce them in AWS (default S3 client, role credentials): offline,
 * since presigning needs no network. The URL's origin is the bucket's regional domain, the one origin the
 * portal's CSP admits besides its own (infra/stack.ts passes `https://<bucketRegionalDomainName>`).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import {
  createBudgetReviewStore,
  uploadBrowserHeaders,
} from '../../../shared/adapters/budget-review-store.js';

const s3 = new S3Client({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session' },
});
const store = createBudgetReviewStore({
  client: undefined as never,
  tableName: 'unused',
  s3,
  bucket: 'uploads-bucket',
});
const keyId = 'arn:aws:kms:eu-west-1:111122223333:key/0000';

describe('budget-review presigned URLs (AWS form)', () => {
  it('PUT: the regional bucket origin; length, type, checksum and SSE-KMS signed as headers, none in the query', async () => {
    const { url, headers } = await store.presignUpload({
      key: 'budget-reviews/L/R',
      contentType: 'application/pdf',
      bytes: 1234,
      sha256: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
      keyId,
      encryptionContext: { licenseeId: 'L', purpose: 'budget-review:R' },
      expiresInSeconds: 300,
    });
    const parsed = new URL(url);
    expect(parsed.origin).toBe('https://uploads-bucket.s3.eu-west-1.amazonaws.com');
    expect(parsed.pathname).toBe('/budget-reviews/L/R');
    expect(parsed.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(parsed.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual([
      'content-length',
      'content-type',
      'host',
      'x-amz-checksum-sha256',
      'x-amz-server-side-encryption',
      'x-amz-server-side-encryption-aws-kms-key-id',
      'x-amz-server-side-encryption-context',
    ]);
    for (const name of parsed.searchParams.keys()) expect(name).not.toMatch(/server-side|checksum-sha256/i);
    expect(Object.keys(headers).sort()).toEqual([...uploadBrowserHeaders].sort());
    expect(headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe(keyId);
  });

  it('GET: the same origin, short-lived, as an attachment', async () => {
    const url = new URL(await store.presignDownload('budget-reviews/L/R', 'budget-review-R.pdf', 60));
    expect(url.origin).toBe('https://uploads-bucket.s3.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('response-content-disposition')).toBe(
      'attachment; filename="budget-review-R.pdf"',
    );
  });
});
