import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations, type CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../infra/app.js';
import type { ZorgSomPrivacyStack } from '../../../infra/stack.js';
import { contentSecurityPolicy } from '../../../web/src/security.js';

/** AWS managed CloudFront policies, by their fixed ids. */
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

const cdkContext = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8'))
  .context as Record<string, unknown>;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let outdir: string;
let stack: ZorgSomPrivacyStack;
let template: Template;
let distribution: Json;
const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnResource);

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'zorgsom-cdk-web-'));
  // Bundling skipped, as in the other template tests: the portal asset stages web/ instead of building it.
  stack = buildApp({ outdir, context: cdkContext, postCliContext: { 'aws:cdk:bundling-stacks': [] } }).stack;
  template = Template.fromStack(stack);
  distribution = template.toJSON().Resources[idOf(stack.web.distribution)].Properties
    .DistributionConfig as Json;
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('portal bucket', () => {
  it('is private, encrypted, TLS-only and versioned', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    });
    expect(idOf(stack.web.bucket)).toMatch(/^WebBucket/);
  });

  it('is readable only by this distribution (origin access control), and never over plain HTTP', () => {
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter(
      (policy) =>
        JSON.stringify(policy.Properties.Bucket) === JSON.stringify({ Ref: idOf(stack.web.bucket) }),
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0]?.Properties.PolicyDocument.Statement as Json[];
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': expect.objectContaining({ 'Fn::Join': expect.anything() }),
          },
        },
      }),
    ]);
    expect(JSON.stringify(allows[0]?.Condition)).toContain(idOf(stack.web.distribution));
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      }),
    });
  });
});

describe('distribution', () => {
  it('serves the portal over HTTPS with the security headers and caching', () => {
    expect(distribution.DefaultRootObject).toBe('index.html');
    expect(distribution.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      CachePolicyId: CACHING_OPTIMIZED,
      ResponseHeadersPolicyId: { Ref: idOf(stack.web.responseHeadersPolicy) },
      AllowedMethods: ['GET', 'HEAD'],
    });
    const s3Origin = (distribution.Origins as Json[]).find(
      (origin) => origin.Id === distribution.DefaultCacheBehavior.TargetOriginId,
    );
    expect(s3Origin?.OriginAccessControlId).toBeDefined();
    expect(s3Origin?.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
  });

  it('routes /api/* to the HTTP API on the same domain: nothing cached, every viewer header but Host', () => {
    const behaviors = distribution.CacheBehaviors as Json[];
    expect(behaviors.map((behavior) => behavior.PathPattern).sort()).toEqual([
      '/api/*',
      '/console/*',
      '/oauth2/*',
    ]);
    const api = behaviors.find((behavior) => behavior.PathPattern === '/api/*') as Json;
    expect(api).toMatchObject({
      PathPattern: '/api/*',
      ViewerProtocolPolicy: 'https-only',
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
    });
    expect([...(api.AllowedMethods as string[])].sort()).toEqual(
      ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'].sort(),
    );
    const origin = (distribution.Origins as Json[]).find((candidate) => candidate.Id === api.TargetOriginId);
    expect(origin?.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    const domain = JSON.stringify(origin?.DomainName);
    expect(domain).toContain(stack.getLogicalId(stack.api.httpApi.node.defaultChild as CfnResource));
    expect(domain).toContain('.execute-api.');
  });

  it('serves the staff console from the same bucket under /console/ with the same security headers', () => {
    const behavior = (distribution.CacheBehaviors as Json[]).find(
      (b) => b.PathPattern === '/console/*',
    ) as Json;
    expect(behavior).toMatchObject({
      TargetOriginId: distribution.DefaultCacheBehavior.TargetOriginId,
      ViewerProtocolPolicy: 'redirect-to-https',
      ResponseHeadersPolicyId: { Ref: idOf(stack.web.responseHeadersPolicy) },
      AllowedMethods: ['GET', 'HEAD'],
    });
    const association = (behavior.FunctionAssociations as Json[])[0] as Json;
    expect(association.EventType).toBe('viewer-request');
    // The function associated with the console's behaviour (the portal has CloudFront functions of its own).
    const consoleFunctionId = (association.FunctionARN as Json)['Fn::GetAtt'][0] as string;
    const fn = template.findResources('AWS::CloudFront::Function')[consoleFunctionId] as Json;
    const code = String(fn.Properties.FunctionCode);
    // /console/ → console/index.html; /console → /console/.
    const handler = new Function(`${code}; return handler;`)() as (event: Json) => Json;
    expect(handler({ request: { uri: '/console/' } })).toEqual({ uri: '/console/index.html' });
    expect(handler({ request: { uri: '/console/assets/console-X.js' } })).toEqual({
      uri: '/console/assets/console-X.js',
    });
    expect(handler({ request: { uri: '/console' } }).statusCode).toBe(301);
  });

  it("forwards /oauth2/* to the staff user pool's Cognito domain: the console's token call stays same-origin", () => {
    const behavior = (distribution.CacheBehaviors as Json[]).find(
      (b) => b.PathPattern === '/oauth2/*',
    ) as Json;
    expect(behavior).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      ResponseHeadersPolicyId: { Ref: idOf(stack.web.responseHeadersPolicy) },
    });
    const origin = (distribution.Origins as Json[]).find((o) => o.Id === behavior.TargetOriginId) as Json;
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    expect(JSON.stringify(origin.DomainName)).toContain('.auth.');
    expect(JSON.stringify(origin.DomainName)).toContain(idOf(stack.staffAuth.domain));
  });

  it('keeps no access log of viewers (their IP addresses are personal data the statement does not list)', () => {
    expect(distribution.Logging).toBeUndefined();
  });

  it('sends a strict CSP, HSTS, no framing, no referrer and nosniff on every portal response', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: {
          ContentSecurityPolicy: { ContentSecurityPolicy: Match.anyValue(), Override: true },
          StrictTransportSecurity: {
            AccessControlMaxAgeSec: 63_072_000,
            IncludeSubdomains: true,
            Override: true,
          },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
          ContentTypeOptions: { Override: true },
        },
      }),
    });
    // The one origin beyond 'self': the budget-review bucket's regional domain, for the portal's presigned
    // PUT (connect-src only); resolved by CloudFormation, so the template holds a join with its GetAtt.
    const [policy] = Object.values(
      template.findResources('AWS::CloudFront::ResponseHeadersPolicy'),
    ) as Json[];
    const csp = policy!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy
      .ContentSecurityPolicy as Json;
    const bucketId = stack.getLogicalId(stack.budgetReviews.bucket.node.defaultChild as CfnResource);
    expect(csp).toEqual({
      'Fn::Join': [
        '',
        [expect.any(String), { 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] }, expect.any(String)],
      ],
    });
    const [before, , after] = csp['Fn::Join'][1] as [string, unknown, string];
    expect(`${before}BUCKET${after}`).toBe(contentSecurityPolicy('https://BUCKET'));
    const text = contentSecurityPolicy('https://BUCKET');
    expect(text).toContain("default-src 'self'; connect-src 'self' https://BUCKET;");
    expect(text).toContain("frame-ancestors 'none'");
    // No inline or eval, no scheme-wide source (a bare https: or *), no other host.
    expect(text).not.toMatch(/unsafe-inline|unsafe-eval|\*|(^|\s)https?:(\s|;|$)/);
    expect(text.match(/https:\/\/[^\s;]+/g)).toEqual(['https://BUCKET']);
  });
});

