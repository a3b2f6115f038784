import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionGrants } from '../../../functions/routes.js';
import { Data } from '../../../infra/constructs/data.js';
import { Keys } from '../../../infra/constructs/keys.js';
import { backgroundFunctionGrants, MailIntake } from '../../../infra/constructs/mail-intake.js';
import { MailSending } from '../../../infra/constructs/mail-sending.js';
import { policy } from '../../../shared/domain/policy.js';

/**
 * The mail-intake construct in a stack of its own (keys, table, SES sending, mail intake), with the same three
 * cdk-nag packs as `npm run synth`. The full stack's test checks the HTTP function privacy-requests.
 */
const cdkContext = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8'))
  .context as Record<string, unknown>;
const outdirs: string[] = [];
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function build() {
  const outdir = mkdtempSync(join(tmpdir(), 'zorgsom-mail-cdk-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: cdkContext, postCliContext: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'MailIntakeTest', { env: { account: '123456789012', region: 'eu-west-1' } });
  const keys = new Keys(stack, 'Keys');
  const data = new Data(stack, 'Data', { tableKey: keys.tableKey });
  const mail = new MailSending(stack, 'MailSending', {
    domainName: 'zorgsom.nl',
    mailFrom: 'privacy@zorgsom.nl',
  });
  const intake = new MailIntake(stack, 'MailIntake', {
    domainName: 'zorgsom.nl',
    logsKey: keys.logsKey,
    targets: {
      dataKeyArn: keys.dataKey.keyArn,
      hmacKeyArn: keys.hmacKey.keyArn,
      tableKeyArn: keys.tableKey.keyArn,
      tableArn: data.table.tableArn,
      sendMail: () => mail.sendStatement(),
      region: stack.region,
    },
    environment: {
      TABLE_NAME: 't',
      DATA_KEY_ID: 'd',
      HMAC_KEY_ID: 'h',
      MAIL_FROM: 'privacy@zorgsom.nl',
      PORTAL_URL: 'https://portal.zorgsom.nl',
    },
  });
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new HIPAASecurityChecks(app),
    new NIST80053R5Checks(app),
  );
  return { app, stack, keys, data, intake, outdir };
}

let built: ReturnType<typeof build>;
let template: Template;
let resources: Record<string, Json>;
const id = (construct: { node: { defaultChild?: unknown } }) =>
  built.stack.getLogicalId(construct.node.defaultChild as CfnResource);
const getAtt = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

beforeAll(() => {
  built = build();
  template = Template.fromStack(built.stack);
  resources = template.toJSON().Resources as Record<string, Json>;
});
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function statementsOf(fn: { node: { defaultChild?: unknown } }): Json[] {
  const role = resources[(resources[id(fn)]?.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]];
  return (role?.Properties.ManagedPolicyArns as { Ref: string }[]).flatMap(
    (ref) => resources[ref.Ref]?.Properties.PolicyDocument.Statement as Json[],
  );
}
const actionsOf = (statements: Json[]) => statements.flatMap((s) => [s.Action].flat() as string[]).sort();

describe('SES receiving', () => {
  it('one rule for info@<domain>: spam/virus scan, TLS required, S3 action then Lambda action (async)', () => {
    template.resourceCountIs('AWS::SES::ReceiptRuleSet', 1);
    const rule = Object.values(resources).find((r) => r.Type === 'AWS::SES::ReceiptRule');
    expect(rule?.Properties.Rule).toMatchObject({
      Enabled: true,
      Recipients: ['info@zorgsom.nl'],
      ScanEnabled: true,
      TlsPolicy: 'Require',
    });
    const actions = rule?.Properties.Rule.Actions as Json[];
    expect(actions.map((a) => Object.keys(a)[0])).toEqual(['S3Action', 'LambdaAction']);
    expect(actions[0]?.S3Action).toMatchObject({
      BucketName: { Ref: id(built.intake.bucket) },
      ObjectKeyPrefix: 'inbound/',
    });
    expect(actions[0]?.S3Action.KmsKeyArn).toBeUndefined();
    expect(actions[1]?.LambdaAction).toEqual({
      FunctionArn: getAtt(id(built.intake.intakeFunction)),
      InvocationType: 'Event',
    });
    // SES may invoke mail-intake for this one rule of this account only (confused-deputy guard), and the
    // permission exists before the rule (SES checks it when the rule is created).
    const permissions = Object.entries(resources).filter(
      ([, r]) => r.Type === 'AWS::Lambda::Permission' && r.Properties.Principal === 'ses.amazonaws.com',
    );
    expect(permissions).toHaveLength(1);
    const [permissionId, permission] = permissions[0]!;
    expect(permission.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      FunctionName: getAtt(id(built.intake.intakeFunction)),
      SourceAccount: '123456789012',
    });
    expect(rule?.Properties.Rule.Name).toBe('MailIntakeTest-info-to-mail-intake');
    expect(permission.Properties.SourceArn).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:aws:ses:eu-west-1:123456789012:receipt-rule-set/',
          { Ref: id(built.intake.ruleSet) },
          ':receipt-rule/MailIntakeTest-info-to-mail-intake',
        ],
      ],
    });
    expect(rule?.DependsOn).toContain(permissionId);
  });

  it('the key lets SES generate data keys for the bucket (the S3 action names no key), for this account only', () => {
    const key = resources[id(built.intake.key)];
    const ses = (key?.Properties.KeyPolicy.Statement as Json[]).find(
      (s) => s.Principal?.Service === 'ses.amazonaws.com',
    );
    // SES's documented form: GenerateDataKey*, this account, receipt rules of this stack's rule set only.
    expect([ses?.Action].flat()).toEqual(['kms:GenerateDataKey*']);
    expect(ses?.Condition.StringEquals).toEqual({ 'aws:SourceAccount': '123456789012' });
    expect(ses?.Condition.ArnLike['aws:SourceArn']).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:aws:ses:eu-west-1:123456789012:receipt-rule-set/',
          { Ref: id(built.intake.ruleSet) },
          ':receipt-rule/*',
        ],
      ],
    });
    expect(key?.Properties.EnableKeyRotation).toBe(true);
  });
});

