/**
 * Issue 9, Build 6: the HTTP API answers only through CloudFront. Locally `npm start`'s server plays CloudFront
 * (it adds the origin header) and also serves the API's own endpoint, as execute-api does in AWS; the real
 * functions behind both refuse every call that lacks the header with 403 problem+json, before any route runs.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { routes } from '../../../functions/routes.js';
import { originVerifyHeader } from '../../../shared/http/origin-verify.js';
import { recordAwsCalls, type AwsCallRecorder } from '../../support/aws-calls.js';
import { registerLicensee } from '../../support/licensees.js';
import { newLicensee, startLocalApi, type LocalApi } from '../../support/local-api.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let api: LocalApi;
let calls: AwsCallRecorder;
beforeAll(async () => {
  api = await startLocalApi();
  calls = recordAwsCalls();
});
afterAll(async () => {
  calls?.restore();
  await api?.close();
});

async function direct(
  method: string,
  path: string,
  { body, headers = {} }: { body?: unknown; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${api.originUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const originRequired = {
  status: 403,
  code: 'origin-required',
  type: 'urn:zorgsom:problem:origin-required',
};

describe('a call that skips CloudFront', () => {
  it('is refused 403 problem+json on every public and licensee route, and touches nothing', async () => {
    const { token } = await registerLicensee(api);
    calls.take();
    for (const route of routes.filter((r) => r.access !== 'staff')) {
      const answer = await direct(route.method, route.path, {
        body: route.method === 'GET' ? undefined : { email: 'someone@example.nl' },
        headers: { authorization: `Bearer ${token}` },
      });
      expect(answer.status, `${route.method} ${route.path}`).toBe(403);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.body).toMatchObject(originRequired);
    }
    // Not one read, write, decrypt or mail: the check runs before any route.
    expect(calls.take()).toEqual([]);
  });

  it('sends no mail for a signup or a code request, which through the edge would', async () => {
    const input = newLicensee();
    const email = String(input.email).toLowerCase();
    expect((await direct('POST', '/api/licensees', { body: input })).body).toMatchObject(originRequired);
    expect((await direct('POST', '/api/sign-in/code', { body: { email } })).status).toBe(403);
    expect(await api.mailsTo(email)).toEqual([]);
    expect((await api.call('POST', '/api/licensees', { body: input })).status).toBe(202);
    expect(await api.mailsTo(email)).toHaveLength(1);
  });

  it('staff routes: the authorizer still answers first (401 without a token), then the function refuses', async () => {
    const path = '/api/admin/dashboard';
    expect((await direct('POST', path, { body: {} })).status).toBe(401);
    const token = await api.staffToken('viewer');
    const refused = await direct('POST', path, { body: {}, headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject(originRequired);
    expect((await api.staff('POST', path, {}, 'viewer')).status).toBe(200);
  });

  it('a guessed header is refused; only the secret CloudFront sends gets through', async () => {
    const body = { email: 'nobody@example.nl' };
    for (const guess of ['1', 'x'.repeat(43), api.env.ORIGIN_VERIFY_SECRET.slice(1)]) {
      const answer = await direct('POST', '/api/sign-in/code', {
        body,
        headers: { [originVerifyHeader]: guess },
      });
      expect(answer.status).toBe(403);
    }
    const withSecret = await direct('POST', '/api/sign-in/code', {
      body,
      headers: { [originVerifyHeader]: api.env.ORIGIN_VERIFY_SECRET },
    });
    expect(withSecret.status).toBe(202);
  });
});

describe('a call through the edge', () => {
  it('carries the secret whatever the client sent in its place (CloudFront replaces the header)', async () => {
    const answer = await api.call('GET', '/api/export-schema');
    expect(answer.status).toBe(200);
    const forged = await fetch(`${api.url}/api/export-schema`, {
      headers: { [originVerifyHeader]: 'forged' },
    });
    expect(forged.status).toBe(200);
    await forged.text();
  });
});
