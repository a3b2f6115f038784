import { Validations } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { routes } from '../../functions/routes.js';
import { problemResponse } from '../../shared/http/problem.js';

/**
 * Per client IP, per five minutes (WAF's rate-based rules count over a sliding window). Public routes: signup,
 * sign-in, confirmations, the by-email request, unsubscribe, the export schema. Code routes, a subset, send or
 * check a one-time code: tighter, so one address cannot spread guesses or mail triggers faster than a person.
 */
export const edgeRateLimits = {
  windowSeconds: 300,
  publicRoutes: 300,
  codeRoutes: 50,
} as const;

/** The public routes that send or check a one-time code (each must be a public route of functions/routes.ts). */
export const codeRoutePaths = [
  '/api/licensees',
  '/api/licensees/confirm',
  '/api/sign-in/code',
  '/api/sign-in',
  '/api/privacy-requests/by-email',
  '/api/privacy-requests/confirm',
] as const;

export const publicRoutePaths = [
  ...new Set(routes.filter((route) => route.access === 'public').map((route) => route.path)),
];

/** What WAF answers a client over its rate: the API's own problem body for 'rate-limited', status 429. */
export const rateLimitedBody = String(problemResponse(429, 'rate-limited').body);

const exactPaths = (paths: readonly string[]): CfnWebACL.StatementProperty => {
  const statements = paths.map((path): CfnWebACL.StatementProperty => ({
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'EXACTLY',
      searchString: path,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  }));
  return statements.length === 1 ? statements[0]! : { orStatement: { statements } };
};

// Counted in CloudWatch metrics only: sampled requests would show viewer IPs in the console, personal data the
// privacy statement does not list (no CloudFront or WAF logs either, for the same reason).
const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: false,
});

const rateRule = (
  name: string,
  priority: number,
  limit: number,
  paths: readonly string[],
): CfnWebACL.RuleProperty => ({
  name,
  priority,
  action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'rate-limited' } } },
  statement: {
    rateBasedStatement: {
      aggregateKeyType: 'IP',
      limit,
      evaluationWindowSec: edgeRateLimits.windowSeconds,
      scopeDownStatement: exactPaths(paths),
    },
  },
  visibilityConfig: visibility(name),
});

const managedRules = (
  name: 'AWSManagedRulesKnownBadInputsRuleSet' | 'AWSManagedRulesCommonRuleSet',
  priority: number,
  countOnly: string[] = [],
): CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: {
    managedRuleGroupStatement: {
      vendorName: 'AWS',
      name,
      ...(countOnly.length > 0
        ? { ruleActionOverrides: countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } })) }
        : {}),
    },
  },
  visibilityConfig: visibility(name),
});

/**
 * The CloudFront web ACL (scope CLOUDFRONT, so it lives in us-east-1: infra/edge-stack.ts): per-IP rate rules
 * on the public routes (tighter on code routes), then AWS's known-bad-inputs and common rule groups.
 */
export class EdgeFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: { readonly name: string }) {
    super(scope, id);
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: props.name,
      description: 'ZorgSom Privacy portal and API: per-IP rate limits, AWS managed rule groups',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      customResponseBodies: {
        'rate-limited': { contentType: 'APPLICATION_JSON', content: rateLimitedBody },
      },
      rules: [
        rateRule('CodeRoutesPerIp', 0, edgeRateLimits.codeRoutes, codeRoutePaths),
        rateRule('PublicRoutesPerIp', 1, edgeRateLimits.publicRoutes, publicRoutePaths),
        managedRules('AWSManagedRulesKnownBadInputsRuleSet', 2),
        // SizeRestrictions_BODY blocks bodies over 8 KB with a bare 403; the functions refuse over 16 KB
        // themselves with a 413 problem+json (shared/http/http-function.ts), so it only counts here.
        managedRules('AWSManagedRulesCommonRuleSet', 3, ['SizeRestrictions_BODY']),
      ],
      // The web ACL's metric name is the WebACL dimension of every rule's metrics: one per stage.
      visibilityConfig: visibility(props.name),
    });
    Validations.of(this.webAcl).acknowledge(
      ...['HIPAA.Security-WAFv2LoggingEnabled', 'NIST.800.53.R5-WAFv2LoggingEnabled'].map((ruleId) => ({
        id: ruleId,
        reason:
          'No WAF logs: every record carries the viewer IP address, personal data the privacy statement does not ' +
          'list (CloudFront and API access logs leave it out for the same reason). Per-rule CloudWatch metrics ' +
          'show what is blocked.',
      })),
    );
  }
}
