import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesise, type Synthesised } from '../../support/synth.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** The one command that installs the linter where it is missing (CI has it through pyenv). */
const installCommand = 'pip install cfn-lint==1.51.0';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Two stages in one account, as the runbook deploys them: production with its defaults, and a test stage on
 * its own mail domain. Synthesised once each; cfn-lint and the collision check share them.
 */
let production: Synthesised;
let testStage: Synthesised;

beforeAll(() => {
  production = synthesise();
  // The test stage with everything a domain brings: the us-east-1 edge stack, certificates, the API's domain.
  testStage = synthesise({
    stage: 'test',
    domainName: 'test.zorgsom.nl',
    portalDomain: 'privacy.test.zorgsom.nl',
  });
}, 120_000);

afterAll(() => {
  production?.remove();
  testStage?.remove();
});

describe('cfn-lint (AWS CloudFormation linter, rules and reasons in .cfnlintrc)', () => {
  it('reports no error and no warning on any template of either stage', () => {
    const templates = [...production.templates, ...testStage.templates];
    // Each template in its own region: every stage's edge stack lives in us-east-1 (CloudFront's web ACL and
    // certificate).
    const edge = templates.filter((file) => file.endsWith('-edge.template.json'));
    expect(edge).toHaveLength(2);
    const regional = templates.filter((file) => !edge.includes(file));
    expect(regional).toHaveLength(2);
    const lint = (region: string, files: string[]) => {
      const run = spawnSync(
        'cfn-lint',
        ['--config-file', '.cfnlintrc', '--regions', region, '--format', 'json', '--', ...files],
        { cwd: repoRoot, encoding: 'utf8' },
      );
      if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(`cfn-lint is not installed; install it with: ${installCommand}`);
      }
      expect(run.status === 0 || run.stdout.trim().startsWith('['), run.stderr).toBe(true);
      return JSON.parse(run.stdout || '[]') as {
        Rule: { Id: string };
        Level: string;
        Message: string;
        Location: { Path: (string | number)[] };
      }[];
    };
    const findings = [...lint('eu-west-1', regional), ...lint('us-east-1', edge)];
    const readable = findings.map(
      (finding) =>
        `${finding.Rule.Id} ${finding.Level}: ${finding.Message} at ${finding.Location.Path.join('/')}`,
    );
    expect(readable).toEqual([]);
  }, 480_000);

  it('every ignored rule carries its reason in .cfnlintrc', () => {
    const config = readFileSync(new URL('.cfnlintrc', `file://${repoRoot}`), 'utf8').split('\n');
    const ignored = config.flatMap((line, index) => {
      const match = /^\s+- ([EWI]\d{4})\s*$/.exec(line);
      return match ? [{ rule: match[1], index }] : [];
    });
    expect(ignored.length).toBeGreaterThan(0);
    for (const { rule, index } of ignored) {
      expect(config[index - 1], `${rule} needs a comment above it`).toMatch(/^\s+#/);
    }
  });
});

/**
 * Where a resource type carries a name that must be unique in an account and region (CloudFormation fails the
 * second stack otherwise). Only literal strings count: a generated name (no property, or a Ref) never collides.
 */
const uniqueNames: Record<string, (properties: Json) => unknown> = {
  'AWS::KMS::Alias': (p) => p.AliasName,
  'AWS::SES::EmailIdentity': (p) => p.EmailIdentity,
  'AWS::SES::ReceiptRuleSet': (p) => p.RuleSetName,
  'AWS::SES::ConfigurationSet': (p) => p.Name,
  'AWS::S3::Bucket': (p) => p.BucketName,
  'AWS::DynamoDB::Table': (p) => p.TableName,
  'AWS::Lambda::Function': (p) => p.FunctionName,
  'AWS::IAM::Role': (p) => p.RoleName,
  'AWS::IAM::ManagedPolicy': (p) => p.ManagedPolicyName,
  'AWS::Logs::LogGroup': (p) => p.LogGroupName,
  'AWS::SQS::Queue': (p) => p.QueueName,
  'AWS::SNS::Topic': (p) => p.TopicName,
  'AWS::Scheduler::Schedule': (p) => p.Name,
  'AWS::Events::Rule': (p) => p.Name,
  'AWS::CloudWatch::Alarm': (p) => p.AlarmName,
  'AWS::CloudFront::ResponseHeadersPolicy': (p) => p.ResponseHeadersPolicyConfig?.Name,
  'AWS::CloudFront::OriginAccessControl': (p) => p.OriginAccessControlConfig?.Name,
  'AWS::ApiGatewayV2::DomainName': (p) => p.DomainName,
  'AWS::WAFv2::WebACL': (p) => p.Name,
};
function fixedNames(template: Json): string[] {
  return Object.values(template.Resources as Record<string, Json>).flatMap((resource) => {
    const name = uniqueNames[resource.Type as string]?.((resource.Properties ?? {}) as Json);
    return typeof name === 'string' ? [`${resource.Type as string} ${name}`] : [];
  });
}

