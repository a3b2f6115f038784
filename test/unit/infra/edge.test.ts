/**
 * The edge in AWS (issue 9): the CloudFront web ACL in us-east-1 and its rules, reserved concurrency on every
 * function, and the alarms of an attack or an outage, asserted on the templates `cdk synth` makes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../../infra/app.js';
import {
  lambdaUnreservedMinimum,
  reservedConcurrency,
  totalReservedConcurrency,
} from '../../../infra/concurrency.js';
import { abuseAlarmThresholds } from '../../../infra/constructs/abuse-alarms.js';
import { codeRoutePaths, edgeRateLimits } from '../../../infra/constructs/edge-firewall.js';
import type { EdgeStack } from '../../../infra/edge-stack.js';
import type { ZorgSomPrivacyStack } from '../../../infra/stack.js';
import { functionNames, routes } from '../../../functions/routes.js';
import { tableFunctionNames } from '../../../functions/table-access.js';
import { originVerifyHeader } from '../../../shared/http/origin-verify.js';
import { problemResponse } from '../../../shared/http/problem.js';
import { createObservability } from '../../../shared/observability.js';

const cdkContext = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8'))
  .context as Record<string, unknown>;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let outdir: string;
let stack: ZorgSomPrivacyStack;
let edge: EdgeStack;
let resources: Record<string, Json>;
let edgeResources: Record<string, Json>;
const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnResource);
const ofType = (all: Record<string, Json>, type: string) =>
  Object.entries(all).filter(([, resource]) => resource.Type === type);

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'zorgsom-cdk-edge-'));
  ({ stack, edge } = buildApp({
    outdir,
    context: cdkContext,
    postCliContext: { 'aws:cdk:bundling-stacks': [] },
  }));
  resources = Template.fromStack(stack).toJSON().Resources as Record<string, Json>;
  edgeResources = Template.fromStack(edge).toJSON().Resources as Record<string, Json>;
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the CloudFront web ACL', () => {
  const webAcl = () => {
    const acls = ofType(edgeResources, 'AWS::WAFv2::WebACL');
    expect(acls).toHaveLength(1);
    return acls[0]![1].Properties as Json;
  };
  const rule = (name: string) => {
    const found = (webAcl().Rules as Json[]).find((candidate) => candidate.Name === name);
    expect(found, name).toBeDefined();
    return found!;
  };
  const pathsOf = (statement: Json): string[] =>
    ((statement.OrStatement?.Statements as Json[] | undefined) ?? [statement]).map(
      (s) => s.ByteMatchStatement.SearchString as string,
    );

  it('lives in us-east-1 with scope CLOUDFRONT, on every deploy (not only with a portal domain)', () => {
    expect(edge.region).toBe('us-east-1');
    expect(stack.region).toBe('eu-west-1');
    expect(webAcl()).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    // One name per stage: web ACL names are unique per account.
    expect(webAcl().Name).toBe('ZorgSomPrivacy-edge');
    expect(webAcl().VisibilityConfig.MetricName).toBe('ZorgSomPrivacy-edge');
    // The default deploy has no portal domain, so the edge stack holds only the web ACL.
    expect(ofType(edgeResources, 'AWS::CertificateManager::Certificate')).toHaveLength(0);
  });

  it('is the web ACL of the distribution (portal, console, /oauth2 and /api), read across regions', () => {
    const distributions = ofType(resources, 'AWS::CloudFront::Distribution');
    expect(distributions).toHaveLength(1);
    const config = distributions[0]![1].Properties.DistributionConfig as Json;
    const reference = config.WebACLId as Json;
    expect(reference['Fn::GetStackOutput']).toMatchObject({
      StackName: edge.stackName,
      Region: 'us-east-1',
    });
    const outputs = Template.fromStack(edge).toJSON().Outputs as Record<string, Json>;
    const aclId = ofType(edgeResources, 'AWS::WAFv2::WebACL')[0]![0];
    expect(outputs[reference['Fn::GetStackOutput'].OutputName as string]?.Value).toEqual({
      'Fn::GetAtt': [aclId, 'Arn'],
    });
    // The main stack waits for the edge stack: `cdk deploy --all` deploys us-east-1 first.
    expect(stack.dependencies).toContain(edge);
  });

  it('limits each client IP on the code routes to 50 and on all public routes to 300 per five minutes', () => {
    const publicPaths = [...new Set(routes.filter((r) => r.access === 'public').map((r) => r.path))];
    for (const path of codeRoutePaths) expect(publicPaths, path).toContain(path);
    const blocked = {
      Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'rate-limited' } },
    };

    const code = rule('CodeRoutesPerIp');
    expect(code.Action).toEqual(blocked);
    expect(code.Statement.RateBasedStatement).toMatchObject({
      AggregateKeyType: 'IP',
      Limit: 50,
      EvaluationWindowSec: 300,
    });
    expect(pathsOf(code.Statement.RateBasedStatement.ScopeDownStatement).sort()).toEqual(
      [...codeRoutePaths].sort(),
    );

    const all = rule('PublicRoutesPerIp');
    expect(all.Action).toEqual(blocked);
    expect(all.Statement.RateBasedStatement).toMatchObject({
      AggregateKeyType: 'IP',
      Limit: 300,
      EvaluationWindowSec: 300,
    });
    expect(pathsOf(all.Statement.RateBasedStatement.ScopeDownStatement).sort()).toEqual(publicPaths.sort());
    expect(edgeRateLimits).toEqual({ windowSeconds: 300, publicRoutes: 300, codeRoutes: 50 });
    // Exact paths, untransformed: CloudFront forwards /api/* as the viewer sent it.
    for (const match of [code, all].flatMap((r) =>
      (r.Statement.RateBasedStatement.ScopeDownStatement.OrStatement.Statements as Json[]).map(
        (s) => s.ByteMatchStatement,
      ),
    )) {
      expect(match).toMatchObject({
        FieldToMatch: { UriPath: {} },
        PositionalConstraint: 'EXACTLY',
        TextTransformations: [{ Priority: 0, Type: 'NONE' }],
      });
    }
  });

  it('answers a client over its rate with the API’s own 429 problem body', () => {
    const body = webAcl().CustomResponseBodies['rate-limited'] as Json;
    expect(body.ContentType).toBe('APPLICATION_JSON');
    expect(JSON.parse(body.Content as string)).toEqual(
      JSON.parse(String(problemResponse(429, 'rate-limited').body)),
    );
    expect(JSON.parse(body.Content as string)).toMatchObject({ status: 429 });
  });

  it('runs the AWS managed known-bad-inputs and common rule groups after the rate rules', () => {
    const rules = webAcl().Rules as Json[];
    expect(rules.map((r) => [r.Priority, r.Name])).toEqual([
      [0, 'CodeRoutesPerIp'],
      [1, 'PublicRoutesPerIp'],
      [2, 'AWSManagedRulesKnownBadInputsRuleSet'],
      [3, 'AWSManagedRulesCommonRuleSet'],
    ]);
    const badInputs = rule('AWSManagedRulesKnownBadInputsRuleSet');
    expect(badInputs.OverrideAction).toEqual({ None: {} });
    expect(badInputs.Statement.ManagedRuleGroupStatement).toEqual({
      VendorName: 'AWS',
      Name: 'AWSManagedRulesKnownBadInputsRuleSet',
    });
    const common = rule('AWSManagedRulesCommonRuleSet');
    expect(common.OverrideAction).toEqual({ None: {} });
    expect(common.Statement.ManagedRuleGroupStatement).toEqual({
      VendorName: 'AWS',
      Name: 'AWSManagedRulesCommonRuleSet',
      // Bodies over 8 KB are the functions' to refuse (413 problem+json at 16 KB), so that rule only counts.
      RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
    });
  });

  it('keeps no viewer IP: metrics per rule, no sampled requests, no logging configuration', () => {
    const visibility = [
      webAcl().VisibilityConfig,
      ...(webAcl().Rules as Json[]).map((r) => r.VisibilityConfig),
    ];
    for (const config of visibility) {
      expect(config).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: false });
    }
    expect(ofType(edgeResources, 'AWS::WAFv2::LoggingConfiguration')).toHaveLength(0);
  });
});

describe('reserved concurrency', () => {
  const ownFunctions = () =>
    ofType(resources, 'AWS::Lambda::Function').filter(([id]) => !id.startsWith('CustomCDKBucketDeployment'));
  const nameOf = (logicalId: string) => {
    const construct = stack.node
      .findAll()
      .find((c) => (c.node.defaultChild as CfnResource | undefined) && idOf(c) === logicalId);
    // zorgSomFunction: <parent>/<function name>/Function
    return construct?.node.scope?.node.id;
  };

  it('is set on every function of the stack, as infra/concurrency.ts lists it', () => {
    const functions = ownFunctions();
    expect(functions.length).toBe(tableFunctionNames.length);
    const seen = functions.map(([id, fn]) => {
      const name = nameOf(id);
      expect(name, id).toBeDefined();
      expect(fn.Properties.ReservedConcurrentExecutions, name).toBe(
        reservedConcurrency[name as keyof typeof reservedConcurrency],
      );
      return name;
    });
    expect(seen.sort()).toEqual([...tableFunctionNames].sort());
  });

  it('guarantees mail intake and the sweeper their share while capping the HTTP functions', () => {
    expect(reservedConcurrency['mail-intake']).toBeGreaterThanOrEqual(10);
    expect(reservedConcurrency['retention-sweeper']).toBeGreaterThanOrEqual(1);
    // A flood on every public route at once still leaves the background share and Lambda's minimum free.
    const http = ['licensee-signup', 'session', 'self-service', 'marketing-unsubscribe', 'privacy-requests'];
    for (const name of http) expect(reservedConcurrency[name as 'session']).toBeLessThanOrEqual(40);
  });

  it('README and runbook give the numbers the code sets: the total, the limit it needs, each share', () => {
    const docs = ['README.md', 'docs/runbook.md'].map((file) => ({
      file,
      // Prose wraps lines anywhere: compare on single spaces.
      text: readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8').replace(/\s+/g, ' '),
    }));
    const oneStage = totalReservedConcurrency + lambdaUnreservedMinimum;
    for (const { file, text } of docs) {
      const totals = [...text.matchAll(/(\d+) per stage/g)].map((m) => Number(m[1]));
      expect(totals.length, file).toBeGreaterThan(0);
      expect(new Set(totals), file).toEqual(new Set([totalReservedConcurrency]));
      const limits = [...text.matchAll(/Lambda limit of (?:at least )?(\d+)|a limit of at least (\d+)/g)].map(
        (m) => Number(m[1] ?? m[2]),
      );
      expect(limits.length, file).toBeGreaterThan(0);
      expect(new Set(limits), file).toEqual(new Set([oneStage]));
    }
    const runbook = docs[1]!.text;
    expect(runbook).toContain(
      `(${2 * totalReservedConcurrency + lambdaUnreservedMinimum} with a second stage)`,
    );
    for (const [name, reserved] of Object.entries(reservedConcurrency)) {
      expect(runbook, name).toContain(`${name} ${reserved}`);
    }
  });

  it('leaves Lambda its 100 unreserved on a default account limit of 1,000, with two stages', () => {
    expect(totalReservedConcurrency).toBe(Object.values(reservedConcurrency).reduce((a, b) => a + b, 0));
    expect(2 * totalReservedConcurrency + lambdaUnreservedMinimum).toBeLessThanOrEqual(1000);
  });
});

describe('alarms of the edge', () => {
  const alarmOf = (construct: { node: { defaultChild?: unknown } }) => {
    const alarm = resources[idOf(construct)];
    expect(alarm?.Type).toBe('AWS::CloudWatch::Alarm');
    return alarm!.Properties as Json;
  };
  const topic = () => ({ Ref: idOf(stack.mailIntake.alarmTopic) });

  it('notify the stack’s alarm topic, when they fire and when they clear', () => {
    const alarms = stack.abuseAlarms.all();
    expect(alarms).toHaveLength(4);
    for (const alarm of alarms) {
      const properties = alarmOf(alarm);
      expect(properties.AlarmActions).toEqual([topic()]);
      expect(properties.OKActions).toEqual([topic()]);
      expect(properties.TreatMissingData).toBe('notBreaching');
      expect(properties.AlarmDescription).toMatch(/runbook/);
    }
  });

  it('API 5xx rate: per cent of the HTTP API’s responses, once 20 requests came in five minutes', () => {
    const alarm = alarmOf(stack.abuseAlarms.serverErrors);
    expect(alarm).toMatchObject({
      Threshold: abuseAlarmThresholds.serverErrorPercent,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
    const metrics = alarm.Metrics as Json[];
    const expression = metrics.find((m) => m.Expression);
    expect(expression?.Expression).toBe('IF(requests >= 20, 100 * errors / requests, 0)');
    const apiId = { Ref: idOf(stack.api.httpApi) };
    const byId = Object.fromEntries(metrics.filter((m) => m.MetricStat).map((m) => [m.Id, m.MetricStat]));
    for (const [id, name] of [
      ['errors', '5xx'],
      ['requests', 'Count'],
    ] as const) {
      expect(byId[id]).toMatchObject({
        Metric: {
          Namespace: 'AWS/ApiGateway',
          MetricName: name,
          Dimensions: [{ Name: 'ApiId', Value: apiId }],
        },
        Period: 300,
        Stat: 'Sum',
      });
    }
  });

  it('FailedCodes spike: the metric the functions emit, by the service dimension our EMF writer adds', () => {
    const alarm = alarmOf(stack.abuseAlarms.failedCodes);
    const session = resources[idOf(stack.functions.byName.session)]!.Properties.Environment.Variables as Json;
    expect(alarm).toMatchObject({
      Namespace: session.POWERTOOLS_METRICS_NAMESPACE,
      MetricName: 'FailedCodes',
      Dimensions: [{ Name: 'service', Value: session.POWERTOOLS_SERVICE_NAME }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 50,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('every alarm on our own metrics selects what the EMF writer emits for it (namespace, name, dimension set)', () => {
    const env = resources[idOf(stack.functions.byName.session)]!.Properties.Environment.Variables as Json;
    const selected = ofType(resources, 'AWS::CloudWatch::Alarm')
      .flatMap(([, { Properties: alarm }]) =>
        alarm.Metrics
          ? (alarm.Metrics as Json[]).filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric as Json)
          : [alarm],
      )
      .filter((metric) => metric.Namespace === env.POWERTOOLS_METRICS_NAMESPACE);
    expect(selected.map((metric) => metric.MetricName)).toEqual(
      expect.arrayContaining(['FailedCodes', 'RequestsOverdue', 'TtlBackstopDeletions']),
    );
    for (const metric of selected) {
      const written: string[] = [];
      const { metrics } = createObservability('alarm-check', env as Record<string, string>);
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
      try {
        metrics.addMetric(metric.MetricName as string, 'Count', 1);
        metrics.publishStoredMetrics();
      } finally {
        vi.restoreAllMocks();
      }
      const document = JSON.parse(written.join('')) as Json;
      const directive = document._aws.CloudWatchMetrics[0] as Json;
      expect(directive.Namespace).toBe(metric.Namespace);
      expect(directive.Metrics).toContainEqual({ Name: metric.MetricName, Unit: 'Count' });
      // CloudWatch matches a metric by its exact set of dimensions, and each by its value.
      const dimensions = (metric.Dimensions ?? []) as { Name: string; Value: unknown }[];
      expect(directive.Dimensions).toContainEqual(dimensions.map((d) => d.Name));
      for (const { Name, Value } of dimensions) expect(document[Name], Name).toBe(Value);
    }
  });

  it('SES bounce and complaint rates: the account’s reputation metrics, before SES’s review levels', () => {
    for (const [construct, metricName, threshold] of [
      [stack.abuseAlarms.bounceRate, 'Reputation.BounceRate', 0.04],
      [stack.abuseAlarms.complaintRate, 'Reputation.ComplaintRate', 0.0008],
    ] as const) {
      expect(alarmOf(construct)).toMatchObject({
        Namespace: 'AWS/SES',
        MetricName: metricName,
        Statistic: 'Maximum',
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
    // Below SES's own review levels (5 % bounces, 0.1 % complaints), so there is time to act.
    expect(abuseAlarmThresholds.bounceRate).toBeLessThan(0.05);
    expect(abuseAlarmThresholds.complaintRate).toBeLessThan(0.001);
  });
});

describe('buckets', () => {
  it('every bucket of the stack refuses TLS below 1.2, the budget-review uploads among them', () => {
    const policies = ofType(resources, 'AWS::S3::BucketPolicy');
    const buckets = ofType(resources, 'AWS::S3::Bucket').map(([id]) => id);
    expect(buckets).toContain(idOf(stack.budgetReviews.bucket));
    for (const bucket of buckets) {
      const policy = policies.find(
        ([, p]) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: bucket }),
      );
      expect(policy, bucket).toBeDefined();
      const statements = policy![1].Properties.PolicyDocument.Statement as Json[];
      expect(
        statements.some(
          (s) => s.Effect === 'Deny' && s.Condition?.NumericLessThan?.['s3:TlsVersion'] === 1.2,
        ),
        bucket,
      ).toBe(true);
    }
  });
});

describe('the API only through CloudFront: the origin secret', () => {
  const secretReference = () => {
    const secrets = ofType(resources, 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(1);
    const [id, secret] = secrets[0]!;
    // Generated by Secrets Manager at deploy time: no value in the template.
    expect(secret.Properties).not.toHaveProperty('SecretString');
    expect(secret.Properties.GenerateSecretString).toMatchObject({
      PasswordLength: 64,
      ExcludePunctuation: true,
    });
    return {
      id,
      reference: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: id }, ':SecretString:::}}']] },
    };
  };

  it('CloudFront sends it to the API origin in x-zorgsom-origin-verify (and only there)', () => {
    const { reference } = secretReference();
    const config = ofType(resources, 'AWS::CloudFront::Distribution')[0]![1].Properties
      .DistributionConfig as Json;
    const apiBehaviour = (config.CacheBehaviors as Json[]).find((b) => b.PathPattern === '/api/*');
    const apiOrigin = (config.Origins as Json[]).find((o) => o.Id === apiBehaviour?.TargetOriginId);
    expect(apiOrigin?.OriginCustomHeaders).toEqual([
      { HeaderName: originVerifyHeader, HeaderValue: reference },
    ]);
    for (const origin of (config.Origins as Json[]).filter((o) => o !== apiOrigin)) {
      expect(JSON.stringify(origin)).not.toContain('secretsmanager');
    }
  });

  it('every HTTP function gets the same secret to check; no background function gets it', () => {
    const { reference } = secretReference();
    for (const name of functionNames) {
      const variables = resources[idOf(stack.functions.byName[name])]!.Properties.Environment
        .Variables as Json;
      expect(variables.ORIGIN_VERIFY_SECRET, name).toEqual(reference);
    }
    const others = ofType(resources, 'AWS::Lambda::Function').filter(
      ([id]) => !functionNames.some((name) => idOf(stack.functions.byName[name]) === id),
    );
    expect(others.length).toBeGreaterThan(0);
    for (const [id, fn] of others)
      expect(fn.Properties.Environment?.Variables ?? {}, id).not.toHaveProperty('ORIGIN_VERIFY_SECRET');
  });

  it('is replaced by a deploy with a new -c originSecretGeneration', () => {
    const { id } = secretReference();
    const dir = mkdtempSync(join(tmpdir(), 'zorgsom-cdk-edge-'));
    try {
      const rotated = buildApp({
        outdir: dir,
        context: { ...cdkContext, originSecretGeneration: '2' },
        postCliContext: { 'aws:cdk:bundling-stacks': [] },
      }).stack;
      const secrets = Object.keys(Template.fromStack(rotated).findResources('AWS::SecretsManager::Secret'));
      expect(secrets).toHaveLength(1);
      expect(secrets[0]).not.toBe(id);
      expect(() =>
        buildApp({ outdir: dir, context: { ...cdkContext, originSecretGeneration: 'a/b' } }),
      ).toThrow(/originSecretGeneration/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
