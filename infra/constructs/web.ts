import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerImage, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  Function as CloudFrontFunction,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
  type CfnBucket,
} from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { originVerifyHeader } from '../../shared/http/origin-verify.js';
import { pages } from '../../web/src/pages.js';
import { contentSecurityPolicy, permissionsPolicy } from '../../web/src/security.js';
import { FUNCTION_LOG_RETENTION } from '../retention.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The portal's sources; the deployment's asset is what local/web-build.ts makes of them. */
export const webDir = join(repoRoot, 'web');
const webBuildScript = join(repoRoot, 'local', 'web-build.ts');

/** Two years, the same as the API's own Strict-Transport-Security (shared/http/security-headers.ts). */
const HSTS_MAX_AGE = Duration.seconds(63_072_000);

/**
 * Unknown portal URLs get the Dutch 404 page with status 404. Not CloudFront's error responses: those apply
 * to the whole distribution, so they would also replace the API's problem+json 404s under /api/*. Instead
 * two CloudFront Functions on the portal's (S3) behaviour: the request one sends any path that is not a page,
 * the favicon, an asset or the staff console's to /404.html; the response one gives that page its 404 status.
 */
export function notFoundFunctionCode(): { request: string; response: string } {
  const known = ['/', '/favicon.svg', ...Object.values(pages).map((page) => `/${page.file}`)];
  return {
    request: `var known = ${JSON.stringify(Object.fromEntries(known.map((path) => [path, true])))};
function handler(event) {
  var request = event.request;
  if (request.uri.indexOf('/assets/') === 0 || request.uri.indexOf('/console') === 0 || known[request.uri] === true) return request;
  request.uri = '/404.html';
  return request;
}`,
    response: `function handler(event) {
  var response = event.response;
  if (event.request.uri === '/404.html') {
    response.statusCode = 404;
    response.statusDescription = 'Not Found';
  }
  return response;
}`,
  };
}

export interface WebProps {
  /** The domain of the HTTP API that answers /api/* behind the same domain (execute-api or its own). */
  readonly apiOriginDomain: string;
  /**
   * The web ACL (scope CLOUDFRONT, in us-east-1: infra/edge-stack.ts) in front of everything the distribution
   * serves: the portal, the staff console, /oauth2/* and /api/*.
   */
  readonly webAclArn: string;
  /**
   * The origin secret (a Secrets Manager dynamic reference, resolved by CloudFormation) CloudFront sends the API
   * in its origin header on every /api/* request; the HTTP functions refuse requests without it.
   */
  readonly originSecret: string;
  /** The portal's own domain and its us-east-1 certificate; without, CloudFront's default domain. */
  readonly customDomain?: { readonly domainName: string; readonly certificate: ICertificate };
  /** Encrypts the deployment handler's log group, like every other log group of the stack. */
  readonly logsKey: IKey;
  /**
   * The staff console's sign-in: the Cognito user pool's domain (e.g. `zorgsom-staff.auth.eu-west-1.amazoncognito.com`)
   * and the console's app client. `/oauth2/*` on this distribution is forwarded there, so the console's token
   * call stays on its own origin and its CSP stays `default-src 'self'`; the deployment writes
   * console/config.json from it. Without it the console is served but cannot sign anyone in.
   */
  readonly staffSignIn?: { readonly cognitoDomainName: string; readonly clientId: string };
  /**
   * The budget-review upload bucket's origin (`https://<bucket regional domain>`): the portal PUTs a shared
   * file there on a presigned URL, so the CSP's connect-src names it (and nothing else beyond 'self').
   */
  readonly uploadOrigin?: string;
}

/** Where the staff console lives on the distribution (local/console-build.ts builds it there). */
export const consolePathPattern = '/console/*';

/**
 * Serves a folder's index.html for `/console/` (CloudFront's default root object covers only `/`), and
 * sends `/console` to `/console/` so relative paths and the OAuth redirect URI have one form.
 */
