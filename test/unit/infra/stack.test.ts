import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import type { App, CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../infra/app.js';
import { backgroundFunctionNames } from '../../../infra/constructs/mail-intake.js';
import { retentionFunctionNames } from '../../../infra/constructs/retention.js';
import { staffJobNames } from '../../../infra/constructs/staff-jobs.js';
import { mailOutboxFunctionNames } from '../../../infra/constructs/mail-outbox.js';
import type { ZorgSomPrivacyStack } from '../../../infra/stack.js';
import { functionGrants, functionNames, routes } from '../../../functions/routes.js';
import type { FunctionName } from '../../../functions/routes.js';
import { tableDefinition } from '../../../shared/adapters/table-definition.js';
import { tableFunctionNames } from '../../../functions/table-access.js';
import { configSchema } from '../../../shared/config.js';

const repoRoot = new URL('../../../', import.meta.url);
/** Same feature flags as `cdk synth` (cdk.json), bundling skipped. */
const cdkContext = JSON.parse(readFileSync(new URL('cdk.json', repoRoot), 'utf8')).context as Record<
  string,
  unknown
>;

const outdirs: string[] = [];
function build(): { app: App; stack: ZorgSomPrivacyStack; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'zorgsom-cdk-'));
  outdirs.push(outdir);
  const { app, stack } = buildApp({
    outdir,
    context: cdkContext,
    postCliContext: { 'aws:cdk:bundling-stacks': [] },
  });
  return { app, stack, outdir };
}

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: unknown[];
  Condition?: Json;
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const getAtt = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

let stack: ZorgSomPrivacyStack;
let template: Template;
let resources: Record<string, Json>;
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnResource);

beforeAll(() => {
  stack = build().stack;
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Json>;
});

/** Every statement that applies to the role of a function: managed policies, attached policies, inline. */
function statementsOf(name: FunctionName | IFunction): Statement[] {
  return roleStatementsOf(typeof name === 'string' ? stack.functions.byName[name] : name);
}

function roleStatementsOf(construct: IConstruct): Statement[] {
  const fn = resources[logicalId(construct)];
  expect(fn?.Type).toBe('AWS::Lambda::Function');
  const roleId = (fn?.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const role = resources[roleId];
  expect(role?.Type).toBe('AWS::IAM::Role');
  const documents: Json[] = [];
  for (const policy of asArray(role?.Properties.Policies as Json[] | undefined))
    documents.push(policy.PolicyDocument);
  for (const arn of asArray(role?.Properties.ManagedPolicyArns as unknown[] | undefined)) {
    expect(arn, 'only customer-managed policies of this stack').toHaveProperty('Ref');
    documents.push(resources[(arn as { Ref: string }).Ref]?.Properties.PolicyDocument);
  }
  for (const resource of Object.values(resources)) {
    const attached = [...asArray(resource.Properties?.Roles as unknown[] | undefined)];
    if (
      ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(resource.Type) &&
      attached.some((r) => same(r, { Ref: roleId }))
    ) {
      documents.push(resource.Properties.PolicyDocument);
    }
  }
  return documents.flatMap(
    (doc) =>
      asArray(doc?.Statement as Json[]).map((s) => ({
        ...s,
        Action: asArray(s.Action as string | string[]),
        Resource: asArray(s.Resource),
      })) as Statement[],
  );
}

/** Actions of a service (`lambda:`) the statements allow, sorted. */
const actionsOf = (statements: Statement[], prefix: string) =>
  statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => s.Action)
    .filter((action) => action.startsWith(prefix))
    .sort();

/** Actions allowed on a resource (exact match of the CloudFormation expression). */
function actionsOn(statements: Statement[], resource: unknown): Set<string> {
  return new Set(
    statements
      .filter((s) => s.Effect === 'Allow' && s.Resource.some((r) => same(r, resource)))
      .flatMap((s) => s.Action),
  );
}

describe('DynamoDB table', () => {
  it('is on-demand, PITR, TTL on expiresAt, CMK-encrypted with the table key, deletion-protected and retained', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: Match.objectLike({ PointInTimeRecoveryEnabled: true }),
        TimeToLiveSpecification: { AttributeName: tableDefinition.ttlAttribute, Enabled: true },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: getAtt(logicalId(stack.keys.tableKey)),
        },
        DeletionProtectionEnabled: true,
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    });
  });

  it('has both sparse GSIs with the key types of tableDefinition, projecting ALL', () => {
    const table = Object.values(resources).find((r) => r.Type === 'AWS::DynamoDB::Table');
    const gsis = table?.Properties.GlobalSecondaryIndexes as Json[];
    const definitions = table?.Properties.AttributeDefinitions as {
      AttributeName: string;
      AttributeType: string;
    }[];
    const typeOf = (attribute: string) =>
      definitions.find((d) => d.AttributeName === attribute)?.AttributeType;
    expect(gsis.map((g) => g.IndexName).sort()).toEqual([
      'auditByLicensee',
      'marketingAudience',
      'openRequests',
      'purgeQueue',
    ]);
    for (const index of Object.values(tableDefinition.indexes)) {
      const gsi = gsis.find((g) => g.IndexName === index.name);
      expect(gsi?.KeySchema).toEqual([
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ]);
      expect(gsi?.Projection).toEqual({ ProjectionType: 'ALL' });
    }
    expect(typeOf('purgeShard')).toBe('S');
    expect(typeOf('purgeAt')).toBe('N');
    expect(typeOf('openShard')).toBe('S');
    expect(typeOf('dueAt')).toBe('S');
  });
});