describe('two stages in one account', () => {
  it('have different stack names and no account-wide name in common (key aliases, SES identity, …)', () => {
    expect(testStage.stack.stackName).toBe('ZorgSomPrivacy-test');
    expect(production.stack.stackName).toBe('ZorgSomPrivacy');
    const load = (built: Synthesised) =>
      built.templates.flatMap((file) => fixedNames(JSON.parse(readFileSync(file, 'utf8')) as Json));
    const productionNames = load(production);
    const testNames = new Set(load(testStage));
    // The check sees the names it is about: eight key aliases (the outbox and submission keys among them) and the
    // SES identity at least.
    expect(productionNames.filter((name) => name.startsWith('AWS::KMS::Alias')).length).toBe(8);
    expect(productionNames.some((name) => name.startsWith('AWS::SES::EmailIdentity'))).toBe(true);
    expect(productionNames.filter((name) => testNames.has(name))).toEqual([]);
  });
});

const templateOf = (built: Synthesised) =>
  JSON.parse(
    readFileSync(
      built.templates.find((f) => f.endsWith(`${built.stack.stackName}.template.json`))!,
      'utf8',
    ),
  ) as Json;
const resourcesOf = (built: Synthesised) =>
  (
    JSON.parse(
      readFileSync(
        built.templates.find((f) => f.includes(built.stack.stackName + '.'))!,
        'utf8',
      ),
    ) as Json
  ).Resources as Record<string, Json>;
const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const statementsOf = (document: Json | undefined): Json[] =>
  asArray(document?.Statement as Json[]).map((s) => ({
    ...s,
    Action: asArray(s.Action as string | string[]),
  }));

describe('deploy order', () => {
  it('every custom resource waits for the policies attached to its handler role', () => {
    const resources = resourcesOf(production);
    const custom = Object.entries(resources).filter(([, r]) => (r.Type as string).startsWith('Custom::'));
    expect(custom.length).toBeGreaterThan(0);
    for (const [id, resource] of custom) {
      const handlerId = (resource.Properties.ServiceToken as { 'Fn::GetAtt'?: [string, string] })[
        'Fn::GetAtt'
      ]?.[0];
      const roleId =
        handlerId && (resources[handlerId]?.Properties.Role as Json | undefined)?.['Fn::GetAtt']?.[0];
      if (!roleId) continue;
      // Policies that name the role (ManagedPolicy.roles, Policy.roles): nothing else orders them first.
      const attached = Object.entries(resources)
        .filter(
          ([, r]) =>
            ['AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy'].includes(r.Type as string) &&
            asArray(r.Properties?.Roles as unknown[]).some((role) => same(role, { Ref: roleId })),
        )
        .map(([policyId]) => policyId);
      expect(attached.length, `${id}: its handler role has a policy`).toBeGreaterThan(0);
      expect(asArray(resource.DependsOn as string[]), id).toEqual(expect.arrayContaining(attached));
    }
  });
});

