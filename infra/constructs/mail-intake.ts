import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
  type CfnBucket,
} from 'aws-cdk-lib/aws-s3';
import { ReceiptRule, ReceiptRuleSet, TlsPolicy, type IReceiptRuleSet } from 'aws-cdk-lib/aws-ses';
import { Lambda as LambdaAction, LambdaInvocationType, S3 as S3Action } from 'aws-cdk-lib/aws-ses-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FailureQueue } from './failure-queue.js';
import { keyAlias } from '../names.js';
import type { FunctionGrants } from '../../functions/routes.js';
import { rawMailPrefix } from '../../shared/domain/mail-classification.js';
import { policy } from '../../shared/domain/policy.js';
import { shortRetentionTag } from '../../shared/adapters/raw-mail-store.js';
import { statementsFor, zorgSomFunction, type GrantTargets } from './functions.js';

/** The background functions of the privacy-request workflow and what each may do (exact ARNs in infra). */
export const backgroundFunctionGrants = {
  // Encrypts a request's text, matches the sender by blind index; never decrypts personal data.
  'mail-intake': { kms: ['encrypt', 'mac'], sendMail: true },
  // Mails reminders and retried outcomes to the address on record (decrypts it); never encrypts.
  'request-hygiene': { kms: ['decrypt', 'mac'], sendMail: true },
} as const satisfies Record<string, FunctionGrants>;
export type BackgroundFunctionName = keyof typeof backgroundFunctionGrants;
export const backgroundFunctionNames = Object.keys(backgroundFunctionGrants) as BackgroundFunctionName[];

export interface MailIntakeProps {
  /** Mail to info@<domainName> is received (that domain's MX record points at SES inbound). */
  readonly domainName: string;
  /** Only one rule set is active per account and region: a second stage adds its rule to the active one. */
  readonly existingRuleSetName?: string;
  readonly logsKey: IKey;
  readonly targets: GrantTargets;
  /** The functions' common environment (shared/config.ts). */
  readonly environment: Record<string, string>;
}

/** mail-intake's memory: a 40 MB mail (SES's limit) with attachments parses within it (`npm run bench`, mail). */
export const mailIntakeMemoryMb = 1024;

/**
 * Inbound mail (statement: "stuur een mail naar info@zorgsom.nl onder vermelding van 'Privacy'"):
 * SES receipt rule → S3 action (raw MIME, SSE-KMS, TLS only, private, expiring) → Lambda action (mail-intake,
 * asynchronous). Failed asynchronous invocations of mail-intake and of the daily request-hygiene land in one
 * encrypted dead-letter queue whose first message raises an alarm; the raw mail stays in S3 meanwhile, so
 * nothing is lost. CloudFormation cannot activate a receipt rule set: see README (one CLI call).
 */
