/**
 * The origin check every HTTP function runs before any route (shared/http/origin-verify.ts): only a request
 * carrying CloudFront's origin secret gets through; anything else is a 403 problem+json.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Spied, not replaced: the comparison must go through Node's constant-time compare.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});
const { timingSafeEqual } = await import('node:crypto');
const { originVerifier, originVerifyHeader } = await import('../../../shared/http/origin-verify.js');
const { httpFunction, httpOptionsFrom } = await import('../../../shared/http/http-function.js');
const { createObservability } = await import('../../../shared/observability.js');
const { loadConfig } = await import('../../../shared/config.js');
const { buildContext } = await import('../../../local/http-server.js');

const secret = 'Q3Jv8pXc2LkT9wZb7NfR4hYd6MsA1eGu0VtK5oPiJnBqWxHzCyDlEmFgUaSrOvI3';

afterEach(() => vi.mocked(timingSafeEqual).mockClear());

describe('originVerifier', () => {
  const verify = originVerifier(secret);

  it('lets through exactly the secret, in the header CloudFront sets', () => {
    expect(verify({ [originVerifyHeader]: secret })).toBe(true);
    expect(originVerifyHeader).toBe('x-zorgsom-origin-verify');
  });

  it('refuses a missing, empty, wrong, truncated, extended or case-changed secret', () => {
    for (const given of [
      undefined,
      '',
      'x'.repeat(secret.length),
      secret.slice(0, -1),
      `${secret}x`,
      secret.toLowerCase(),
      ` ${secret}`,
      `${secret},${secret}`,
    ]) {
      expect(verify(given === undefined ? {} : { [originVerifyHeader]: given }), String(given)).toBe(false);
    }
    // The secret in another header is no secret in this one.
    expect(verify({ 'x-origin-verify': secret, authorization: secret })).toBe(false);
  });

  it('compares in constant time: always timingSafeEqual over two 32-byte digests, whatever was sent', () => {
    const compare = vi.mocked(timingSafeEqual);
    for (const given of [secret, 'short', 'y'.repeat(10_000), secret.slice(0, 63)]) {
      compare.mockClear();
      verify({ [originVerifyHeader]: given });
      expect(compare).toHaveBeenCalledTimes(1);
      const [a, b] = compare.mock.calls[0]! as [Buffer, Buffer];
      expect([a.length, b.length]).toEqual([32, 32]);
    }
  });

  it('has no pass-through mode: a missing or short secret fails at init', () => {
    expect(() => originVerifier('')).toThrow(/ORIGIN_VERIFY_SECRET/);
    expect(() => originVerifier('s'.repeat(31))).toThrow(/ORIGIN_VERIFY_SECRET/);
    const base = {
      TABLE_NAME: 't',
      DATA_KEY_ID: 'd',
      HMAC_KEY_ID: 'h',
      OUTBOX_KEY_ID: 'o',
      MAIL_FROM: 'privacy@zorgsom.nl',
      PORTAL_URL: 'https://portal.zorgsom.nl',
    };
    expect(() => httpOptionsFrom(loadConfig(base))).toThrow(/ORIGIN_VERIFY_SECRET/);
    expect(() => loadConfig({ ...base, ORIGIN_VERIFY_SECRET: 'short' })).toThrow(/ORIGIN_VERIFY_SECRET/);
    expect(httpOptionsFrom(loadConfig({ ...base, ORIGIN_VERIFY_SECRET: secret }))).toEqual({
      originSecret: secret,
    });
  });
});

describe('an HTTP function behind the origin check', () => {
  const route = vi.fn(async () => ({ status: 200, body: { ok: true } }));
  const handler = httpFunction({ 'POST /api/sign-in': route }, createObservability('origin-test'), {
    originSecret: secret,
  });
  const call = async (headers: Record<string, string>) => {
    const event = {
      version: '2.0',
      routeKey: 'POST /api/sign-in',
      rawPath: '/api/sign-in',
      rawQueryString: '',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{"email":"a@example.nl","code":"123456"}',
      isBase64Encoded: false,
      requestContext: {
        requestId: 'req-0123456789',
        routeKey: 'POST /api/sign-in',
        http: { method: 'POST' },
      },
    } as unknown as APIGatewayProxyEventV2;
    return (await handler(
      event,
      buildContext('origin-test', 'req') as Context,
    )) as APIGatewayProxyStructuredResultV2;
  };

  it('answers a call without the header 403 problem+json, with the security headers, and runs no route', async () => {
    route.mockClear();
    for (const headers of [{}, { [originVerifyHeader]: 'guess' }] as Record<string, string>[]) {
      const response = await call(headers);
      expect(response.statusCode).toBe(403);
      expect(response.headers).toMatchObject({
        'content-type': 'application/problem+json',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-correlation-id': 'req-0123456789',
      });
      expect(JSON.parse(response.body!)).toMatchObject({
        status: 403,
        code: 'origin-required',
        type: 'urn:zorgsom:problem:origin-required',
        message: { nl: expect.any(String), en: expect.any(String) },
      });
    }
    expect(route).not.toHaveBeenCalled();
  });

  it('hands a call with the secret to its route, which never sees a difference', async () => {
    route.mockClear();
    const response = await call({ [originVerifyHeader]: secret });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body!)).toEqual({ ok: true });
    expect(route).toHaveBeenCalledTimes(1);
  });
});