describe('deployment of the built portal', () => {
  it('copies the portal into the bucket, prunes old files and invalidates the distribution', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: idOf(stack.web.bucket) },
      DistributionId: { Ref: idOf(stack.web.distribution) },
      DistributionPaths: ['/*'],
      Prune: true,
    });
  });

  it('gives the deployment handler a hand-written role: exact ARNs, no AWS managed or inline policy', () => {
    const resources = template.toJSON().Resources as Record<string, Json>;
    const roleId = idOf(stack.web.deploymentRole);
    const handler = Object.values(resources).find(
      (resource) =>
        resource.Type === 'AWS::Lambda::Function' &&
        JSON.stringify(resource.Properties.Role) === JSON.stringify({ 'Fn::GetAtt': [roleId, 'Arn'] }),
    );
    expect(handler).toBeDefined();
    expect(resources[roleId]?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(resources[roleId]?.Properties.Policies).toBeUndefined();
    const attached = Object.values(resources).filter(
      (resource) =>
        ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(resource.Type) &&
        JSON.stringify(resource.Properties.Roles ?? []).includes(roleId),
    );
    expect(attached.map((policy) => policy.Type)).toEqual(['AWS::IAM::ManagedPolicy']);
    const statements = attached[0]?.Properties.PolicyDocument.Statement as Json[];
    expect(Object.fromEntries(statements.map((statement) => [statement.Sid, statement.Action]))).toEqual({
      ReadPortalAsset: 's3:GetObject',
      ListPortalBucket: 's3:ListBucket',
      WritePortalFiles: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'],
      InvalidatePortal: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
      OwnLogGroup: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    });
    for (const statement of statements) expect(statement.Resource).not.toBe('*');
    expect(
      JSON.stringify(statements.find((statement) => statement.Sid === 'InvalidatePortal')?.Resource),
    ).toContain(idOf(stack.web.distribution));
  });

  it("logs the deployment handler to a log group under the stack's logs key", () => {
    const keyId = stack.getLogicalId(stack.keys.logsKey.node.defaultChild as CfnResource);
    const webGroups = Object.entries(template.findResources('AWS::Logs::LogGroup')).filter(([id]) =>
      id.startsWith('WebDeploymentLogs'),
    );
    expect(webGroups).toHaveLength(1);
    expect(webGroups[0]?.[1].Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });

  it('acknowledges each cdk-nag finding of the portal with a reason next to the construct', () => {
    const acknowledged = stack.node
      .findAll()
      .filter(
        (construct) =>
          construct.node.path.includes('/Web/') ||
          construct.node.id.startsWith('Custom::CDKBucketDeployment'),
      )
      .flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((entry) => Object.entries(entry.data as Record<string, string>)),
      );
    const ids = acknowledged.map(([id]) => id);
    for (const id of ['AwsSolutions-CFR3', 'AwsSolutions-CFR4', 'AwsSolutions-S1']) {
      expect(ids.some((acknowledgedId) => acknowledgedId.endsWith(id))).toBe(true);
    }
    // CloudFront has its web ACL now (test/unit/infra/edge.test.ts): nothing left to acknowledge for CFR2.
    expect(ids.some((acknowledgedId) => acknowledgedId.endsWith('AwsSolutions-CFR2'))).toBe(false);
    for (const [id, reason] of acknowledged) expect(reason.length, id).toBeGreaterThan(60);
  });
});
