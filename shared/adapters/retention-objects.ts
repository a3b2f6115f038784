import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** A purge found an object to delete in a bucket this function was not given: fail loudly, never skip. */
export class BucketNotConfiguredError extends Error {
  override name = 'BucketNotConfiguredError';
}

export type RetentionObjects = ReturnType<typeof createRetentionObjects>;

/**
 * Deletes the objects a licensee's items name: raw inbound mail (`s3Objects`) and budget-review uploads.
 * DeleteObject of a missing key succeeds, so a resumed purge repeats deletes safely. One DeleteObject per
 * key (not DeleteObjects): a licensee has a handful of mails, and it needs no Content-MD5 handling.
 */
export function createRetentionObjects({
  s3,
  rawMailBucket,
  budgetReviewBucket,
}: {
  s3?: S3Client;
  rawMailBucket?: string;
  budgetReviewBucket?: string;
}) {
  async function remove(bucket: string | undefined, what: string, key: string): Promise<void> {
    if (!s3 || !bucket) throw new BucketNotConfiguredError(`no ${what} bucket configured`);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }
  return {
    deleteRawMail: (key: string) => remove(rawMailBucket, 'raw-mail', key),
    deleteBudgetUpload: (key: string) => remove(budgetReviewBucket, 'budget-review', key),
  };
}