describe('raw-mail bucket', () => {
  it('SSE-KMS with its key, TLS only, no public access, owner-enforced, unversioned, retained', () => {
    const bucket = resources[id(built.intake.bucket)];
    expect(bucket?.DeletionPolicy).toBe('Retain');
    expect(bucket?.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: getAtt(id(built.intake.key)),
            },
            BucketKeyEnabled: true,
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(bucket?.Properties.VersioningConfiguration).toBeUndefined();
    const policyDoc = Object.values(resources).find((r) => r.Type === 'AWS::S3::BucketPolicy')?.Properties
      .PolicyDocument;
    const denyInsecure = (policyDoc.Statement as Json[]).find((s) => s.Effect === 'Deny');
    expect(denyInsecure?.Condition).toMatchObject({ Bool: { 'aws:SecureTransport': 'false' } });
    const sesPut = (policyDoc.Statement as Json[]).find((s) => s.Principal?.Service === 'ses.amazonaws.com');
    expect(sesPut?.Action).toBe('s3:PutObject');
  });

  it('expires current and noncurrent versions; patient-data and quarantined mail (tagged) within days', () => {
    const rules = resources[id(built.intake.bucket)]?.Properties.LifecycleConfiguration.Rules as Json[];
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Status: 'Enabled',
          ExpirationInDays: policy.retention.rawMailDays,
          NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        }),
        expect.objectContaining({
          Status: 'Enabled',
          ExpirationInDays: policy.retention.rawMailWithPatientDataDays,
          TagFilters: [{ Key: 'retention', Value: 'short' }],
          NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        }),
      ]),
    );
  });
});

