import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { policy } from '../../shared/domain/policy.js';
import { keyAlias } from '../names.js';

/**
 * Patient data a licensee chose to give for a budget check: its own KMS key and its own bucket, apart from
 * all licensee data. Uploads are Encryption-SDK messages under this key; the bucket adds SSE-KMS with it.
 */
export class BudgetReviewStorage extends Construct {
  readonly key: Key;
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      alias: keyAlias(this, 'budget-reviews'),
      description:
        'ZorgSom budget-review uploads (patient data given with consent); apart from licensee data',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Upper bound on any upload's life, should the scheduled cleanup ever stop: the answer window plus the
    // destruction delay, with a week to spare.
    const backstopDays =
      policy.budgetReview.answerWithinDays + policy.budgetReview.destroyUploadAfterDays + 7;
    this.bucket = new Bucket(this, 'Uploads', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: false,
      lifecycleRules: [
        {
          id: 'destroy-backstop',
          expiration: Duration.days(backstopDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const reasons: Record<string, string> = {
      'AwsSolutions-S1':
        'Every read of an upload goes through the staff API, which writes an audit event with the staff principal ' +
        'before decrypting; S3 server access logs would duplicate that with object keys that name licensees.',
      'HIPAA.Security-S3BucketLoggingEnabled':
        'See AwsSolutions-S1: reads are audited by the application before decryption.',
      'NIST.800.53.R5-S3BucketLoggingEnabled':
        'See AwsSolutions-S1: reads are audited by the application before decryption.',
      'HIPAA.Security-S3BucketVersioningEnabled':
        'Versioning would keep destroyed uploads as noncurrent versions; the statement promises destruction a fixed time after the review.',
      'NIST.800.53.R5-S3BucketVersioningEnabled':
        'Versioning would keep destroyed uploads as noncurrent versions; the statement promises destruction a fixed time after the review.',
      'HIPAA.Security-S3BucketReplicationEnabled':
        'Replication would make copies outside the destruction schedule of patient data that lives at most weeks.',
      'NIST.800.53.R5-S3BucketReplicationEnabled':
        'Replication would make copies outside the destruction schedule of patient data that lives at most weeks.',
      'NIST.800.53.R5-S3DefaultEncryptionKMS':
        'Encrypted with the customer-managed budget-review key (SSE-KMS).',
    };
    for (const [id, reason] of Object.entries(reasons))
      Validations.of(this.bucket).acknowledge({ id, reason });
  }
}
