import { Duration, Validations } from 'aws-cdk-lib';
import { Effect, ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { functionGrants, functionNames } from '../../functions/routes.js';
import { submissionPurpose } from '../../shared/domain/by-email-submission.js';
import type { FunctionName } from '../../functions/routes.js';
import type { TableFunction } from '../../functions/table-access.js';
import { functionCode } from '../bundling.js';
import { reservedConcurrencyOf } from '../concurrency.js';
import { FUNCTION_LOG_RETENTION } from '../retention.js';
import { tableStatementsFor } from './table-grants.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

type Grants = (typeof functionGrants)[FunctionName];

/** The exact resources the grants of `functionGrants` are turned into statements on. */
export interface GrantTargets {
  readonly dataKeyArn: string;
  readonly hmacKeyArn: string;
  readonly tableKeyArn: string;
  readonly tableArn: string;
  /** The SES statement (identity + configuration set, From address condition). */
  readonly sendMail: () => PolicyStatement;
  /** The region, for the `kms:ViaService` condition on the table key. */
  readonly region: string;
  /** The raw inbound mail bucket (for purges of a licensee's mail). */
  readonly rawMailBucketArn?: string;
  /** The raw-mail bucket's key (SSE-KMS): reading an object decrypts through S3. */
  readonly rawMailKeyArn?: string;
  /** The budget-review key and upload bucket (patient data, kept apart). */
  readonly budgetReviews?: { readonly keyArn: string; readonly bucketArn: string };
  /** The job runner (staff jobs), which functions that start jobs may invoke. */
  readonly jobRunnerArn?: string;
  /** The key that seals by-email submissions between the route and their worker. */
  readonly submissionKeyArn?: string;
  /** The by-email worker, which privacy-requests invokes (infra/constructs/by-email-worker.ts). */
  readonly byEmailWorkerArn?: string;
}

export const kmsActions = {
  /**
   * Encrypt: personal data that fits KMS's 4 KB limit goes to KMS itself (shared/adapters/kms-sealer.ts);
   * GenerateDataKey: the Encryption SDK envelope for a longer payload (a request text).
   */
  encrypt: ['kms:Encrypt', 'kms:GenerateDataKey'],
  decrypt: ['kms:Decrypt'],
  mac: ['kms:GenerateMac'],
} as const;

export const budgetReviewActions = {
  key: { encrypt: ['kms:GenerateDataKey'], decrypt: ['kms:Decrypt'] },
  uploads: { put: ['s3:PutObject'], get: ['s3:GetObject'], delete: ['s3:DeleteObject'] },
} as const;

/**
 * Budget-review grants: the upload bucket's objects and the budget key. The key is used only by S3 (SSE-KMS of
 * the presigned PUT and GET, on the signer's behalf), so only via S3: no function calls KMS with it directly.
 */
export function budgetReviewStatements(
  grants: NonNullable<Grants['budgetReviews']>,
  targets: GrantTargets['budgetReviews'],
  region?: string,
): PolicyStatement[] {
  if (!targets) throw new Error('budget-review grants need the budget-review key and bucket');
  const keyActions = grants.key.flatMap((grant) => [...budgetReviewActions.key[grant]]);
  if (keyActions.length > 0 && !region) throw new Error('the budget key is granted via S3 of a region');
  return [
    ...(keyActions.length > 0
      ? [
          new PolicyStatement({
            sid: 'BudgetReviewKeyViaS3',
            actions: keyActions,
            resources: [targets.keyArn],
            conditions: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
          }),
        ]
      : []),
    new PolicyStatement({
      sid: 'BudgetReviewUploads',
      actions: grants.uploads.flatMap((grant) => [...budgetReviewActions.uploads[grant]]),
      resources: [`${targets.bucketArn}/budget-reviews/*`],
    }),
  ];
}

/** The encryption context every by-email submission is sealed under (shared/domain/by-email-submission.ts). */
export const submissionContextCondition = {
  StringEquals: { 'kms:EncryptionContext:purpose': submissionPurpose },
};

/**
 * The route seals (Encrypt only) and hands off (invokes the worker, nothing else of Lambda); the worker opens
 * (Decrypt only). Neither can use the submission key for any other purpose.
 */
function byEmailSubmissionStatements(
  grant: NonNullable<Grants['byEmailSubmissions']>,
  targets: GrantTargets,
): PolicyStatement[] {
  if (!targets.submissionKeyArn) throw new Error('by-email submissions need the submission key');
  if (grant === 'work') {
    return [
      new PolicyStatement({
        sid: 'OpenByEmailSubmission',
        actions: ['kms:Decrypt'],
        resources: [targets.submissionKeyArn],
        conditions: submissionContextCondition,
      }),
    ];
  }
  if (!targets.byEmailWorkerArn) throw new Error('handing off by-email submissions needs the worker');
  return [
    new PolicyStatement({
      sid: 'SealByEmailSubmission',
      actions: ['kms:Encrypt'],
      resources: [targets.submissionKeyArn],
      conditions: submissionContextCondition,
    }),
    new PolicyStatement({
      sid: 'HandOffByEmailSubmission',
      actions: ['lambda:InvokeFunction'],
      resources: [targets.byEmailWorkerArn],
    }),
  ];
}

/** Turns one function's grants into IAM statements on exact ARNs. Pure, so tests can check it directly. */
export function statementsFor(name: TableFunction, grants: Grants, targets: GrantTargets): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  const kmsOn = (sid: string, actions: readonly string[], resource: string) =>
    statements.push(
      new PolicyStatement({ sid, effect: Effect.ALLOW, actions: [...actions], resources: [resource] }),
    );

  if (grants.kms.includes('encrypt')) kmsOn('EncryptPersonalData', kmsActions.encrypt, targets.dataKeyArn);
  if (grants.kms.includes('decrypt')) kmsOn('DecryptPersonalData', kmsActions.decrypt, targets.dataKeyArn);
  if (grants.kms.includes('mac')) kmsOn('EmailBlindIndex', kmsActions.mac, targets.hmacKeyArn);

  // The table: by partition family and index, as functions/table-access.ts lists for this function.
  statements.push(...tableStatementsFor(name, targets));
  if (grants.sendMail) statements.push(targets.sendMail());
  if (grants.budgetReviews)
    statements.push(...budgetReviewStatements(grants.budgetReviews, targets.budgetReviews, targets.region));
  if (grants.startsJobs) {
    if (!targets.jobRunnerArn) throw new Error('starting jobs needs the job runner');
    statements.push(
      new PolicyStatement({
        sid: 'StartJobs',
        actions: ['lambda:InvokeFunction'],
        resources: [targets.jobRunnerArn],
      }),
    );
  }
  if (grants.byEmailSubmissions)
    statements.push(...byEmailSubmissionStatements(grants.byEmailSubmissions, targets));
  if (grants.rawMail?.includes('delete')) {
    if (!targets.rawMailBucketArn) throw new Error('raw-mail grants need the raw-mail bucket');
    statements.push(
      new PolicyStatement({
        sid: 'RawMailPurge',
        actions: ['s3:DeleteObject'],
        resources: [`${targets.rawMailBucketArn}/inbound/*`],
      }),
    );
  }
  if (grants.rawMail?.includes('read')) {
    if (!targets.rawMailBucketArn || !targets.rawMailKeyArn)
      throw new Error('raw-mail reads need the raw-mail bucket and its key');
    statements.push(
      new PolicyStatement({
        sid: 'RawMailRead',
        actions: ['s3:GetObject'],
        resources: [`${targets.rawMailBucketArn}/inbound/*`],
      }),
      new PolicyStatement({
        sid: 'RawMailDecryptionViaS3',
        actions: ['kms:Decrypt'],
        resources: [targets.rawMailKeyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${targets.region}.amazonaws.com` } },
      }),
    );
  }
  return statements;
}

export interface FunctionsProps {
  readonly targets: GrantTargets;
  readonly logsKey: IKey;
  readonly environment: Record<string, string>;
}

/** What every function of this system is: one per concern, whoever invokes it. */
export interface ZorgSomFunctionProps {
  /** Folder under functions/ holding handler.ts. */
  readonly name: string;
  /**
   * A fixed function name, derived from the stack's (so two stages fit one account), for a function whose ARN
   * must be known before it exists (one that invokes itself); otherwise CloudFormation names it.
   */
  readonly functionName?: string;
  /** Exactly what the function may do, beyond writing its own logs and traces. */
  readonly statements: PolicyStatement[];
  readonly logsKey: IKey;
  readonly environment: Record<string, string>;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  /**
   * How it is invoked. HTTP functions are synchronous (the caller gets the error); scheduled and event
   * functions must bring their own failure destination, which the caller of this factory attaches.
   */
  readonly invocation: 'http' | 'scheduled' | 'event';
  /** Where failed asynchronous invocations land (after Lambda's own retries); see `FailureQueue`. */
  readonly deadLetterQueue?: IQueue;
}

/**
 * One Lambda function with its own role, its own customer-managed policy (no inline policy, no AWS managed
 * policy) and its own encrypted log group with a bounded retention.
 */
export function zorgSomFunction(parent: Construct, props: ZorgSomFunctionProps): NodejsFunction {
  const { name } = props;
  const scope = new Construct(parent, name);

  const logGroup = new LogGroup(scope, 'LogGroup', {
    retention: FUNCTION_LOG_RETENTION,
    encryptionKey: props.logsKey,
  });

  // A customer-managed policy instead of the role's inline default policy (HIPAA/NIST IAMNoInlinePolicy)
  // and instead of AWSLambdaBasicExecutionRole (AwsSolutions-IAM4): logs only to this function's log group.
  const policy = new ManagedPolicy(scope, 'Policy', {
    description: `ZorgSom Privacy ${name}: exactly the grants it uses`,
    statements: [
      new PolicyStatement({
        sid: 'OwnLogGroup',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
      new PolicyStatement({
        sid: 'XRayTracing',
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        resources: ['*'],
      }),
      ...props.statements,
      ...(props.deadLetterQueue
        ? [
            new PolicyStatement({
              sid: 'DeadLetterQueue',
              actions: ['sqs:SendMessage'],
              resources: [props.deadLetterQueue.queueArn],
            }),
          ]
        : []),
    ],
  });
  if (props.statements.some((statement) => ['RawMailPurge', 'RawMailRead'].includes(statement.sid ?? ''))) {
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::<MailIntakeRawMail0F1B3A6E.Arn>/inbound/*]',
      reason:
        "A purge deletes the raw mails a licensee's items name, and the staff inbox reads the one an inbox item " +
        'names (audited); their keys are SES message ids known only at run time. Only under inbound/ of the one ' +
        'raw-mail bucket.',
    });
  }
  if (props.statements.some((statement) => statement.sid === 'BudgetReviewUploads')) {
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::<BudgetReviewsUploads40D77A55.Arn>/budget-reviews/*]',
      reason:
        'Upload object keys are made per licensee and review at run time; the grant is limited to the ' +
        'budget-reviews/ prefix of the one bucket, and to the object actions the function uses (upload: put, ' +
        'head, delete; staff: get; purges and cleanup: delete).',
    });
  }
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Only xray:PutTraceSegments and xray:PutTelemetryRecords use Resource "*": X-Ray does not support ' +
      'resource-level permissions for these actions. Every other statement names exact ARNs.',
  });

  const role = new Role(scope, 'Role', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `ZorgSom Privacy function ${name}`,
    managedPolicies: [policy],
  });

  const fn = new NodejsFunction(scope, 'Function', {
    // Bundled by infra/bundling.ts (the options the bench and the bundle tests use), with code splitting.
    code: functionCode(`${repoRoot}functions/${name}/handler.ts`),
    handler: 'index.handler',
    ...(props.functionName ? { functionName: props.functionName } : {}),
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize ?? 512,
    // A ceiling for HTTP functions, a guaranteed share for background ones (infra/concurrency.ts).
    reservedConcurrentExecutions: reservedConcurrencyOf(name),
    timeout: props.timeout ?? Duration.seconds(10),
    tracing: Tracing.ACTIVE,
    logGroup,
    ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue, retryAttempts: 2 } : {}),
    // Statements are all in the managed policy above; the immutable view keeps CDK from adding an inline
    // default policy (e.g. its own X-Ray statement for active tracing).
    role: role.withoutPolicyUpdates(),
    environment: {
      ...props.environment,
      POWERTOOLS_SERVICE_NAME: 'zorgsom-privacy',
      POWERTOOLS_METRICS_NAMESPACE: 'ZorgSom',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    },
  });

  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'nodejs22.x is deliberate: it is an LTS runtime supported by Lambda, and the toolchain (Node 20 locally, ' +
      'middy 6, pinned SDKs) is verified against it. Moving to nodejs24.x is a planned upgrade, not a drift.',
  });
  if (!props.deadLetterQueue) {
    for (const id of ['HIPAA.Security-LambdaDLQ', 'NIST.800.53.R5-LambdaDLQ']) {
      Validations.of(fn).acknowledge({
        id,
        reason:
          props.invocation === 'http'
            ? 'Invoked synchronously by API Gateway only: the caller receives the error, so there is no ' +
              'asynchronous event to dead-letter (a DLQ applies to asynchronous invocations only).'
            : 'Invoked synchronously by its event source mapping, which holds the retry policy and an on-failure ' +
              'destination with an alarm, next to this function (a Lambda DLQ applies to asynchronous invocations).',
      });
    }
  }
  for (const id of ['HIPAA.Security-LambdaInsideVPC', 'NIST.800.53.R5-LambdaInsideVPC']) {
    Validations.of(fn).acknowledge({
      id,
      reason:
        'The function uses no VPC resources: it reaches only AWS service endpoints (DynamoDB, KMS, SES, S3) ' +
        'over TLS, authorised by IAM with exact-ARN statements. A VPC would add NAT or endpoints without ' +
        'narrowing access to data.',
    });
  }
  return fn;
}

/** One HTTP function per entry of `functionNames`, with the grants `functionGrants` lists for it. */
export class Functions extends Construct {
  readonly byName: Record<FunctionName, NodejsFunction>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const byName: Partial<Record<FunctionName, NodejsFunction>> = {};
    for (const name of functionNames) {
      byName[name] = zorgSomFunction(this, {
        name,
        statements: statementsFor(name, functionGrants[name], props.targets),
        logsKey: props.logsKey,
        environment: props.environment,
        invocation: 'http',
      });
    }
    this.byName = byName as Record<FunctionName, NodejsFunction>;
  }
}