describe('failures are kept: dead-letter queue and alarm', () => {
  it('both background functions dead-letter into the encrypted queue after two async retries', () => {
    for (const fn of [built.intake.intakeFunction, built.intake.hygieneFunction]) {
      expect(resources[id(fn)]?.Properties.DeadLetterConfig).toEqual({
        TargetArn: getAtt(id(built.intake.deadLetterQueue)),
      });
    }
    template.resourcePropertiesCountIs('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 }, 2);
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: getAtt(id(built.intake.key)),
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('the first dead letter raises an alarm that notifies the encrypted topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: id(built.intake.alarmTopic) }],
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  it('request hygiene runs daily', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(15 5 * * ? *)',
      Targets: [
        Match.objectLike({
          Arn: getAtt(id(built.intake.hygieneFunction)),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 },
        }),
      ],
    });
  });
});

describe('exact grants', () => {
  it('mail-intake: encrypt + MAC (never decrypt personal data), the table, SES, raw mail under inbound/, its DLQ', () => {
    const statements = statementsOf(built.intake.intakeFunction);
    const onDataKey = statements.filter(
      (s) => JSON.stringify(s.Resource) === JSON.stringify(getAtt(id(built.keys.dataKey))),
    );
    expect(actionsOf(onDataKey).sort()).toEqual(['kms:Encrypt', 'kms:GenerateDataKey']);
    const raw = statements.find((s) => s.Sid === 'RawMail');
    expect([raw?.Action].flat().sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:PutObjectTagging']);
    expect(JSON.stringify(raw?.Resource)).toContain('/inbound/*');
    const rawKey = statements.find((s) => s.Sid === 'RawMailDecryptionViaS3');
    expect(rawKey?.Condition).toEqual({ StringEquals: { 'kms:ViaService': ['s3.eu-west-1.amazonaws.com'] } });
    expect(statements.find((s) => s.Sid === 'DeadLetterQueue')?.Action).toBe('sqs:SendMessage');
    const actions = actionsOf(statements);
    expect(actions).not.toContain('kms:Decrypt' + '-on-data-key');
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([
      's3:DeleteObject',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObjectTagging',
    ]);
    // Listing (so a missing mail is a 404) on the raw-mail bucket itself, nothing else.
    expect(statements.find((s) => s.Sid === 'RawMailListing')?.Resource).toEqual(
      getAtt(id(built.intake.bucket)),
    );
    expect(actions).not.toContain('s3:PutObject');
    expect(actions).toEqual(expect.arrayContaining(['kms:GenerateMac', 'kms:Encrypt', 'dynamodb:Query']));
    expect(actions.filter((a) => a.startsWith('ses:'))).toEqual([]);
    for (const statement of statements)
      for (const action of [statement.Action].flat() as string[]) expect(action).not.toContain('*');
  });

  it('request-hygiene: decrypts the address on record, never encrypts or touches raw mail', () => {
    const statements = statementsOf(built.intake.hygieneFunction);
    const onDataKey = statements.filter(
      (s) => JSON.stringify(s.Resource) === JSON.stringify(getAtt(id(built.keys.dataKey))),
    );
    expect(actionsOf(onDataKey)).toEqual(['kms:Decrypt']);
    expect(actionsOf(statements).filter((a) => a.startsWith('s3:'))).toEqual([]);
    expect(backgroundFunctionGrants['request-hygiene'].kms).toEqual(['decrypt', 'mac']);
  });

  it('privacy-requests (HTTP): encrypt, decrypt (address on record), MAC; mail; by-email hand-off', () => {
    expect(functionGrants['privacy-requests']).toEqual({
      kms: ['encrypt', 'decrypt', 'mac'],
      sendMail: true,
      byEmailSubmissions: 'hand-off',
    });
  });
});

describe('cdk-nag (AwsSolutions, HIPAA Security, NIST 800-53 r5)', () => {
  it('reports no unacknowledged finding for the mail-intake stack', () => {
    const fresh = build();
    expect(() => fresh.app.synth()).not.toThrow();
    const report = JSON.parse(readFileSync(join(fresh.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });
});
