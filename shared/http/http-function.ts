import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod/mini';
import { requireSetting, type Config } from '../config.js';
import { ConcurrentUpdateError, ProblemError } from '../domain/problem-error.js';
import { validateBody } from '../domain/validate.js';
import { errorForLog, flushMetrics, injectLambdaContext, type Observability } from '../observability.js';
import { edgeOriginOnly } from './origin-verify.js';
import { problemResponse } from './problem.js';
import { securityHeaders } from './security-headers.js';

/**
 * The request as a route sees it, nothing Lambda-specific. `body` is parsed as JSON when a route reads it,
 * so routes that take no JSON (a one-click unsubscribe posts a form) are not refused for its absence.
 */
export interface HttpRequest {
  readonly body: unknown;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** A licensee's session token or a staff access token; each function verifies the one it takes. */
  readonly bearerToken: string | undefined;
  /** The request's cookies by name (payload 2.0 `cookies`; the first of a repeated name). */
  readonly cookies: Readonly<Record<string, string | undefined>>;
}
export interface HttpResult {
  status: number;
  body?: unknown;
  /** A small server-made page instead of JSON (links opened from a mail). */
  html?: string;
  /** A download (the PDF overview); its name must carry no personal data. */
  file?: { contentType: string; name: string; bytes: Uint8Array };
  /** Set-Cookie values (payload 2.0 `cookies`), for a JSON answer. */
  cookies?: string[];
}
export type RouteHandler = (request: HttpRequest) => Promise<HttpResult>;

/** Forms are small; a function that takes uploads raises its own limit. */
const defaultMaxBodyBytes = 16 * 1024;
const correlationIdPattern = /^[A-Za-z0-9._-]{8,64}$/;

/** Parses and validates a body against its boundary schema, or refuses with field errors (400/422). */
export function bodyOf<T>(
  schema: z.ZodMiniType<T>,
  request: HttpRequest,
  options?: { patientGuard: false },
): T {
  const result = validateBody(schema, request.body, options);
  if (!result.ok)
    throw new ProblemError(
      result.status,
      result.status === 422 ? 'patient-data' : 'invalid-input',
      result.errors,
    );
  return result.value;
}

function parseBody(event: APIGatewayProxyEventV2, maxBodyBytes: number): unknown {
  if (!event.body) return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw) > maxBodyBytes) throw new ProblemError(413, 'payload-too-large');
  const contentType = event.headers['content-type'] ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType))
    throw new ProblemError(415, 'unsupported-media-type');
  try {
    return JSON.parse(raw);
  } catch {
    throw new ProblemError(400, 'invalid-json');
  }
}

function cookiesOf(event: APIGatewayProxyEventV2): Record<string, string> {
  // No prototype: a cookie named `__proto__` is just a name.
  const cookies: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const entry of event.cookies ?? []) {
    const at = entry.indexOf('=');
    if (at <= 0) continue;
    const name = entry.slice(0, at).trim();
    if (!Object.hasOwn(cookies, name)) cookies[name] = entry.slice(at + 1).trim();
  }
  return cookies;
}

function bearerTokenOf(event: APIGatewayProxyEventV2): string | undefined {
  const header = event.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
}

export interface HttpFunctionOptions {
  /**
   * The secret CloudFront sends in its origin header (ORIGIN_VERIFY_SECRET): every request without it is
   * refused with 403 before any route runs (shared/http/origin-verify.ts). Required, so that no HTTP function
   * can be made that answers callers who bypassed CloudFront and its web ACL.
   */
  originSecret: string;
  maxBodyBytes?: number;
}

/** What every HTTP function takes from its configuration: a missing origin secret fails at init. */
export const httpOptionsFrom = (config: Config): HttpFunctionOptions => ({
  originSecret: requireSetting(config, 'ORIGIN_VERIFY_SECRET'),
});

/**
 * One Lambda serving a few routes: the origin check, correlation id, JSON parsing, problem+json errors,
 * security headers, EMF metrics. Logs name the route and outcome only.
 */
export function httpFunction(
  routes: Record<string, RouteHandler>,
  { logger, metrics }: Observability,
  { originSecret, maxBodyBytes = defaultMaxBodyBytes }: HttpFunctionOptions,
) {
  const core = async (
    event: APIGatewayProxyEventV2,
    _context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const route = routes[event.routeKey];
    if (!route) return problemResponse(404, 'not-found');
    try {
      const result = await route({
        get body() {
          return parseBody(event, maxBodyBytes);
        },
        query: event.queryStringParameters ?? {},
        bearerToken: bearerTokenOf(event),
        cookies: cookiesOf(event),
      });
      if (result.file !== undefined) {
        return {
          statusCode: result.status,
          headers: {
            'content-type': result.file.contentType,
            'content-disposition': `attachment; filename="${result.file.name}"`,
            'cache-control': 'no-store',
          },
          body: Buffer.from(result.file.bytes).toString('base64'),
          isBase64Encoded: true,
        };
      }
      if (result.html !== undefined) {
        return {
          statusCode: result.status,
          headers: { 'content-type': 'text/html; charset=utf-8' },
          body: result.html,
        };
      }
      return {
        statusCode: result.status,
        headers: { 'content-type': 'application/json' },
        ...(result.cookies?.length ? { cookies: result.cookies } : {}),
        body: result.body === undefined ? '' : JSON.stringify(result.body),
      };
    } catch (error) {
      if (error instanceof ProblemError) {
        logger.info('request refused', {
          routeKey: event.routeKey,
          status: error.status,
          problem: error.code,
        });
        return problemResponse(error.status, error.code, error.errors);
      }
      if (error instanceof ConcurrentUpdateError) {
        // A lost race no service retried: the caller may simply try again.
        logger.info('request refused', { routeKey: event.routeKey, status: 409, problem: 'conflict' });
        return problemResponse(409, 'conflict');
      }
      // Only the class and stack frames: SDK and library messages may quote input.
      const failure =
        error instanceof Error ? { errorName: error.name, stack: errorForLog(error).stack } : {};
      logger.error('request failed', { routeKey: event.routeKey, ...failure });
      return problemResponse(500, 'internal');
    }
  };

  const correlationIdOf = (request: { internal: unknown }) =>
    String((request.internal as Record<string, unknown>).correlationId);
  const withHeaders = (response: APIGatewayProxyStructuredResultV2, correlationId: string) => {
    response.headers = { ...response.headers, ...securityHeaders, 'x-correlation-id': correlationId };
    return response;
  };

  return (
    middy(core)
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(flushMetrics(metrics))
      .use({
        before: (request) => {
          const supplied = request.event.headers['x-correlation-id'];
          const correlationId =
            supplied && correlationIdPattern.test(supplied)
              ? supplied
              : request.event.requestContext.requestId;
          logger.appendKeys({ correlationId, routeKey: request.event.routeKey });
          (request.internal as Record<string, unknown>).correlationId = correlationId;
        },
        after: (request) => {
          const response = withHeaders(
            request.response as APIGatewayProxyStructuredResultV2,
            correlationIdOf(request),
          );
          logger.info('request handled', { status: response.statusCode });
        },
      })
      // Last before the route: an early answer skips the `after` steps above, so it brings their headers.
      .use(
        edgeOriginOnly(originSecret, (request) => {
          logger.info('request refused', { status: 403, problem: 'origin-required' });
          return withHeaders(problemResponse(403, 'origin-required'), correlationIdOf(request));
        }),
      )
  );
}