describe('KMS keys', () => {
  const keyProps = (construct: { node: { defaultChild?: unknown } }) => resources[logicalId(construct)];

  it('data, table and logs keys are symmetric with rotation; all keys are retained', () => {
    for (const key of [
      stack.keys.dataKey,
      stack.keys.tableKey,
      stack.keys.logsKey,
      stack.keys.submissionKey,
    ]) {
      const resource = keyProps(key);
      expect(resource?.Properties.EnableKeyRotation).toBe(true);
      expect(resource?.Properties.KeySpec ?? 'SYMMETRIC_DEFAULT').toBe('SYMMETRIC_DEFAULT');
    }
    for (const key of Object.values(resources).filter((r) => r.Type === 'AWS::KMS::Key')) {
      expect(key.DeletionPolicy).toBe('Retain');
    }
    // + the submission key, the raw-mail key of MailIntake, the budget-review key and the outbox key
    template.resourceCountIs('AWS::KMS::Key', 4 + 1 + 1 + 1 + 1);
    expect(keyProps(stack.mail.outboxKey)?.Properties.EnableKeyRotation).toBe(true);
    expect(keyProps(stack.budgetReviews.key)?.Properties.EnableKeyRotation).toBe(true);
  });

  it('the email index key is an HMAC_256 GENERATE_VERIFY_MAC key', () => {
    const resource = keyProps(stack.keys.hmacKey);
    expect(resource?.Properties.KeySpec).toBe('HMAC_256');
    expect(resource?.Properties.KeyUsage).toBe('GENERATE_VERIFY_MAC');
  });

  it('the table key is separate from the data key', () => {
    expect(logicalId(stack.keys.tableKey)).not.toBe(logicalId(stack.keys.dataKey));
  });
});

describe('functions', () => {
  it('one function per functionNames entry, nodejs22.x on arm64, traced, with an explicit log group', () => {
    template.resourceCountIs(
      'AWS::Lambda::Function',
      // + 1: the job runner (infra/constructs/job-runner.ts); + 1: the by-email worker
      // (infra/constructs/by-email-worker.ts); + 1: CDK's BucketDeployment handler, which copies the portal at
      // deploy time (infra/constructs/web.ts).
      functionNames.length +
        backgroundFunctionNames.length +
        retentionFunctionNames.length +
        staffJobNames.length +
        mailOutboxFunctionNames.length +
        1 +
        1 +
        1,
    );
    for (const name of functionNames) {
      const fn = resources[logicalId(stack.functions.byName[name])];
      expect(fn?.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 512,
        Timeout: 10,
        TracingConfig: { Mode: 'Active' },
      });
      const logGroupRef = (fn?.Properties.LoggingConfig as Json | undefined)?.LogGroup as { Ref: string };
      expect(resources[logGroupRef.Ref]?.Type).toBe('AWS::Logs::LogGroup');
    }
  });

  it('environment satisfies shared/config.ts (AWS_REGION left to Lambda) plus the Powertools settings', () => {
    for (const name of functionNames) {
      const variables = resources[logicalId(stack.functions.byName[name])]?.Properties.Environment
        .Variables as Json;
      expect(variables).not.toHaveProperty('AWS_REGION');
      expect(variables).toMatchObject({
        TABLE_NAME: { Ref: logicalId(stack.data.table) },
        DATA_KEY_ID: getAtt(logicalId(stack.keys.dataKey)),
        HMAC_KEY_ID: getAtt(logicalId(stack.keys.hmacKey)),
        MAIL_FROM: 'privacy@zorgsom.nl',
        PORTAL_URL: 'https://portal.zorgsom.nl',
        POWERTOOLS_SERVICE_NAME: 'zorgsom-privacy',
        POWERTOOLS_METRICS_NAMESPACE: 'ZorgSom',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      });
      // With stand-in values for the tokens, the config schema accepts exactly this environment.
      const stand = {
        ...variables,
        TABLE_NAME: 't',
        DATA_KEY_ID: 'arn:aws:kms:eu-west-1:1:key/d',
        HMAC_KEY_ID: 'h',
        OUTBOX_KEY_ID: 'o',
        BUDGET_KEY_ID: 'arn:aws:kms:eu-west-1:1:key/b',
        BUDGET_REVIEW_BUCKET: 'b',
        ...(variables.RAW_MAIL_BUCKET ? { RAW_MAIL_BUCKET: 'r' } : {}),
        SUBMISSION_KEY_ID: 'arn:aws:kms:eu-west-1:1:key/s',
        BY_EMAIL_WORKER_FUNCTION: 'w',
        // A dynamic reference to the generated secret (test/unit/infra/edge.test.ts).
        ...(variables.ORIGIN_VERIFY_SECRET ? { ORIGIN_VERIFY_SECRET: 's'.repeat(64) } : {}),
        ...(variables.STAFF_ISSUER
          ? { STAFF_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/pool', STAFF_CLIENT_IDS: 'client' }
          : {}),
      };
      expect(configSchema.safeParse(stand).success).toBe(true);
    }
  });

  it('every log group has a retention and is encrypted with the logs key', () => {
    const logGroups = Object.values(resources).filter((r) => r.Type === 'AWS::Logs::LogGroup');
    expect(logGroups).toHaveLength(
      // + 1 the job runner, + 1 the by-email worker, + 1 API access logs, + 1 the portal's BucketDeployment
      // handler (web.ts).
      functionNames.length +
        backgroundFunctionNames.length +
        retentionFunctionNames.length +
        staffJobNames.length +
        mailOutboxFunctionNames.length +
        1 +
        1 +
        1 +
        1,
    );
    for (const logGroup of logGroups) {
      expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
      expect(logGroup.Properties.KmsKeyId).toEqual(getAtt(logicalId(stack.keys.logsKey)));
    }
  });
});

