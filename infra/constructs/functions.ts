import { Duration, Validations } from 'aws-cdk-lib';
import { Effect, ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { functionGrants, functionNames } from '../../functions/routes.js';
import type { FunctionName } from '../../functions/routes.js';
import { lambdaBundling } from '../bundling.js';
import { FUNCTION_LOG_RETENTION } from '../retention.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

type Grants = (typeof functionGrants)[FunctionName];

/** The exact resources the grants of `functionGrants` are turned into statements on. */
export interface GrantTargets {
  readonly dataKeyArn: string;
  readonly hmacKeyArn: string;
  readonly tableKeyArn: string;
  readonly tableArn: string;
  readonly indexArns: readonly string[];
  /** The SES statement (identity + configuration set, From address condition). */
  readonly sendMail: () => PolicyStatement;
  /** The region, for the `kms:ViaService` condition on the table key. */
  readonly region: string;
}

export const dynamoDbActions = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem'],
  // TransactWriteItems has no IAM action of its own: DynamoDB authorises each item by PutItem/UpdateItem/
  // DeleteItem/ConditionCheckItem, so a transaction needs exactly these (ConditionCheckItem comes with 'read').
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
  query: ['dynamodb:Query'],
} as const;

export const kmsActions = {
  /** The Encryption SDK's KMS keyring with one generator key calls only GenerateDataKey to encrypt. */
  encrypt: ['kms:GenerateDataKey'],
  decrypt: ['kms:Decrypt'],
  mac: ['kms:GenerateMac'],
} as const;

/**
 * The table key is used by DynamoDB on the caller's behalf (server-side encryption). The same action set
 * CDK's `grantReadData`/`grantWriteData` add, spelt out without wildcards, and only via DynamoDB.
 */
export const tableKeyActions = {
  read: ['kms:Decrypt', 'kms:DescribeKey'],
  write: [
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:Encrypt',
    'kms:GenerateDataKey',
    'kms:GenerateDataKeyWithoutPlaintext',
    'kms:ReEncryptFrom',
    'kms:ReEncryptTo',
  ],
} as const;

