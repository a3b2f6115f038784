import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { keyAlias } from '../names.js';

/**
 * The KMS keys. Each key has one job, so that a grant on one key says exactly what a function may do:
 * - `dataKey`: envelope encryption of licensees' personal data (the `pii` field). Only functions with the
 *   'encrypt' grant may GenerateDataKey, only functions with the 'decrypt' grant may Decrypt.
 * - `hmacKey`: HMAC_256 key for the blind email index (GenerateMac only).
 * - `tableKey`: server-side encryption of the DynamoDB table. Kept apart from `dataKey` so that the table's
 *   at-rest encryption (which every table user needs, via DynamoDB) never hands anyone Decrypt on `dataKey`.
 * - `logsKey`: encrypts the CloudWatch log groups (function logs and API access logs).
 * - `submissionKey`: seals a by-email submission between the route and its worker (KMS Encrypt by
 *   privacy-requests, Decrypt by the worker only, both only for purpose `by-email-submission`), so the worker's
 *   event and its dead-letter queue hold ciphertext no other function can open.
 *
 * All keys are RETAIN: deleting a key makes every ciphertext and backup under it unreadable, which must
 * be a deliberate act (the purge deletes data, never keys).
 */
export class Keys extends Construct {
  readonly dataKey: Key;
  readonly hmacKey: Key;
  readonly tableKey: Key;
  readonly logsKey: Key;
  readonly submissionKey: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.dataKey = new Key(this, 'DataKey', {
      description: 'ZorgSom Privacy: envelope encryption of licensee personal data',
      alias: keyAlias(this, 'data'),
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // HMAC keys cannot be rotated automatically by KMS (only symmetric encryption keys can); rotating it would
    // also change every email index, so it is a planned migration, not a background rotation.
    this.hmacKey = new Key(this, 'HmacKey', {
      description: 'ZorgSom Privacy: HMAC-SHA256 blind index of licensee email addresses',
      alias: keyAlias(this, 'email-index'),
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.tableKey = new Key(this, 'TableKey', {
      description: 'ZorgSom Privacy: DynamoDB table encryption at rest',
      alias: keyAlias(this, 'table'),
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.logsKey = new Key(this, 'LogsKey', {
      description: 'ZorgSom Privacy: CloudWatch Logs encryption',
      alias: keyAlias(this, 'logs'),
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.submissionKey = new Key(this, 'SubmissionKey', {
      description: 'ZorgSom Privacy: by-email submissions on their way to their worker (only it decrypts)',
      alias: keyAlias(this, 'submission'),
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const stack = Stack.of(this);
    // CloudWatch Logs encrypts with the key on behalf of log groups of this account and region only.
    this.logsKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccount',
        principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:GenerateDataKeyWithoutPlaintext',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }
}