describe('IAM per function, derived from functionGrants', () => {
  const expectedKms = { encrypt: ['kms:Encrypt', 'kms:GenerateDataKey'], decrypt: ['kms:Decrypt'] } as const;
  it.each(functionNames)('%s: data key, HMAC key and SES exactly as granted', (name) => {
    const grants = functionGrants[name];
    const statements = statementsOf(name);

    const dataKey = getAtt(logicalId(stack.keys.dataKey));
    const wantData = grants.kms.flatMap((g) => (g === 'mac' ? [] : [...expectedKms[g]]));
    expect([...actionsOn(statements, dataKey)].sort()).toEqual(wantData.sort());

    const hmacKey = getAtt(logicalId(stack.keys.hmacKey));
    expect([...actionsOn(statements, hmacKey)]).toEqual(
      grants.kms.includes('mac') ? ['kms:GenerateMac'] : [],
    );

    // Only the mail-sender talks to SES; a function that sends mail seals it for the outbox, and cannot open it.
    expect(statements.filter((s) => s.Action.some((a) => a.startsWith('ses:')))).toHaveLength(0);
    const outboxKey = getAtt(logicalId(stack.mail.outboxKey));
    const seal = statements.filter((s) => s.Resource.some((r) => same(r, outboxKey)));
    if (grants.sendMail) {
      expect(seal).toHaveLength(1);
      expect(seal[0]?.Action).toEqual(['kms:Encrypt']);
      expect(seal[0]?.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:purpose': 'outbox' } });
    } else {
      expect(seal).toHaveLength(0);
    }
  });

  it.each(functionNames)(
    '%s: table key only via DynamoDB, no wildcards except X-Ray, nothing else',
    (name) => {
      const statements = statementsOf(name);
      const tableKey = getAtt(logicalId(stack.keys.tableKey));
      for (const statement of statements) {
        expect(statement.Effect).toBe('Allow');
        for (const action of statement.Action) expect(action).not.toContain('*');
        if (statement.Resource.some((r) => same(r, tableKey))) {
          expect(statement.Condition).toEqual({
            StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' },
          });
        }
        if (statement.Resource.includes('*')) {
          expect(statement.Action.sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
        }
        const services = new Set(statement.Action.map((a) => a.split(':')[0]));
        const allowed = [
          'logs',
          'xray',
          'kms',
          'dynamodb',
          'ses',
          ...(functionGrants[name].budgetReviews ? ['s3'] : []),
          // Functions that start staff jobs invoke the job runner, privacy-requests the by-email worker (and
          // nothing else of Lambda).
          ...(functionGrants[name].startsJobs || functionGrants[name].byEmailSubmissions ? ['lambda'] : []),
        ];
        for (const service of services) expect(allowed).toContain(service);
      }
      // No AWS managed policies (e.g. AWSLambdaBasicExecutionRole), no inline default policies.
      template.resourceCountIs('AWS::IAM::Policy', 0);
    },
  );

  it('only budget-review stores uploads and only admin reads (and purges) them, each with one action on the budget key', () => {
    const budgetKey = getAtt(logicalId(stack.budgetReviews.key));
    const byFunction = Object.fromEntries(
      functionNames.map((name) => [name, [...actionsOn(statementsOf(name), budgetKey)]]),
    );
    expect(byFunction['budget-review']).toEqual(['kms:GenerateDataKey']);
    expect(byFunction.admin).toEqual(['kms:Decrypt']);
    for (const name of functionNames.filter((n) => n !== 'budget-review' && n !== 'admin'))
      expect(byFunction[name]).toEqual([]);
    const s3Actions = (name: (typeof functionNames)[number]) =>
      statementsOf(name).flatMap((statement) =>
        statement.Action.filter((action) => action.startsWith('s3:')),
      );
    // Signs the upload, HeadObjects it (s3:GetObject, useless for content without kms:Decrypt), deletes it on a
    // decline.
    expect(s3Actions('budget-review').sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:PutObject']);
    // Staff read uploads and (the audited inbox) raw mail; purges run in the job runner, which admin may only start.
    expect(s3Actions('admin')).toEqual(['s3:GetObject', 's3:GetObject']);
    // The budget key only through S3 (SSE-KMS of the presigned PUT and GET): nobody calls KMS with it directly.
    for (const name of ['budget-review', 'admin'] as const) {
      const onKey = statementsOf(name).filter((statement) =>
        statement.Resource.some((resource) => same(resource, budgetKey)),
      );
      expect(onKey, name).toHaveLength(1);
      expect(onKey[0]?.Condition).toEqual({
        StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
      });
    }
    expect(actionsOf(statementsOf('admin'), 'lambda:')).toEqual(['lambda:InvokeFunction']);
    expect(actionsOf(statementsOf('privacy-requests'), 'lambda:')).toEqual(['lambda:InvokeFunction']);
    for (const name of functionNames.filter((n) => n !== 'admin' && n !== 'privacy-requests'))
      expect(actionsOf(statementsOf(name), 'lambda:'), name).toEqual([]);
  });

  it('budget-review bucket: only SSE-KMS under the budget key is stored, only the portal may PUT from a browser', () => {
    const bucketId = logicalId(stack.budgetReviews.bucket);
    const bucket = resources[bucketId]!.Properties as Json;
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      {
        BucketKeyEnabled: false,
        ServerSideEncryptionByDefault: {
          SSEAlgorithm: 'aws:kms',
          KMSMasterKeyID: getAtt(logicalId(stack.budgetReviews.key)),
        },
      },
    ]);
    expect(bucket.CorsConfiguration).toEqual({
      CorsRules: [
        {
          AllowedOrigins: [
            new URL(stack.node.tryGetContext('portalUrl') ?? 'https://portal.zorgsom.nl').origin,
          ],
          AllowedMethods: ['PUT'],
          AllowedHeaders: [
            'content-type',
            'x-amz-checksum-sha256',
            'x-amz-server-side-encryption',
            'x-amz-server-side-encryption-aws-kms-key-id',
            'x-amz-server-side-encryption-context',
          ],
          ExposedHeaders: ['ETag'],
          MaxAge: 300,
        },
      ],
    });
    const bucketPolicy = Object.values(resources).find(
      (resource) =>
        resource.Type === 'AWS::S3::BucketPolicy' && same(resource.Properties.Bucket, { Ref: bucketId }),
    );
    const denies = (bucketPolicy?.Properties.PolicyDocument.Statement as Json[]).filter(
      (statement) => statement.Effect === 'Deny' && statement.Action === 's3:PutObject',
    );
    expect(denies.map((statement) => statement.Condition)).toEqual([
      { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
      {
        StringNotEquals: {
          's3:x-amz-server-side-encryption-aws-kms-key-id': getAtt(logicalId(stack.budgetReviews.key)),
        },
      },
    ]);
    for (const statement of denies) {
      expect(statement.Principal).toEqual({ AWS: '*' });
      expect(statement.Resource).toEqual({ 'Fn::Join': ['', [getAtt(bucketId), '/*']] });
    }
  });

  it('the job runner: a fixed name from the stack, 15 minutes, DLQ after two retries, continues itself', () => {
    const fn = resources[logicalId(stack.jobRunner.fn)];
    expect(fn?.Properties).toMatchObject({
      FunctionName: 'ZorgSomPrivacy-job-runner',
      Timeout: 900,
      DeadLetterConfig: { TargetArn: getAtt(logicalId(stack.jobRunner.failures.queue)) },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(stack.jobRunner.fn) },
      MaximumRetryAttempts: 2,
    });
    const admin = resources[logicalId(stack.functions.byName.admin)]?.Properties.Environment
      .Variables as Json;
    expect(admin.JOB_RUNNER_FUNCTION).toBe('ZorgSomPrivacy-job-runner');
  });

  it('the by-email worker: DLQ after two retries (alarmed); privacy-requests may only invoke it and seal for it', () => {
    const worker = stack.byEmailWorker.fn;
    const fn = resources[logicalId(worker)];
    expect(fn?.Properties).toMatchObject({
      DeadLetterConfig: { TargetArn: getAtt(logicalId(stack.byEmailWorker.failures.queue)) },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(worker) },
      MaximumRetryAttempts: 2,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      AlarmActions: [{ Ref: logicalId(stack.mailIntake.alarmTopic) }],
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(stack.byEmailWorker.failures.queue), 'QueueName'] },
        },
      ],
    });
    const routeEnv = resources[logicalId(stack.functions.byName['privacy-requests'])]?.Properties.Environment
      .Variables as Json;
    expect(routeEnv.BY_EMAIL_WORKER_FUNCTION).toEqual({ Ref: logicalId(worker) });
    expect(routeEnv.SUBMISSION_KEY_ID).toEqual(getAtt(logicalId(stack.keys.submissionKey)));
    expect((fn?.Properties.Environment.Variables as Json).SUBMISSION_KEY_ID).toEqual(
      getAtt(logicalId(stack.keys.submissionKey)),
    );

    const submissionKey = getAtt(logicalId(stack.keys.submissionKey));
    const context = { StringEquals: { 'kms:EncryptionContext:purpose': 'by-email-submission' } };
    const onKey = (statements: Statement[]) =>
      statements
        .filter((s) => s.Resource.some((r) => same(r, submissionKey)))
        .map(({ Action, Condition }) => ({ Action, Condition }));
    // The route: Encrypt only, for this purpose only; one Lambda action, on the worker alone.
    const route = statementsOf('privacy-requests');
    expect(onKey(route)).toEqual([{ Action: ['kms:Encrypt'], Condition: context }]);
    const invokes = route.filter((s) => s.Action.some((a) => a.startsWith('lambda:')));
    expect(invokes.map(({ Action, Resource }) => ({ Action, Resource }))).toEqual([
      { Action: ['lambda:InvokeFunction'], Resource: [getAtt(logicalId(worker))] },
    ]);
    // The worker: Decrypt only, for this purpose only; it invokes nothing.
    const work = roleStatementsOf(worker);
    expect(onKey(work)).toEqual([{ Action: ['kms:Decrypt'], Condition: context }]);
    expect(actionsOf(work, 'lambda:')).toEqual([]);
    // Nobody else may use the submission key at all.
    for (const name of functionNames.filter((n) => n !== 'privacy-requests'))
      expect(onKey(statementsOf(name)), name).toEqual([]);
    for (const other of [stack.jobRunner.fn, stack.mailIntake.intakeFunction, stack.mailOutbox.sender])
      expect(onKey(roleStatementsOf(other))).toEqual([]);
  });

  it('the by-email worker: exactly the hand-written table grants of submitByEmail', () => {
    const statements = roleStatementsOf(stack.byEmailWorker.fn).filter((s) =>
      s.Resource.some((r) => same(r, getAtt(logicalId(stack.data.table)))),
    );
    const shape = (s: Statement) =>
      `${[...s.Action].sort().join(' ')} | ${asArray(
        s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string | string[],
      )
        .sort()
        .join(' ')}`;
    expect(statements.map(shape).sort()).toEqual(
      [
        'dynamodb:GetItem dynamodb:PutItem dynamodb:Query | LICENSEE#*',
        'dynamodb:GetItem | EMAIL#*',
        'dynamodb:PutItem | AUDIT#* OUTBOX#* REFERENCE#*',
        'dynamodb:UpdateItem | MAILBUDGET#*',
      ].sort(),
    );
  });

  it('the deadline watch reads the statement notice marker, writes its digest to the outbox, and touches no other item', () => {
    const statements = roleStatementsOf(stack.staffJobs.deadlineWatch);
    const onTable = statements.filter(
      (s) => s.Effect === 'Allow' && s.Resource.some((r) => same(r, getAtt(logicalId(stack.data.table)))),
    );
    expect(onTable).toEqual([
      expect.objectContaining({
        Action: ['dynamodb:GetItem'],
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['JOB#ONCE'] },
          Null: { 'dynamodb:LeadingKeys': 'false' },
        },
      }),
      expect.objectContaining({
        Action: ['dynamodb:PutItem'],
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['OUTBOX#*'] },
          Null: { 'dynamodb:LeadingKeys': 'false' },
        },
      }),
    ]);
  });

  it('the deadline watch and the budget-review cleanup each run once a day (one daily cron schedule each)', () => {
    const schedules = Object.values(resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
    for (const fn of [stack.staffJobs.deadlineWatch, stack.staffJobs.budgetReviewCleanup]) {
      const arn = JSON.stringify(getAtt(logicalId(fn)));
      const own = schedules.filter((s) => JSON.stringify(s.Properties.Target.Arn) === arn);
      expect(own).toHaveLength(1);
      expect(own[0]!.Properties.ScheduleExpression).toMatch(/^cron\(0 \d{1,2} \* \* \? \*\)$/);
    }
  });

  it('functions with public routes hold exactly these key grants (written out by hand, not from functionGrants)', () => {
    // Their table grants, by partition, are written out by hand below (dynamodb:LeadingKeys).
    const expected = {
      // Decrypt: a second signup for a pending address re-mails the first signup's name and IBAN last 4.
      'licensee-signup': {
        dataKey: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        hmacKey: ['kms:GenerateMac'],
        submissionKey: [],
      },
      session: { dataKey: [], hmacKey: ['kms:GenerateMac'], submissionKey: [] },
      'marketing-unsubscribe': { dataKey: [], hmacKey: ['kms:GenerateMac'], submissionKey: [] },
      // Seals a by-email submission for its worker, and cannot open one.
      'privacy-requests': {
        dataKey: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        hmacKey: ['kms:GenerateMac'],
        submissionKey: ['kms:Encrypt'],
      },
      'self-service': {
        dataKey: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        hmacKey: ['kms:GenerateMac'],
        submissionKey: [],
      },
    } as const;
    const publicFunctions = [...new Set(routes.filter((r) => r.access === 'public').map((r) => r.fn))].sort();
    expect(publicFunctions).toEqual(Object.keys(expected).sort());
    for (const [name, want] of Object.entries(expected)) {
      const statements = statementsOf(name as (typeof functionNames)[number]);
      const on = (arn: unknown) => [...actionsOn(statements, arn)].sort();
      expect({
        dataKey: on(getAtt(logicalId(stack.keys.dataKey))),
        hmacKey: on(getAtt(logicalId(stack.keys.hmacKey))),
        submissionKey: on(getAtt(logicalId(stack.keys.submissionKey))),
      }).toEqual({
        dataKey: [...want.dataKey],
        hmacKey: [...want.hmacKey],
        submissionKey: [...want.submissionKey],
      });
    }
  });

  it('session cannot use the personal-data key; self-service and signup can decrypt', () => {
    const dataKey = getAtt(logicalId(stack.keys.dataKey));
    const session = actionsOn(statementsOf('session'), dataKey);
    expect(session.has('kms:Decrypt')).toBe(false);
    expect(session.has('kms:GenerateDataKey')).toBe(false);
    expect(actionsOn(statementsOf('self-service'), dataKey).has('kms:Decrypt')).toBe(true);
    // Signup decrypts only a pending signup's data, to name it (name, last 4 of the IBAN) in the re-sent code.
    expect(actionsOn(statementsOf('licensee-signup'), dataKey).has('kms:Decrypt')).toBe(true);
  });
});

