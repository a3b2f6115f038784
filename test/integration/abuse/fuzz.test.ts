import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { routes, type FunctionName, type Route } from '../../../functions/routes.js';
import { buildContext } from '../../../local/http-server.js';
import { originVerifyHeader } from '../../../shared/http/origin-verify.js';
import { recordAwsCalls, type AwsCallRecorder } from '../../support/aws-calls.js';
import { newLicensee, startLocalApi, type LocalApi } from '../../support/local-api.js';
import { registerLicensee } from '../../support/licensees.js';

// 50 requests at once against DynamoDB Local take seconds, more on a loaded machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

/**
 * Property-based fuzzing of every route a stranger can reach (public ones, and session ones with made-up
 * tokens): generated bodies, content types, tokens and query strings, straight into the handlers the local
 * adapter runs (in-process, no sockets). Properties: no answer is a 5xx, and a request refused as malformed
 * (400 invalid-input/invalid-json, 401, 413, 415, 422) wrote nothing to the table.
 */
const runsPerRoute = Number(process.env.FUZZ_RUNS ?? 1000);

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

let api: LocalApi;
let calls: AwsCallRecorder;
let handlers: Record<FunctionName, Handler>;
/** A real licensee's address and token, so generated requests also reach past validation. */
let known: { email: string; token: string; licenseeId: string };

beforeAll(async () => {
  api = await startLocalApi();
  handlers = Object.fromEntries(
    await Promise.all(
      [...new Set(routes.map((route) => route.fn))].map(
        async (name) => [name, (await import(`../../../functions/${name}/handler.ts`)).handler] as const,
      ),
    ),
  ) as Record<FunctionName, Handler>;
  known = await registerLicensee(api);
  calls = recordAwsCalls();
}, 120_000);
afterAll(async () => {
  calls?.restore();
  await api?.close();
});

const fuzzed = routes.filter((route) => route.access !== 'staff');

// --- generators -----------------------------------------------------------------------------------------

const ulid = fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/);
const code = fc.oneof(fc.stringMatching(/^[0-9]{6}$/), fc.string({ maxLength: 12 }));
const email = () =>
  fc.oneof(
    fc.emailAddress(),
    fc.constant(known.email),
    fc.constant(known.email.toUpperCase()),
    fc.string({ maxLength: 300 }),
    fc.constant(`${'a'.repeat(250)}@example.nl`),
  );
const text = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom('Annelies\u202E', '\uD800', 'x'.repeat(6000), '123456782', 'BSN 111222333'),
);
const address = fc.oneof(
  fc.record(
    {
      street: text,
      houseNumber: fc.oneof(fc.stringMatching(/^[0-9]{1,5}$/), text),
      houseNumberAddition: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
      postcode: fc.oneof(fc.constantFrom('1015 CJ', '1015cj', '0000 AA', '1234 SA'), text),
      city: text,
      country: fc.option(fc.oneof(fc.constantFrom('NL', 'BE', 'DE', 'XX', 'nl'), text), { nil: undefined }),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);
const iban = fc.oneof(
  fc.constantFrom('NL91ABNA0417164300', 'nl91 abna 0417 1643 00', 'NL00ABNA0000000000'),
  text,
);
const reference = fc.oneof(fc.stringMatching(/^P-[0-9A-HJKMNP-TV-Z]{8}$/), fc.string({ maxLength: 60 }));
const requestType = fc.oneof(
  fc.constantFrom('overview', 'correction', 'deletion', 'marketing-opt-out', 'question', 'complaint'),
  fc.string({ maxLength: 20 }),
);

/** Plausible bodies per route (so some get past validation), mixed with anything at all. */
function plausibleBody(route: Route): fc.Arbitrary<unknown> {
  const opt = { requiredKeys: [] as never[] };
  switch (`${route.method} ${route.path}`) {
    case 'POST /api/licensees':
      return fc.oneof(
        fc.record({ name: text, address, email: email(), iban, marketingOptOut: fc.anything() }, opt),
        fc.constant(newLicensee()),
      );
    case 'POST /api/licensees/confirm':
    case 'POST /api/sign-in':
      return fc.record({ email: email(), code }, opt);
    case 'POST /api/sign-in/code':
      return fc.record({ email: email() }, opt);
    case 'PATCH /api/me':
      return fc.record({ name: text, address, email: email(), iban }, opt);
    case 'POST /api/me/email/confirm':
      return fc.record({ code }, opt);
    case 'PUT /api/me/marketing':
      return fc.record({ optOut: fc.anything() }, opt);
    case 'POST /api/me/licence/end':
      return fc.record({ confirm: fc.anything() }, opt);
    case 'POST /api/me/budget-reviews/decide':
      return fc.record(
        {
          reviewId: fc.oneof(ulid, fc.string({ maxLength: 3000 })),
          decision: fc.oneof(fc.constantFrom('accept', 'decline'), fc.string()),
          patientConsent: fc.anything(),
          upload: fc.record(
            {
              contentType: fc.oneof(fc.constant('application/pdf'), fc.string()),
              contentBase64: fc.base64String(),
            },
            opt,
          ),
        },
        opt,
      );
    case 'POST /api/privacy-requests':
      return fc.record({ type: requestType, message: text }, opt);
    case 'POST /api/privacy-requests/by-email':
      return fc.record({ email: email(), type: requestType, message: text }, opt);
    case 'POST /api/privacy-requests/confirm':
      return fc.record({ reference, code }, opt);
    default:
      return fc.anything();
  }
}

const rawBody = (route: Route) =>
  fc.oneof(
    { weight: 3, arbitrary: plausibleBody(route).map((body) => JSON.stringify(body) ?? 'null') },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom('{', '[]', 'null', '{"__proto__":{"x":1}}', '9'.repeat(400)) },
  );

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/problem+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  undefined,
);

