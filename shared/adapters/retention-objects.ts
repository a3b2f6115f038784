import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';

/** A purge found an object to delete in a bucket this function was not given: fail loudly, never skip. */
export class BucketNotConfiguredError extends Error {
  override name = 'BucketNotConfiguredError';
}

/** S3 answered a DeleteObjects with per-key errors: the purge stops here and the next run repeats it. */
export class ObjectsNotDeletedError extends Error {
  override name = 'ObjectsNotDeletedError';
  constructor(readonly failed: number) {
    super(`${failed} objects were not deleted`);
  }
}

export type RetentionObjects = ReturnType<typeof createRetentionObjects>;

/** DeleteObjects takes at most this many keys. */
const deleteObjectsLimit = 1000;

/**
 * Deletes the objects a licensee's items name: raw inbound mail (`s3Objects`) and budget-review uploads, one
 * DeleteObjects per bucket and batch of up to 1,000 keys. Deleting a missing key succeeds, so a resumed purge
 * repeats deletes safely; any per-key error fails the call (nothing is skipped silently).
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
  async function remove(bucket: string | undefined, what: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    if (!s3 || !bucket) throw new BucketNotConfiguredError(`no ${what} bucket configured`);
    for (let start = 0; start < keys.length; start += deleteObjectsLimit) {
      const batch = keys.slice(start, start + deleteObjectsLimit);
      const { Errors = [] } = await s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      if (Errors.length > 0) throw new ObjectsNotDeletedError(Errors.length);
    }
  }
  return {
    deleteRawMails: (keys: readonly string[]) => remove(rawMailBucket, 'raw-mail', keys),
    deleteBudgetUploads: (keys: readonly string[]) => remove(budgetReviewBucket, 'budget-review', keys),
  };
}