describe('DynamoDB by partition (dynamodb:LeadingKeys), audit events append-only', () => {
  const everyFunction = (): [string, IFunction][] => [
    ...functionNames.map((name) => [name, stack.functions.byName[name]] as [string, IFunction]),
    ['mail-intake', stack.mailIntake.intakeFunction],
    ['request-hygiene', stack.mailIntake.hygieneFunction],
    ['retention-sweeper', stack.retention.sweeper],
    ['ttl-audit', stack.retention.ttlAudit],
    ['deadline-watch', stack.staffJobs.deadlineWatch],
    ['budget-review-cleanup', stack.staffJobs.budgetReviewCleanup],
    ['job-runner', stack.jobRunner.fn],
    ['privacy-requests-by-email', stack.byEmailWorker.fn],
    ['mail-sender', stack.mailOutbox.sender],
  ];
  const tableArn = () => getAtt(logicalId(stack.data.table));
  const onTable = (statements: Statement[]) =>
    statements.filter((s) => s.Resource.some((r) => same(r, tableArn())));
  /** A table statement as "actions | leading-key patterns", for order-free comparison. */
  const shape = (s: Statement) =>
    `${[...s.Action].sort().join(' ')} | ${asArray(
      s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string | string[],
    )
      .sort()
      .join(' ')}`;
  const indexesOf = (statements: Statement[]) =>
    statements
      .filter((s) => s.Action.includes('dynamodb:Query') && !s.Resource.some((r) => same(r, tableArn())))
      .flatMap((s) => s.Resource.map((r) => JSON.stringify(r).match(/\/index\/(\w+)/)?.[1]))
      .sort();

  // Written by hand from what each public function does, not from functions/table-access.ts: a change there
  // that widens a public function's grants fails here.
  const publicFunctions: Record<string, { table: string[]; indexes: string[] }> = {
    'licensee-signup': {
      table: ['dynamodb:GetItem dynamodb:PutItem | EMAIL#* LICENSEE#*', 'dynamodb:PutItem | OUTBOX#*'],
      indexes: [],
    },
    session: {
      table: [
        'dynamodb:DeleteItem dynamodb:GetItem dynamodb:PutItem | EMAIL#* LICENSEE#*',
        'dynamodb:PutItem | OUTBOX#*',
        'dynamodb:UpdateItem | MAILBUDGET#*',
      ],
      indexes: [],
    },
    'self-service': {
      table: [
        'dynamodb:DeleteItem dynamodb:GetItem dynamodb:PutItem dynamodb:Query dynamodb:UpdateItem | LICENSEE#*',
        'dynamodb:DeleteItem dynamodb:GetItem dynamodb:PutItem dynamodb:UpdateItem | EMAIL#*',
        'dynamodb:PutItem | AUDIT#* OUTBOX#*',
      ],
      indexes: [],
    },
    'marketing-unsubscribe': {
      table: ['dynamodb:GetItem dynamodb:PutItem | LICENSEE#*', 'dynamodb:PutItem | AUDIT#*'],
      indexes: [],
    },
    'privacy-requests': {
      table: [
        'dynamodb:DeleteItem dynamodb:GetItem dynamodb:PutItem dynamodb:Query | LICENSEE#*',
        'dynamodb:GetItem | EMAIL#*',
        'dynamodb:GetItem dynamodb:PutItem | REFERENCE#*',
        'dynamodb:PutItem | AUDIT#* OUTBOX#*',
        'dynamodb:UpdateItem | MAILBUDGET#*',
      ],
      indexes: [],
    },
  };

  it.each(Object.keys(publicFunctions))(
    '%s (public routes): exactly the hand-written table grants',
    (name) => {
      const statements = statementsOf(name as FunctionName);
      expect(onTable(statements).map(shape).sort()).toEqual([...publicFunctions[name]!.table].sort());
      expect(indexesOf(statements)).toEqual(publicFunctions[name]!.indexes);
    },
  );

  it('every table statement of every function is limited by leading key (no key-less request matches)', () => {
    expect(everyFunction().filter(([, fn]) => onTable(statementsOf(fn)).length > 0)).toHaveLength(
      tableFunctionNames.length,
    );
    expect(
      everyFunction()
        .map(([name]) => name)
        .sort(),
    ).toEqual([...tableFunctionNames].sort());
    for (const [name, fn] of everyFunction()) {
      for (const statement of onTable(statementsOf(fn))) {
        expect(
          statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'],
          name,
        ).toBeDefined();
        expect(statement.Condition?.Null, name).toEqual({ 'dynamodb:LeadingKeys': 'false' });
        for (const action of statement.Action) expect(action, name).not.toMatch(/Scan|\*/);
      }
    }
  });

  it('no function may update or delete an audit event, and only admin, the job runner and ttl-audit can read any', () => {
    const auditKey = 'AUDIT#2026-12';
    const covers = (patterns: string | string[]) =>
      asArray(patterns).some((p) => (p.endsWith('*') ? auditKey.startsWith(p.slice(0, -1)) : p === auditKey));
    const readers: string[] = [];
    for (const [name, fn] of everyFunction()) {
      const statements = statementsOf(fn);
      for (const statement of onTable(statements)) {
        const patterns = statement.Condition?.['ForAllValues:StringLike']?.[
          'dynamodb:LeadingKeys'
        ] as string[];
        if (!covers(patterns)) continue;
        expect(statement.Action, `${name} on audit items`).not.toContain('dynamodb:UpdateItem');
        expect(statement.Action, `${name} on audit items`).not.toContain('dynamodb:DeleteItem');
        expect(statement.Action, `${name} on audit items`).not.toContain('dynamodb:BatchWriteItem');
        if (statement.Action.some((a) => a !== 'dynamodb:PutItem')) readers.push(name);
      }
      if (indexesOf(statements).includes(tableDefinition.indexes.auditByLicensee.name)) readers.push(name);
    }
    // Audit keys (month, timestamp, ULID) cannot be guessed: a function that cannot read them cannot name an
    // existing event for a PutItem to replace.
    expect([...new Set(readers)].sort()).toEqual(['admin', 'job-runner', 'ttl-audit']);
  });
});