describe('permissions a first deploy needs', () => {
  it('the alarm topic lets CloudWatch alarms of this account publish (a topic policy replaces the default)', () => {
    const resources = resourcesOf(production);
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::SNS::TopicPolicy');
    expect(policies.length).toBeGreaterThan(0);
    for (const policy of policies) {
      const allow = statementsOf(policy.Properties.PolicyDocument as Json).find(
        (s) => s.Effect === 'Allow' && same(s.Principal, { Service: 'cloudwatch.amazonaws.com' }),
      );
      expect(allow?.Action).toEqual(['sns:Publish']);
      expect(allow?.Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
      expect(JSON.stringify(allow?.Condition.ArnLike['aws:SourceArn'])).toContain(':alarm:*');
    }
  });

  it('every alarm notifies a topic whose key and policy let CloudWatch publish', () => {
    const resources = resourcesOf(production);
    const topicIds = new Set(
      Object.values(resources)
        .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
        .flatMap((r) => asArray(r.Properties.AlarmActions as Json[]))
        .map((action) => (action as { Ref: string }).Ref),
    );
    expect(topicIds.size).toBeGreaterThan(0);
    for (const topicId of topicIds) {
      const covered = Object.values(resources).some(
        (r) =>
          r.Type === 'AWS::SNS::TopicPolicy' &&
          asArray(r.Properties.Topics as Json[]).some((t) => same(t, { Ref: topicId })) &&
          statementsOf(r.Properties.PolicyDocument as Json).some(
            (s) => s.Effect === 'Allow' && s.Action.includes('sns:Publish'),
          ),
      );
      expect(covered, topicId).toBe(true);
      const keyId = (resources[topicId]?.Properties.KmsMasterKeyId as Json)['Fn::GetAtt'][0] as string;
      const keyAllows = statementsOf(resources[keyId]?.Properties.KeyPolicy as Json).find((s) =>
        same(s.Principal, { Service: 'cloudwatch.amazonaws.com' }),
      );
      expect(keyAllows?.Action).toEqual(expect.arrayContaining(['kms:GenerateDataKey*', 'kms:Decrypt']));
    }
  });

  it("SES may generate data keys under the raw-mail key in SES's documented form", () => {
    const resources = resourcesOf(production);
    const keyId = production.stack.getLogicalId(production.stack.mailIntake.key.node.defaultChild as never);
    const ruleSetId = production.stack.getLogicalId(
      production.stack.mailIntake.ruleSet.node.defaultChild as never,
    );
    const ses = statementsOf(resources[keyId]?.Properties.KeyPolicy as Json).filter((s) =>
      same(s.Principal, { Service: 'ses.amazonaws.com' }),
    );
    expect(ses).toHaveLength(1);
    expect(ses[0]?.Action).toEqual(['kms:GenerateDataKey*']);
    expect(ses[0]?.Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    const sourceArn = JSON.stringify(ses[0]?.Condition.ArnLike['aws:SourceArn']);
    expect(sourceArn).toContain(':receipt-rule-set/');
    expect(sourceArn).toContain(JSON.stringify({ Ref: ruleSetId }));
    expect(sourceArn).toContain(':receipt-rule/*');
  });

  it('mail-intake may list the raw-mail bucket, so a missing mail reads as 404, not 403', () => {
    const resources = resourcesOf(production);
    const fn =
      resources[
        production.stack.getLogicalId(production.stack.mailIntake.intakeFunction.node.defaultChild as never)
      ];
    const roleId = (fn?.Properties.Role as Json)['Fn::GetAtt'][0] as string;
    const bucketArn = {
      'Fn::GetAtt': [
        production.stack.getLogicalId(production.stack.mailIntake.bucket.node.defaultChild as never),
        'Arn',
      ],
    };
    const statements = asArray(resources[roleId]?.Properties.ManagedPolicyArns as Json[]).flatMap((arn) =>
      statementsOf(resources[(arn as { Ref: string }).Ref]?.Properties.PolicyDocument as Json),
    );
    const listing = statements.filter(
      (s) => s.Action.includes('s3:ListBucket') && asArray(s.Resource).some((r) => same(r, bucketArn)),
    );
    expect(listing).toHaveLength(1);
  });
});

describe('a domain that works (-c portalDomain)', () => {
  const ofType = (built: Synthesised, type: string) =>
    Object.values(resourcesOf(built)).filter((r) => r.Type === type);

  it('CloudFront serves the portal domain with the us-east-1 certificate, TLS 1.2 (2021) at least', () => {
    const [distribution] = ofType(testStage, 'AWS::CloudFront::Distribution');
    const config = distribution?.Properties.DistributionConfig as Json;
    expect(config.Aliases).toEqual(['privacy.test.zorgsom.nl']);
    expect(config.ViewerCertificate).toMatchObject({
      SslSupportMethod: 'sni-only',
      MinimumProtocolVersion: 'TLSv1.2_2021',
    });
    // Read from the edge stack's output in us-east-1 (a cross-region reference).
    expect(config.ViewerCertificate.AcmCertificateArn).toEqual({
      'Fn::GetStackOutput': {
        StackName: 'ZorgSomPrivacy-test-edge',
        Region: 'us-east-1',
        OutputName: expect.any(String),
      },
    });
    const edge = JSON.parse(
      readFileSync(
        testStage.templates.find((f) => f.endsWith('-edge.template.json'))!,
        'utf8',
      ),
    ) as Json;
    const certificates = Object.values(edge.Resources as Record<string, Json>).filter(
      (r) => r.Type === 'AWS::CertificateManager::Certificate',
    );
    expect(certificates.map((c) => c.Properties.DomainName)).toEqual(['privacy.test.zorgsom.nl']);
    expect(certificates[0]?.Properties.ValidationMethod).toBe('DNS');
  });

  it('the API answers only on its own domain: execute-api disabled, CloudFront forwards /api/* there', () => {
    const [api] = ofType(testStage, 'AWS::ApiGatewayV2::Api');
    expect(api?.Properties.DisableExecuteApiEndpoint).toBe(true);
    const [domain] = ofType(testStage, 'AWS::ApiGatewayV2::DomainName');
    expect(domain?.Properties.DomainName).toBe('api.privacy.test.zorgsom.nl');
    expect(ofType(testStage, 'AWS::ApiGatewayV2::ApiMapping')).toHaveLength(1);
    const origins = (
      ofType(testStage, 'AWS::CloudFront::Distribution')[0]?.Properties.DistributionConfig as Json
    ).Origins as Json[];
    expect(origins.map((o) => o.DomainName)).toContain('api.privacy.test.zorgsom.nl');
    // Without a domain, execute-api stays the (only) way in.
    expect(ofType(production, 'AWS::ApiGatewayV2::Api')[0]?.Properties.DisableExecuteApiEndpoint).toBeFalsy();
  });

  it('mail: inbound on a subdomain (never the apex MX), custom MAIL FROM, and every DNS record as an output', () => {
    const [rule] = ofType(testStage, 'AWS::SES::ReceiptRule');
    expect(rule?.Properties.Rule.Recipients).toEqual(['info@inbound.test.zorgsom.nl']);
    const [identity] = ofType(testStage, 'AWS::SES::EmailIdentity');
    expect(identity?.Properties.MailFromAttributes).toEqual({
      MailFromDomain: 'bounce.test.zorgsom.nl',
      BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
    });
    const outputs = templateOf(testStage).Outputs as Record<string, { Value: unknown }>;
    const value = (key: string) => JSON.stringify(outputs[key]?.Value);
    expect(value('DnsInboundMx')).toContain(
      'inbound.test.zorgsom.nl. MX 10 inbound-smtp.eu-west-1.amazonaws.com.',
    );
    expect(value('DnsMailFromMx')).toContain(
      'bounce.test.zorgsom.nl. MX 10 feedback-smtp.eu-west-1.amazonses.com.',
    );
    expect(value('DnsMailFromSpf')).toContain('v=spf1 include:amazonses.com ~all');
    expect(value('DnsDmarc')).toContain('_dmarc.test.zorgsom.nl. TXT \\"v=DMARC1;');
    expect(value('DnsPortal')).toContain('privacy.test.zorgsom.nl. CNAME ');
    expect(value('DnsApiOrigin')).toContain('api.privacy.test.zorgsom.nl. CNAME ');
    expect(value('PortalUrl')).toBe('"https://privacy.test.zorgsom.nl"');
    for (const key of Object.keys(outputs).filter((k) => k.startsWith('Dns')))
      expect(value(key), key).not.toMatch(/^"test\.zorgsom\.nl\. MX/);
  });
});
