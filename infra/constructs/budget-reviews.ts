import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { uploadBrowserHeaders } from '../../shared/adapters/budget-review-store.js';
import { policy } from '../../shared/domain/policy.js';
import { keyAlias } from '../names.js';

export interface BudgetReviewStorageProps {
  /** The portal's origin (`https://portal.example.nl`): the only one whose browser may PUT an upload. */
  readonly portalOrigin: string;
}

/**
 * Patient data a licensee chose to give for a budget check: its own KMS key and its own bucket, apart from
 * all licensee data. The browser PUTs a file on a presigned URL (SSE-KMS with this key and the review's
 * encryption context, as signed headers); staff GET it on one. The bucket policy refuses any PutObject that
 * is not SSE-KMS under this key, and CORS lets only the portal's origin PUT, with exactly the signed headers.
 */
export class BudgetReviewStorage extends Construct {
  readonly key: Key;
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: BudgetReviewStorageProps) {
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
      // No S3 Bucket Key: each object's data key comes from KMS with the object's own encryption context
      // ({ licenseeId, purpose }), so every upload and every staff download is a KMS event of its own in
      // CloudTrail. Uploads are few; the per-object KMS calls cost nothing that matters.
      bucketKeyEnabled: false,
      cors: [
        {
          allowedOrigins: [props.portalOrigin],
          allowedMethods: [HttpMethods.PUT],
          allowedHeaders: [...uploadBrowserHeaders],
          exposedHeaders: ['ETag'],
          maxAge: policy.budgetReview.uploadUrlSeconds,
        },
      ],
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
    // Whoever signs a PUT (a presigned URL of the budget-review function, or anyone else), S3 stores nothing
    // here that is not SSE-KMS under the budget key: absent headers fail StringNotEquals too.
    for (const [sid, condition, value] of [
      ['DenyUnencryptedUploads', 's3:x-amz-server-side-encryption', 'aws:kms'],
      ['DenyOtherKeys', 's3:x-amz-server-side-encryption-aws-kms-key-id', this.key.keyArn],
    ] as const) {
      this.bucket.addToResourcePolicy(
        new PolicyStatement({
          sid,
          effect: Effect.DENY,
          principals: [new AnyPrincipal()],
          actions: ['s3:PutObject'],
          resources: [this.bucket.arnForObjects('*')],
          conditions: { StringNotEquals: { [condition]: value } },
        }),
      );
    }
    const reasons: Record<string, string> = {
      'AwsSolutions-S1':
        'Every read of an upload is a presigned URL the staff API issues only after writing an audit event with ' +
        'the staff principal, and each decrypt is a KMS CloudTrail event with the object’s encryption context; ' +
        'S3 server access logs would duplicate that with object keys that name licensees.',
      'HIPAA.Security-S3BucketLoggingEnabled':
        'See AwsSolutions-S1: every download URL is audited by the application before it exists.',
      'NIST.800.53.R5-S3BucketLoggingEnabled':
        'See AwsSolutions-S1: every download URL is audited by the application before it exists.',
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