describe('HTTP API', () => {
  it('has exactly one route per routes entry, each integrated with its function', () => {
    const routeResources = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route');
    expect(routeResources.map((r) => r.Properties.RouteKey).sort()).toEqual(
      routes.map((r) => `${r.method} ${r.path}`).sort(),
    );
    const integrations = Object.entries(resources).filter(
      ([, r]) => r.Type === 'AWS::ApiGatewayV2::Integration',
    );
    expect(integrations).toHaveLength(functionNames.length);
    for (const route of routes) {
      const resource = routeResources.find((r) => r.Properties.RouteKey === `${route.method} ${route.path}`);
      const target = JSON.stringify(resource?.Properties.Target);
      const [integrationId, integration] =
        integrations.find(([id]) => target.includes(id)) ?? expect.unreachable('route without integration');
      expect(integrationId).toBeDefined();
      expect(integration.Properties.IntegrationUri).toEqual(
        getAtt(logicalId(stack.functions.byName[route.fn])),
      );
    }
  });

  it('the $default stage throttles and writes JSON access logs without IP, path, query or body', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    const stage = Object.values(resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage');
    expect(stage?.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    const settings = stage?.Properties.AccessLogSettings as Json;
    expect(settings.DestinationArn).toHaveProperty('Fn::GetAtt');
    const format = JSON.parse(settings.Format as string) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
    const values = Object.values(format).join(' ');
    for (const forbidden of [
      'sourceIp',
      '$context.path',
      'querystring',
      '$request',
      'body',
      'userAgent',
      'authorizer',
    ]) {
      expect(values).not.toContain(forbidden);
    }
  });
});

describe('SES', () => {
  it('a domain identity with a TLS-required default configuration set', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'zorgsom.nl',
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: logicalId(stack.mail.configurationSet) } },
    });
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      DeliveryOptions: Match.objectLike({ TlsPolicy: 'REQUIRE' }),
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
  });
});