export class MailIntake extends Construct {
  readonly key: Key;
  readonly bucket: Bucket;
  readonly ruleSet: IReceiptRuleSet;
  readonly rule: ReceiptRule;
  readonly deadLetterQueue: Queue;
  readonly alarm: Alarm;
  readonly alarmTopic: Topic;
  readonly intakeFunction: NodejsFunction;
  readonly hygieneFunction: NodejsFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: MailIntakeProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const sourceAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };

    this.key = new Key(this, 'RawMailKey', {
      description: 'ZorgSom Privacy: raw inbound mail, its dead letters and alarms',
      alias: keyAlias(this, 'raw-mail'),
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The rule set is created first so the key policy can name it (SES's documented key-policy form: only
    // receipt rules of this rule set, in this account, may have SES generate data keys under this key).
    this.ruleSet = props.existingRuleSetName
      ? ReceiptRuleSet.fromReceiptRuleSetName(this, 'RuleSet', props.existingRuleSetName)
      : new ReceiptRuleSet(this, 'RuleSet', {});
    const receiptRules = stack.formatArn({
      service: 'ses',
      resource: 'receipt-rule-set',
      resourceName: `${this.ruleSet.receiptRuleSetName}:receipt-rule/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    // The S3 action names no kmsKey (the bucket's default encryption applies), so SES needs a data key.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowSesToEncryptMessagesBelongingToThisAccount',
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { ...sourceAccount, ArnLike: { 'aws:SourceArn': receiptRules } },
      }),
    );
    // CloudWatch alarms of this account publish to the encrypted alarm topic.
    const alarmsOfThisAccount = stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToNotify',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { ...sourceAccount, ArnLike: { 'aws:SourceArn': alarmsOfThisAccount } },
      }),
    );

    this.bucket = new Bucket(this, 'RawMail', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Not versioned: a deletion (patient data) must really remove the mail, not leave a version behind.
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'raw-mail',
          expiration: Duration.days(policy.retention.rawMailDays),
          // Belt and braces should versioning ever be switched on.
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        {
          id: 'patient-data-and-quarantine',
          tagFilters: { [shortRetentionTag.key]: shortRetentionTag.value },
          expiration: Duration.days(policy.retention.rawMailWithPatientDataDays),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
    });
    const bucketId = stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only SES (PutObject, this account and rule) and mail-intake (Get, Tag, Delete under inbound/) touch ' +
        'the bucket; server access logs would copy object keys and requester details into a second bucket ' +
        'that outlives the raw mail it describes. Intake outcomes are in the function logs and the audit log.',
    });
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
      Validations.of(this.bucket).acknowledge({
        id: `${pack}-S3BucketLoggingEnabled`,
        reason: 'See AwsSolutions-S1: access logs would keep traces of raw mail longer than the mail itself.',
      });
      Validations.of(this.bucket).acknowledge({
        id: `${pack}-S3BucketReplicationEnabled`,
        reason:
          `Raw mail is transient (at most ${policy.retention.rawMailDays} days); a replica would be a second ` +
          'copy of personal data to purge. A lost object is recovered from the DLQ event and the sender.',
      });
      Validations.of(this.bucket).acknowledge({
        id: `${pack}-S3BucketVersioningEnabled`,
        reason:
          'Deliberately unversioned: raw mail with patient data is deleted right after intake, and a version ' +
          'would keep it. Objects are written once by SES and never overwritten.',
      });
    }

    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'ZorgSom Privacy: mail intake alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    // A topic policy replaces SNS's default one, and enforceSSL makes a policy that holds only the TLS deny:
    // without this statement no alarm could ever publish.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: { ...sourceAccount, ArnLike: { 'aws:SourceArn': alarmsOfThisAccount } },
      }),
    );
    const failures = new FailureQueue(this, 'DeadLetters', {
      description:
        'A mail-intake or request-hygiene event failed three times. The raw mail is in S3; redrive the event ' +
        '(README: "Inbound mail")',
      alarmTopic: this.alarmTopic,
      // SES events carry the mail's headers: kept under the raw-mail key, like the mail itself.
      encryptionKey: this.key,
      selfReason:
        'This queue is itself the dead-letter queue of mail-intake and request-hygiene (Lambda DeadLetterConfig); ' +
        'a dead-letter queue of its own would only move the same events further away from the alarm.',
    });
    this.deadLetterQueue = failures.queue;
    this.alarm = failures.alarm;

    const viaServices = (...services: string[]) => ({
      StringEquals: {
        'kms:ViaService': services.map((service) => `${service}.${stack.region}.amazonaws.com`),
      },
    });
    const deadLetterStatements = [
      new PolicyStatement({
        sid: 'DeadLetterQueue',
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
      }),
      new PolicyStatement({
        sid: 'DeadLetterEncryptionViaSqs',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.key.keyArn],
        conditions: viaServices('sqs'),
      }),
    ];
    const objects = this.bucket.arnForObjects(`${rawMailPrefix}*`);

    this.intakeFunction = this.backgroundFunction('mail-intake', props, {
      environment: { RAW_MAIL_BUCKET: this.bucket.bucketName },
      timeout: Duration.seconds(60),
      memorySize: mailIntakeMemoryMb,
      statements: [
        new PolicyStatement({
          sid: 'RawMail',
          actions: ['s3:GetObject', 's3:PutObjectTagging', 's3:DeleteObject'],
          resources: [objects],
        }),
        // Without ListBucket, S3 answers a missing key with 403 instead of 404, and the "raw mail missing"
        // path (a redrive after the lifecycle expired the mail) would fail as an access error. No s3:prefix
        // condition: S3's 404-or-403 check asks for ListBucket without a prefix, so a condition on it would
        // never match. The bucket holds inbound/ objects only (SES's rule writes nothing else), so listing
        // the bucket is listing that prefix: message ids, no content.
        new PolicyStatement({
          sid: 'RawMailListing',
          actions: ['s3:ListBucket'],
          resources: [this.bucket.bucketArn],
        }),
        new PolicyStatement({
          sid: 'RawMailDecryptionViaS3',
          actions: ['kms:Decrypt'],
          resources: [this.key.keyArn],
          conditions: viaServices('s3'),
        }),
        ...deadLetterStatements,
      ],
    });
    Validations.of(this.intakeFunction.node.scope ?? this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${rawMailPrefix}*]`,
      reason:
        'Object names are SES message ids, unknown in advance: the statement is limited to the inbound/ prefix ' +
        'of the raw-mail bucket and to reading, tagging and deleting.',
    });

    this.hygieneFunction = this.backgroundFunction('request-hygiene', props, {
      environment: {},
      timeout: Duration.minutes(5),
      memorySize: 512,
      statements: deadLetterStatements,
    });

    // SES may invoke mail-intake only for this rule of this account (the Lambda action would otherwise add
    // a permission with the account alone). The rule's name is fixed so the ARN needs no reference to the
    // rule itself, which depends on this permission; it carries the stack's name because a second stage adds
    // its rule to the same (active) rule set, where rule names must be unique.
    const ruleName = `${stack.stackName}-info-to-mail-intake`;
    this.intakeFunction.addPermission('AllowSes', {
      action: 'lambda:InvokeFunction',
      principal: new ServicePrincipal('ses.amazonaws.com'),
      sourceAccount: stack.account,
      sourceArn: stack.formatArn({
        service: 'ses',
        resource: 'receipt-rule-set',
        resourceName: `${this.ruleSet.receiptRuleSetName}:receipt-rule/${ruleName}`,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    });
    this.rule = new ReceiptRule(this, 'ContactAddress', {
      ruleSet: this.ruleSet,
      receiptRuleName: ruleName,
      recipients: [`info@${props.domainName}`],
      // SES scans for spam and viruses: the verdicts reach mail-intake in the event.
      scanEnabled: true,
      tlsPolicy: TlsPolicy.REQUIRE,
      actions: [
        new S3Action({ bucket: this.bucket, objectKeyPrefix: rawMailPrefix }),
        new LambdaAction({ function: this.intakeFunction, invocationType: LambdaInvocationType.EVENT }),
      ],
    });

    this.schedule = new Rule(this, 'DailyRequestHygiene', {
      description: 'ZorgSom Privacy: reminders, closing unconfirmed requests, retrying failed steps',
      schedule: Schedule.cron({ hour: '5', minute: '15' }),
      targets: [
        new LambdaFunction(this.hygieneFunction, { retryAttempts: 2, maxEventAge: Duration.hours(6) }),
      ],
    });
  }

  /** A function of the shared factory, with its dead-letter queue and Lambda's async retries (two). */
  private backgroundFunction(
    name: BackgroundFunctionName,
    props: MailIntakeProps,
    options: {
      environment: Record<string, string>;
      timeout: Duration;
      memorySize: number;
      statements: PolicyStatement[];
    },
  ): NodejsFunction {
    const fn = zorgSomFunction(this, {
      name,
      statements: [
        ...statementsFor(name, backgroundFunctionGrants[name], props.targets),
        ...options.statements,
      ],
      logsKey: props.logsKey,
      environment: { ...props.environment, ...options.environment },
      timeout: options.timeout,
      memorySize: options.memorySize,
      invocation: 'event',
    });
    (fn.node.defaultChild as CfnFunction).deadLetterConfig = { targetArn: this.deadLetterQueue.queueArn };
    fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6) });
    return fn;
  }
}