const token = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 100 }),
  fc.tuple(ulid, fc.stringMatching(/^[A-Za-z0-9_-]{43}$/)).map(([id, secret]) => `${id}.${secret}`),
  fc.constant('known'),
);

const queryToken = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 200 }),
  fc
    .tuple(ulid, fc.integer({ min: 0, max: 2 ** 31 }), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/))
    .map(([id, at, signature]) => `${id}.${at}.${signature}`),
);

// --- the property ---------------------------------------------------------------------------------------

/** Mostly CloudFront's origin header, as every call through the edge has it; sometimes none or a guess. */
const origin = fc.oneof(
  { arbitrary: fc.constant<'edge'>('edge'), weight: 18 },
  { arbitrary: fc.constant(undefined), weight: 1 },
  { arbitrary: fc.string({ maxLength: 80 }), weight: 1 },
);

function eventOf(
  route: Route,
  input: {
    body?: string;
    contentType?: string;
    token?: string;
    queryToken?: string;
    base64: boolean;
    origin: string | undefined;
  },
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  if (input.origin !== undefined)
    headers[originVerifyHeader] = input.origin === 'edge' ? api.env.ORIGIN_VERIFY_SECRET : input.origin;
  if (input.contentType) headers['content-type'] = input.contentType;
  // Signing the known session out would leave every later route with nothing but 401s.
  const usable = input.token === 'known' && route.path !== '/api/sign-out';
  const bearer = usable ? known.token : input.token === 'known' ? undefined : input.token;
  if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
  const routeKey = `${route.method} ${route.path}`;
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey,
    rawPath: route.path,
    rawQueryString: input.queryToken === undefined ? '' : `token=${encodeURIComponent(input.queryToken)}`,
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: route.method,
        path: route.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'fuzz',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    isBase64Encoded: input.base64,
  };
  if (input.queryToken !== undefined) event.queryStringParameters = { token: input.queryToken };
  if (input.body !== undefined)
    event.body = input.base64 ? Buffer.from(input.body).toString('base64') : input.body;
  return event;
}

/** Refusals that come before any decision: they must not have written anything. */
const malformed = new Set([
  'invalid-input',
  'invalid-json',
  'unsupported-media-type',
  'payload-too-large',
  'patient-data',
  'unauthorised',
  'not-found',
  'origin-required',
]);

describe(`fuzzing every public route (${runsPerRoute} runs each)`, () => {
  const counts: Record<string, Record<number, number>> = {};
  afterAll(() => {
    const lines = Object.entries(counts).map(
      ([route, statuses]) =>
        `${route.padEnd(42)} ${Object.entries(statuses)
          .map(([status, n]) => `${status}×${n}`)
          .join(' ')}`,
    );
    process.stdout.write(`\nfuzz: answers per route (${runsPerRoute} runs each)\n${lines.join('\n')}\n`);
  });

  it.each(fuzzed.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: no 5xx, and a malformed request writes nothing',
    async (routeKey, route) => {
      const statuses: Record<number, number> = {};
      counts[routeKey] = statuses;
      await fc.assert(
        fc.asyncProperty(
          rawBody(route),
          contentType,
          token,
          queryToken,
          fc.boolean(),
          origin,
          async (body, type, bearer, query, base64, via) => {
            calls.take();
            const event = eventOf(route, {
              body,
              contentType: type,
              token: bearer,
              queryToken: query,
              base64,
              origin: via,
            });
            const result = await handlers[route.fn](
              event,
              buildContext(route.fn, event.requestContext.requestId),
            );
            const status = result.statusCode ?? 200;
            if (via !== 'edge') expect(status).toBe(403);
            statuses[status] = (statuses[status] ?? 0) + 1;
            expect(status).toBeLessThan(500);
            const problem = /problem\+json/.test(String(result.headers?.['content-type']))
              ? (JSON.parse(result.body ?? '{}') as { code?: string }).code
              : undefined;
            if (problem && malformed.has(problem)) expect(calls.writesIn(calls.take())).toEqual([]);
          },
        ),
        { numRuns: runsPerRoute },
      );
      expect(Object.values(statuses).reduce((sum, n) => sum + n, 0)).toBe(runsPerRoute);
    },
    600_000,
  );
});