describe('SES bounces and complaints to the suppression list', () => {
  const senderId = () => logicalId(stack.mailOutbox.sender);
  const ruleId = () => logicalId(stack.mailOutbox.sesFeedback);

  it('the configuration set publishes bounce and complaint events to the default event bus', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: logicalId(stack.mail.configurationSet) },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint'],
        EventBridgeDestination: {
          EventBusArn: Match.objectLike({
            'Fn::Join': Match.arrayWith([Match.arrayWith([':event-bus/default'])]),
          }),
        },
      },
    });
  });

  it('a rule on the default bus passes permanent bounces and complaints, nothing else, to the mail-sender', () => {
    const rule = resources[ruleId()]!;
    expect(rule.Type).toBe('AWS::Events::Rule');
    expect(rule.Properties.EventBusName).toBeUndefined();
    // Only this stage's configuration set: another stage in the account has its own rule and list.
    const ours = {
      mail: { tags: { 'ses:configuration-set': [{ Ref: logicalId(stack.mail.configurationSet) }] } },
    };
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.ses'],
      $or: [
        { 'detail-type': ['Email Bounced'], detail: { ...ours, bounce: { bounceType: ['Permanent'] } } },
        { 'detail-type': ['Email Complaint Received'], detail: ours },
      ],
    });
    const targets = rule.Properties.Targets as Json[];
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      Arn: getAtt(senderId()),
      DeadLetterConfig: { Arn: getAtt(logicalId(stack.mailOutbox.failures.queue)) },
      RetryPolicy: { MaximumRetryAttempts: 8 },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: getAtt(senderId()),
      Principal: 'events.amazonaws.com',
      SourceArn: getAtt(ruleId()),
    });
    // EventBridge invokes asynchronously: an event still failing after Lambda's retries is kept, not lost.
    expect(resources[senderId()]!.Properties.DeadLetterConfig).toEqual({
      TargetArn: getAtt(logicalId(stack.mailOutbox.failures.queue)),
    });
  });

  it('the mail-sender may put items only on the suppression list and the RFC 3834 window, never an outbox mail', () => {
    const tableArn = getAtt(logicalId(stack.data.table));
    const puts = statementsOf(stack.mailOutbox.sender).filter(
      (s) => s.Action.includes('dynamodb:PutItem') && s.Resource.some((r) => same(r, tableArn)),
    );
    expect(puts.length).toBeGreaterThan(0);
    const keys = puts.flatMap((s) =>
      asArray(s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string | string[]),
    );
    expect(keys).toContain('SUPPRESSED#*');
    expect(new Set(keys)).toEqual(new Set(['SUPPRESSED#*', 'AUTOREPLY#*']));
  });
});

describe('outputs', () => {
  it('API URL, table name and key ARNs', () => {
    const outputs = Object.keys(template.toJSON().Outputs as Json);
    expect(outputs).toEqual(
      expect.arrayContaining(['ApiUrl', 'TableName', 'DataKeyArn', 'HmacKeyArn', 'TableKeyArn']),
    );
  });
});

describe('cdk-nag (AwsSolutions, HIPAA Security, NIST 800-53 r5)', () => {
  it('reports no unacknowledged finding', () => {
    const { app, outdir } = build();
    expect(() => app.synth()).not.toThrow();
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });

  it('every acknowledgement carries a reason a reviewer can read', () => {
    const { stack: built } = build();
    const acknowledgements = built.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledgements) {
      expect(reason.length, id).toBeGreaterThan(60);
    }
  });

  it('fails synthesis on an unacknowledged finding', () => {
    const { app } = build();
    const extra = new Stack(app, 'Violating', { env: { region: 'eu-west-1' } });
    // No PITR, AWS-owned key: several HIPAA/NIST/AwsSolutions errors.
    new Table(extra, 'Bare', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    expect(() => app.synth()).toThrow(/DynamoDBPITREnabled/);
  });
});
