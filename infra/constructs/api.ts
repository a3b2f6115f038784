import { Stack, Validations } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { staffScope } from '../../shared/domain/staff-roles.js';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routes } from '../../functions/routes.js';
import type { FunctionName } from '../../functions/routes.js';
import { ACCESS_LOG_RETENTION } from '../retention.js';

export interface ApiProps {
  readonly functions: Record<FunctionName, IFunction>;
  readonly logsKey: IKey;
  /** The staff token issuer (Cognito user pool) and the app clients whose tokens staff routes accept. */
  readonly staffTokens: { readonly issuer: string; readonly clientIds: readonly string[] };
  /**
   * Steady-state requests per second of EACH route (an HTTP API stage's default route throttle applies per
   * route, not to the stage as a whole: 39 routes × 50 rps is the account-level ceiling of the API).
   */
  readonly throttleRate?: number;
  readonly throttleBurst?: number;
  /**
   * The API's own domain (api.<portal domain>) with its regional certificate: CloudFront's /api/* origin. With
   * it the execute-api endpoint is disabled, so the API is reachable only through that domain.
   */
  readonly customDomain?: { readonly domainName: string; readonly certificate: ICertificate };
}

/**
 * The access log line. Request id, route template, status and latencies only: never the caller's IP
 * (personal data the statement does not list), the concrete path, query string, headers or body.
 */
export const accessLogFields = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTimeEpoch',
  routeKey: '$context.routeKey',
  status: '$context.status',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  responseLength: '$context.responseLength',
  integrationError: '$context.integrationErrorMessage',
} as const;

/**
 * The HTTP API: one route per entry of `routes`, one Lambda integration per function.
 *
 * Without a custom domain the execute-api endpoint is CloudFront's /api/* origin; with one (`-c portalDomain=…`),
 * the API answers only on api.<portal domain> and execute-api is disabled. Either is a public DNS name, so the
 * functions also refuse every call without CloudFront's origin secret (shared/http/origin-verify.ts).
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  /** The domain CloudFront forwards /api/* to. */
  readonly originDomain: string;
  readonly domainName?: DomainName;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'ZorgSom Privacy licensee API',
      createDefaultStage: false,
      disableExecuteApiEndpoint: props.customDomain !== undefined,
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: ACCESS_LOG_RETENTION,
      encryptionKey: props.logsKey,
    });

    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRate ?? 50, burstLimit: props.throttleBurst ?? 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });

    if (props.customDomain) {
      this.domainName = new DomainName(this, 'DomainName', {
        domainName: props.customDomain.domainName,
        certificate: props.customDomain.certificate,
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      new ApiMapping(this, 'Mapping', { api: this.httpApi, domainName: this.domainName, stage: this.stage });
      this.originDomain = props.customDomain.domainName;
    } else {
      const stack = Stack.of(this);
      this.originDomain = `${this.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
    }

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const integrationFor = (fn: FunctionName) => {
      let integration = integrations.get(fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${fn}Integration`, props.functions[fn]);
        integrations.set(fn, integration);
      }
      return integration;
    };

    // Staff routes: API Gateway verifies the Cognito access token (signature, issuer, expiry, app client) and
    // requires the staff scope before the function runs; the function checks the route's role.
    const staffAuthorizer = new HttpJwtAuthorizer('StaffJwt', props.staffTokens.issuer, {
      authorizerName: 'staff-cognito',
      jwtAudience: [...props.staffTokens.clientIds],
      identitySource: ['$request.header.Authorization'],
    });
    for (const route of routes) {
      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrationFor(route.fn),
        ...(route.access === 'staff'
          ? { authorizer: staffAuthorizer, authorizationScopes: [staffScope] }
          : {}),
      });
      if (!httpRoute) throw new Error(`No route created for ${route.method} ${route.path}`);
      if (route.access === 'staff') continue;
      Validations.of(httpRoute).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          route.access === 'session'
            ? 'Licensee routes authenticate inside the function: the session token is hashed and looked up in ' +
              'DynamoDB on every call and the function answers 401 otherwise, after refusing (403) any call ' +
              "without CloudFront's origin secret. An API Gateway authorizer would repeat that lookup; licensees " +
              'have no IAM or Cognito identity.'
            : 'Public by nature: signup, sign-in, the by-email privacy request, the export schema and the ' +
              'one-click marketing unsubscribe are used without a session. Every call must come through ' +
              "CloudFront (the function refuses one without CloudFront's origin secret, 403), so the web ACL's " +
              'per-IP rate rules (tighter on the code routes) and AWS managed rule groups apply to all of them; ' +
              "then the per-route stage throttle and the function's reserved concurrency. Codes are bounded by " +
              'policy.signIn, spent before a guess is judged; unsubscribe links by a KMS HMAC over the licensee id.',
      });
    }
  }
}
