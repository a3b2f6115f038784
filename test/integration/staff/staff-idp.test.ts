import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import {
  authorizeUrlOf,
  exchangeCode,
  pkcePair,
  signInToLocalIdp,
  type ConsoleConfig,
} from '../../../cli/staff-sign-in.js';
import { currentTotp } from '../../../local/staff-idp.js';
import { startLocalApi, type LocalApi } from '../../support/local-api.js';

let api: LocalApi;
let config: ConsoleConfig;
beforeAll(async () => {
  api = await startLocalApi();
  config = (await (await fetch(`${api.url}/console/config.json`)).json()) as ConsoleConfig;
});
afterAll(async () => {
  await api?.close();
});

const userOf = (role: 'viewer' | 'handler' | 'admin') =>
  api.staffIdp.users.find((user) => user.role === role)!;

const form = (path: string, fields: Record<string, string>) =>
  fetch(`${api.url}/staff-idp${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
const flowOf = async (response: Response) =>
  /name="flow" value="([^"]+)"/.exec(await response.text())?.[1] ?? '';
const startFlow = async (challenge = pkcePair().challenge, redirectUri = config.redirectUri) =>
  fetch(authorizeUrlOf(config, redirectUri, challenge, 'st'), { redirect: 'manual' });

describe('the local staff identity provider', () => {
  it('publishes the console config for this origin', () => {
    expect(config).toEqual({
      authorizeUrl: `${api.url.replace('127.0.0.1', 'localhost')}/staff-idp/oauth2/authorize`,
      tokenUrl: expect.stringMatching(/\/staff-idp\/oauth2\/token$/),
      logoutUrl: expect.stringMatching(/\/staff-idp\/logout$/),
      clientId: api.staffIdp.clientId,
      redirectUri: expect.stringMatching(/\/console\/$/),
      scope: 'zorgsom/staff',
      apiBase: '/api',
    });
  });

  it('issues a Cognito-shaped access token after password and TOTP, verifiable with its JWKS', async () => {
    const user = userOf('viewer');
    const tokens = await signInToLocalIdp(config, user, () => currentTotp(user));
    const jwks = createRemoteJWKSet(new URL(`${api.url}/staff-idp/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: api.staffIdp.issuer,
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      sub: user.sub,
      username: user.username,
      client_id: config.clientId,
      token_use: 'access',
      'cognito:groups': ['viewer'],
    });
    expect(String(payload.scope).split(' ')).toContain('zorgsom/staff');
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(payload.jti).toEqual(expect.any(String));
    // The refresh grant gives a fresh access token for the same user.
    const refreshed = await fetch(config.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: config.clientId,
        refresh_token: tokens.refresh_token!,
      }),
    });
    expect(decodeJwt(((await refreshed.json()) as { access_token: string }).access_token).sub).toBe(user.sub);
  });

  it('refuses a wrong password, a wrong TOTP code and a reused one', async () => {
    const user = userOf('handler');
    const flow = await flowOf(await startFlow());
    expect((await form('/login', { flow, username: user.username, password: 'wrong' })).status).toBe(401);
    expect((await form('/login', { flow, username: 'nobody@zorgsom.local', password: 'x' })).status).toBe(
      401,
    );
    expect((await form('/login', { flow, username: user.username, password: user.password })).status).toBe(
      200,
    );
    const wrong = currentTotp(user) === '000000' ? '111111' : '000000';
    expect((await form('/mfa', { flow, code: wrong })).status).toBe(401);
    const code = currentTotp(user);
    expect((await form('/mfa', { flow, code })).status).toBe(302);
    // The same code in a second sign-in within its time step is refused (RFC 6238 §5.2).
    const second = await flowOf(await startFlow());
    await form('/login', { flow: second, username: user.username, password: user.password });
    expect((await form('/mfa', { flow: second, code })).status).toBe(401);
  });

  it('never redirects to an unregistered address, and demands S256 PKCE and the staff scope', async () => {
    const evil = await startFlow(undefined, 'https://evil.example/cb');
    expect(evil.status).toBe(400);
    expect(evil.headers.get('location')).toBeNull();
    const plain = new URL(authorizeUrlOf(config, config.redirectUri, pkcePair().challenge, 's'));
    plain.searchParams.set('code_challenge_method', 'plain');
    const refused = await fetch(plain, { redirect: 'manual' });
    expect(refused.status).toBe(302);
    expect(new URL(refused.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    const noScope = new URL(authorizeUrlOf(config, config.redirectUri, pkcePair().challenge, 's'));
    noScope.searchParams.set('scope', 'openid');
    const noScopeAnswer = await fetch(noScope, { redirect: 'manual' });
    expect(new URL(noScopeAnswer.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  it('exchanges a code once, and only with the verifier it was issued for', async () => {
    const user = userOf('admin');
    const { verifier, challenge } = pkcePair();
    const flow = await flowOf(await startFlow(challenge));
    await form('/login', { flow, username: user.username, password: user.password });
    const back = await form('/mfa', { flow, code: currentTotp(user) });
    const code = new URL(back.headers.get('location')!).searchParams.get('code')!;
    await expect(exchangeCode(config, code, config.redirectUri, pkcePair().verifier)).rejects.toThrow(
      /invalid_grant/,
    );
    // A refused exchange spent the code: the right verifier is too late now.
    await expect(exchangeCode(config, code, config.redirectUri, verifier)).rejects.toThrow(/invalid_grant/);
  });

  it('spends a budget on wrong passwords instead of answering them forever', async () => {
    const user = userOf('viewer');
    const flow = await flowOf(await startFlow());
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await form('/login', { flow, username: user.username, password: `guess-${i}` })).status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    // Even the right password waits until the window has passed.
    expect((await form('/login', { flow, username: user.username, password: user.password })).status).toBe(
      429,
    );
  });
});