/** Turns one function's grants into IAM statements on exact ARNs. Pure, so tests can check it directly. */
export function statementsFor(grants: Grants, targets: GrantTargets): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  const kmsOn = (sid: string, actions: readonly string[], resource: string) =>
    statements.push(
      new PolicyStatement({ sid, effect: Effect.ALLOW, actions: [...actions], resources: [resource] }),
    );

  if (grants.kms.includes('encrypt')) kmsOn('EncryptPersonalData', kmsActions.encrypt, targets.dataKeyArn);
  if (grants.kms.includes('decrypt')) kmsOn('DecryptPersonalData', kmsActions.decrypt, targets.dataKeyArn);
  if (grants.kms.includes('mac')) kmsOn('EmailBlindIndex', kmsActions.mac, targets.hmacKeyArn);

  const tableActions = [
    ...(grants.dynamodb.includes('read') ? dynamoDbActions.read : []),
    ...(grants.dynamodb.includes('write') ? dynamoDbActions.write : []),
    ...(grants.dynamodb.includes('query') ? dynamoDbActions.query : []),
  ];
  if (tableActions.length > 0) {
    statements.push(
      new PolicyStatement({ sid: 'Table', actions: tableActions, resources: [targets.tableArn] }),
    );
  }
  if (grants.dynamodb.includes('query')) {
    // Exact index ARNs, not index/*: a new index is granted only when someone adds it here on purpose.
    statements.push(
      new PolicyStatement({
        sid: 'TableIndexes',
        actions: [...dynamoDbActions.query],
        resources: [...targets.indexArns],
      }),
    );
  }
  if (grants.dynamodb.length > 0) {
    const actions = grants.dynamodb.includes('write') ? tableKeyActions.write : tableKeyActions.read;
    statements.push(
      new PolicyStatement({
        sid: 'TableEncryptionViaDynamoDB',
        actions: [...actions],
        resources: [targets.tableKeyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${targets.region}.amazonaws.com` } },
      }),
    );
  }
  if (grants.sendMail) statements.push(targets.sendMail());
  return statements;
}

export interface FunctionsProps {
  readonly targets: GrantTargets;
  readonly logsKey: IKey;
  readonly environment: Record<string, string>;
}

/**
 * One NodejsFunction per entry of `functionNames`, each with its own role, its own customer-managed policy
 * derived from `functionGrants`, and its own encrypted log group with a bounded retention.
 */
export class Functions extends Construct {
  readonly byName: Record<FunctionName, NodejsFunction>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const byName: Partial<Record<FunctionName, NodejsFunction>> = {};
    for (const name of functionNames) byName[name] = this.createFunction(name, props);
    this.byName = byName as Record<FunctionName, NodejsFunction>;
  }

  private createFunction(name: FunctionName, props: FunctionsProps): NodejsFunction {
    const scope = new Construct(this, name);

    const logGroup = new LogGroup(scope, 'LogGroup', {
      retention: FUNCTION_LOG_RETENTION,
      encryptionKey: props.logsKey,
    });

    // A customer-managed policy instead of the role's inline default policy (HIPAA/NIST IAMNoInlinePolicy)
    // and instead of AWSLambdaBasicExecutionRole (AwsSolutions-IAM4): logs only to this function's log group.
    const policy = new ManagedPolicy(scope, 'Policy', {
      description: `ZorgSom Privacy ${name}: exactly the grants of functionGrants['${name}']`,
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
        ...statementsFor(functionGrants[name], props.targets),
      ],
    });
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
      entry: `${repoRoot}functions/${name}/handler.ts`,
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: `${repoRoot}package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup,
      // Statements are all in the managed policy above; the immutable view keeps CDK from adding an inline
      // default policy (e.g. its own X-Ray statement for active tracing).
      role: role.withoutPolicyUpdates(),
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: 'zorgsom-privacy',
        POWERTOOLS_METRICS_NAMESPACE: 'ZorgSom',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      bundling: {
        // Shared with bench/bundles.ts, so the bench measures what ships.
        ...lambdaBundling,
        mainFields: [...lambdaBundling.mainFields],
        format: OutputFormat.ESM,
        sourceMap: false,
        // Bundle the pinned AWS SDK versions from package-lock.json instead of the runtime's SDK, so that
        // AWS runs the exact code the tests ran.
        externalModules: [],
        forceDockerBundling: false,
      },
    });

    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is deliberate: it is an LTS runtime supported by Lambda, and the toolchain (Node 20 locally, ' +
        'middy 6, pinned SDKs) is verified against it. Moving to nodejs24.x is a planned upgrade, not a drift.',
    });
    for (const id of ['HIPAA.Security-LambdaDLQ', 'NIST.800.53.R5-LambdaDLQ']) {
      Validations.of(fn).acknowledge({
        id,
        reason:
          'Invoked synchronously by API Gateway only: the caller receives the error, so there is no ' +
          'asynchronous event to dead-letter (a DLQ applies to asynchronous invocations only).',
      });
    }
    for (const id of ['HIPAA.Security-LambdaInsideVPC', 'NIST.800.53.R5-LambdaInsideVPC']) {
      Validations.of(fn).acknowledge({
        id,
        reason:
          'The function uses no VPC resources: it reaches only DynamoDB, KMS and SES over their TLS endpoints, ' +
          'authorised by IAM with exact-ARN statements. A VPC would add NAT or endpoints without narrowing ' +
          'access to data.',
      });
    }
    for (const id of ['HIPAA.Security-LambdaConcurrency', 'NIST.800.53.R5-LambdaConcurrency']) {
      Validations.of(fn).acknowledge({
        id,
        reason:
          'Concurrency is bounded upstream by the HTTP API stage throttle (rate and burst limits on every ' +
          'route). Reserved concurrency would be carved from the account pool and fails deployment on ' +
          'accounts with a low concurrency quota.',
      });
    }
    return fn;
  }
}