const consoleIndexCode = `function handler(event) {
  var request = event.request;
  if (request.uri === '/console') {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/console/' } } };
  }
  if (request.uri.endsWith('/')) request.uri += 'index.html';
  return request;
}`;

/**
 * The licensee portal: static files in a private S3 bucket, read only by CloudFront (origin access control),
 * and `/api/*` on the same distribution forwarded to the HTTP API, so the portal and the API share one
 * origin (no CORS). Every portal response carries the security headers (CSP from web/src/security.ts).
 *
 * The portal is built during synthesis by the asset's bundling step (local/web-build.ts, esbuild), from
 * web/src and the policy file, so a deployment can never ship a stale or missing web/dist. Tests that skip
 * bundling (`aws:cdk:bundling-stacks: []`) stage the sources instead, so they need no build.
 */
export class Web extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly responseHeadersPolicy: ResponseHeadersPolicy;
  readonly deployment: BucketDeployment;
  readonly deploymentRole: Role;

  constructor(scope: Construct, id: string, props: WebProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      // Old versions allow a quick roll-back for a while, then go.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
    });
    const staticOnly =
      'The bucket holds only the public portal files (HTML, one script, one stylesheet) built from the ' +
      'repository, never personal data: ';
    Validations.of(this.bucket).acknowledge(
      {
        id: 'AwsSolutions-S1',
        reason: `${staticOnly}its only reader is CloudFront through origin access control, and server access logs would add nothing a deploy log lacks.`,
      },
      {
        id: 'HIPAA.Security-S3BucketLoggingEnabled',
        reason: `${staticOnly}its only reader is CloudFront through origin access control, and server access logs would add nothing a deploy log lacks.`,
      },
      {
        id: 'NIST.800.53.R5-S3BucketLoggingEnabled',
        reason: `${staticOnly}its only reader is CloudFront through origin access control, and server access logs would add nothing a deploy log lacks.`,
      },
      {
        id: 'HIPAA.Security-S3BucketReplicationEnabled',
        reason: `${staticOnly}every deployment rebuilds them from source, so a replica in a second region protects nothing.`,
      },
      {
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason: `${staticOnly}every deployment rebuilds them from source, so a replica in a second region protects nothing.`,
      },
      {
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        reason: `${staticOnly}they are published to every visitor, so SSE-S3 suffices and a KMS key would only add cost and a key policy for CloudFront.`,
      },
      {
        id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
        reason: `${staticOnly}they are published to every visitor, so SSE-S3 suffices and a KMS key would only add cost and a key policy for CloudFront.`,
      },
    );

    this.responseHeadersPolicy = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'ZorgSom portal: strict CSP, HSTS, no framing, no referrer, no sniffing',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(props.uploadOrigin),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: HSTS_MAX_AGE,
          includeSubdomains: true,
          override: true,
        },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        contentTypeOptions: { override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: permissionsPolicy, override: true },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });

    const notFoundCode = notFoundFunctionCode();
    const notFoundRequest = new CloudFrontFunction(this, 'NotFoundRequest', {
      comment: 'ZorgSom portal: unknown paths to the Dutch 404 page',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(notFoundCode.request),
    });
    const notFoundResponse = new CloudFrontFunction(this, 'NotFoundResponse', {
      comment: 'ZorgSom portal: the 404 page answers with status 404',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(notFoundCode.response),
    });

    const apiDomain = props.apiOriginDomain;
    const siteOrigin = S3BucketOrigin.withOriginAccessControl(this.bucket);
    const consoleIndex = new CloudFrontFunction(this, 'ConsoleIndex', {
      comment: 'Staff console: /console/ serves console/index.html',
      code: FunctionCode.fromInline(consoleIndexCode),
      runtime: FunctionRuntime.JS_2_0,
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'ZorgSom Privacy licensee portal, staff console and API',
      webAclId: props.webAclArn,
      ...(props.customDomain
        ? {
            domainNames: [props.customDomain.domainName],
            certificate: props.customDomain.certificate,
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableIpv6: true,
      defaultBehavior: {
        origin: siteOrigin,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        compress: true,
        functionAssociations: [
          { function: notFoundRequest, eventType: FunctionEventType.VIEWER_REQUEST },
          { function: notFoundResponse, eventType: FunctionEventType.VIEWER_RESPONSE },
        ],
      },
      additionalBehaviors: {
        // Same origin as the pages: no CORS. Nothing cached; every viewer header but Host reaches the API
        // (Authorization among them), which sends its own security headers (shared/http/security-headers.ts).
        '/api/*': {
          // CloudFront sets the origin header, replacing a viewer's header of the same name.
          origin: new HttpOrigin(apiDomain, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            customHeaders: { [originVerifyHeader]: props.originSecret },
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          compress: true,
        },
        // The staff console: the same bucket, the same strict security headers (CSP included).
        [consolePathPattern]: {
          origin: siteOrigin,
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: this.responseHeadersPolicy,
          compress: true,
          functionAssociations: [{ function: consoleIndex, eventType: FunctionEventType.VIEWER_REQUEST }],
        },
        ...(props.staffSignIn
          ? {
              // The console's token call (authorization code + PKCE) on its own origin, forwarded to Cognito.
              '/oauth2/*': {
                origin: new HttpOrigin(props.staffSignIn.cognitoDomainName, {
                  protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
                }),
                viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
                allowedMethods: AllowedMethods.ALLOW_ALL,
                cachePolicy: CachePolicy.CACHING_DISABLED,
                originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                responseHeadersPolicy: this.responseHeadersPolicy,
              },
            }
          : {}),
      },
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'No geo restriction: licensees are Dutch practitioners, but they may sign in from anywhere (holidays, ' +
          'practices near the border); the API authenticates every personal request instead.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'No CloudFront access logs: they record every viewer IP address, personal data the privacy statement ' +
          'does not list (the API access logs leave it out for the same reason). CloudFront metrics remain.',
      },
    );
    if (!props.customDomain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Deployed without -c portalDomain, the distribution uses the default *.cloudfront.net certificate, for ' +
          'which CloudFront fixes the viewer security policy. With a portal domain it has its ACM certificate and ' +
          'TLSv1.2_2021.',
      });
    }

    const build = (outputDir: string): boolean => {
      execFileSync(process.execPath, ['--import', 'tsx', webBuildScript, outputDir], {
        cwd: repoRoot,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      return true;
    };
    const asset = new Asset(this, 'Portal', {
      path: webDir,
      exclude: ['dist', 'tsconfig.json'],
      bundling: {
        // Only used if the local build is not possible; the local build always is where synth runs.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-alpine'),
        local: { tryBundle: build },
      },
    });

    // The deployment handler's role, written by hand on exact ARNs like every other role of the stack: no AWS
    // managed policy, no inline default policy. BucketDeployment gets it without policy updates, so its own
    // (wildcard) grants are not added.
    const logGroup = new LogGroup(this, 'DeploymentLogs', {
      retention: FUNCTION_LOG_RETENTION,
      encryptionKey: props.logsKey,
    });
    this.deploymentRole = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description:
        'Copies the built portal into its bucket and invalidates the distribution (deploy time only)',
    });
    const deploymentPolicy = new ManagedPolicy(this, 'DeploymentPolicy', {
      roles: [this.deploymentRole],
      statements: [
        new PolicyStatement({
          sid: 'ReadPortalAsset',
          actions: ['s3:GetObject'],
          resources: [asset.bucket.arnForObjects(asset.s3ObjectKey)],
        }),
        new PolicyStatement({
          sid: 'ListPortalBucket',
          actions: ['s3:ListBucket'],
          resources: [this.bucket.bucketArn],
        }),
        new PolicyStatement({
          sid: 'WritePortalFiles',
          actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
          resources: [this.bucket.arnForObjects('*')],
        }),
        new PolicyStatement({
          sid: 'InvalidatePortal',
          actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
          resources: [
            stack.formatArn({
              service: 'cloudfront',
              region: '',
              resource: 'distribution',
              resourceName: this.distribution.distributionId,
            }),
          ],
        }),
        new PolicyStatement({
          sid: 'OwnLogGroup',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
      ],
    });

    Validations.of(deploymentPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*]`,
      reason:
        'The deployment syncs the whole built portal (content-hashed file names that change with every build) ' +
        'into its own bucket and prunes old files, so it writes and deletes any object of that one bucket.',
    });

    // The console's sign-in settings for this deployment replace the local ones the build wrote.
    const consoleConfig = props.staffSignIn
      ? [
          Source.jsonData('console/config.json', {
            authorizeUrl: `https://${props.staffSignIn.cognitoDomainName}/oauth2/authorize`,
            tokenUrl: '/oauth2/token',
            logoutUrl: `https://${props.staffSignIn.cognitoDomainName}/logout`,
            clientId: props.staffSignIn.clientId,
            redirectUri: '/console/',
            scope: 'zorgsom/staff',
            apiBase: '/api',
          }),
        ]
      : [];
    this.deployment = new BucketDeployment(this, 'Deployment', {
      sources: [Source.bucket(asset.bucket, asset.s3ObjectKey), ...consoleConfig],
      destinationBucket: this.bucket,
      // New pages reach viewers at once: hashed assets never change, the HTML is invalidated.
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      memoryLimit: 256,
      role: this.deploymentRole.withoutPolicyUpdates(),
      logGroup,
    });
    // The role's policy attaches itself (ManagedPolicy.roles), so nothing in the template orders it before the
    // copy: without this dependency the custom resource can start as soon as the distribution exists, and the
    // handler's first S3 read fails with AccessDenied (rollback on the first deploy).
    this.deployment.node.addDependency(deploymentPolicy);
    this.acknowledgeDeploymentHandler(stack);
  }

  /**
   * CDK's BucketDeployment runs one shared handler (a Lambda function created at stack level, its code owned
   * by aws-cdk-lib) only while CloudFormation deploys: it copies the built portal into the bucket and
   * invalidates the distribution. Its findings are about that tool, not about a path personal data takes.
   */
  private acknowledgeDeploymentHandler(stack: Stack): void {
    const handler = stack.node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (!handler) throw new Error('BucketDeployment created no handler to acknowledge findings on');
    const tool =
      'CDK BucketDeployment handler: runs only during a deployment to copy the built portal (no personal data) ' +
      'into its bucket and invalidate the distribution; ';
    const reasons: Record<string, string> = {
      'AwsSolutions-L1': `${tool}its runtime is pinned by aws-cdk-lib, which ships the handler code, and moves with cdk upgrades.`,
      'HIPAA.Security-LambdaConcurrency': `${tool}CloudFormation invokes it once per deployment, so a concurrency limit has nothing to bound.`,
      'NIST.800.53.R5-LambdaConcurrency': `${tool}CloudFormation invokes it once per deployment, so a concurrency limit has nothing to bound.`,
      'HIPAA.Security-LambdaDLQ': `${tool}CloudFormation invokes it synchronously and fails the deployment on an error, so there is nothing to queue.`,
      'NIST.800.53.R5-LambdaDLQ': `${tool}CloudFormation invokes it synchronously and fails the deployment on an error, so there is nothing to queue.`,
      'HIPAA.Security-LambdaInsideVPC': `${tool}it reaches only S3 and CloudFront over their TLS endpoints and uses no VPC resource.`,
      'NIST.800.53.R5-LambdaInsideVPC': `${tool}it reaches only S3 and CloudFront over their TLS endpoints and uses no VPC resource.`,
    };
    for (const [id, reason] of Object.entries(reasons)) Validations.of(handler).acknowledge({ id, reason });
  }
}
