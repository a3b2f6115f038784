/**
 * The local stand-in for the staff user pool (Amazon Cognito with managed login): OAuth 2.0 authorization
 * code with PKCE (S256) on the same paths Cognito serves (`/oauth2/authorize`, `/oauth2/token`, `/logout`),
 * under `<origin>/staff-idp/`. Sign-in is username + password, then a TOTP second factor (MFA is required, as
 * in the pool). Access tokens carry the claims of Cognito access tokens and are signed with a local RSA key
 * whose JWKS is at `/staff-idp/.well-known/jwks.json`, so the functions verify them exactly as in AWS.
 *
 * Users are made by `npm start`, one per role (admin-created only: there is no sign-up), and kept with the
 * signing key in the data folder (mode 0600).
 */
import { createHash, randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { Secret, TOTP } from 'otpauth';
import { staffRoles, staffScope, type StaffRole } from '../shared/domain/staff-roles.js';

export const staffIdpPrefix = '/staff-idp';
/** The console's app client (public, PKCE); the CLI uses it too, with its loopback redirect. */
export const localConsoleClientId = 'zorgsom-console';
/** RFC 8252 loopback redirect of `npm run admin -- login`. */
export const cliRedirectUri = 'http://localhost:47823/callback';

export interface LocalStaffUser {
  username: string;
  role: StaffRole;
  /** Stable like a Cognito `sub`. */
  sub: string;
  password: string;
  /** Base32 TOTP secret, as an authenticator app is given it. */
  totpSecret: string;
}

export interface StaffIdp {
  issuer: string;
  jwksPath: string;
  clientId: string;
  users: LocalStaffUser[];
  /** Serves a request under /staff-idp/ (the caller has read the body). */
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void>;
  /** The console's /console/config.json for this origin. */
  consoleConfig(): Record<string, string>;
}

interface Stored {
  users: LocalStaffUser[];
  privateJwk: JWK;
}

const minute = 60_000;
const tokenTtlSeconds = 3600;
const refreshTtlMs = 12 * 60 * minute;
const flowTtlMs = 10 * minute;
const codeTtlMs = 5 * minute;
/** Wrong passwords or codes per user within `attemptWindowMs`, then sign-in waits (a budget, not a lock-out). */
const maxFailures = 5;
const attemptWindowMs = 15 * minute;

const totpOf = (user: LocalStaffUser) =>
  new TOTP({
    issuer: 'ZorgSom (lokaal)',
    label: user.username,
    secret: Secret.fromBase32(user.totpSecret),
  });

/** The otpauth:// URI an authenticator app scans (shown as text by `npm start`). */
export const totpUri = (user: LocalStaffUser) => totpOf(user).toString();
/** The current six-digit code of a user (tests, and `npm run admin -- login --as ROLE` locally). */
export const currentTotp = (user: Pick<LocalStaffUser, 'totpSecret'>, at = Date.now()) =>
  new TOTP({ secret: Secret.fromBase32(user.totpSecret) }).generate({ timestamp: at });

function newUser(role: StaffRole): LocalStaffUser {
  return {
    username: `${role}@zorgsom.local`,
    role,
    sub: randomUUID(),
    password: randomBytes(12).toString('base64url'),
    totpSecret: new Secret({ size: 20 }).base32,
  };
}

async function loadOrCreate(dataDir: string | undefined): Promise<Stored> {
  const file = dataDir === undefined ? undefined : join(dataDir, 'staff-idp.json');
  if (file) {
    const existing = await readFile(file, 'utf8').catch(() => undefined);
    if (existing) return JSON.parse(existing) as Stored;
  }
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const stored: Stored = {
    users: staffRoles.map(newUser),
    privateJwk: { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' },
  };
  if (file && dataDir) {
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return stored;
}

/** The users `npm start` made, read from its data folder (for the CLI's local sign-in). */
export async function readLocalStaffUsers(dataDir: string): Promise<LocalStaffUser[] | undefined> {
  const text = await readFile(join(dataDir, 'staff-idp.json'), 'utf8').catch(() => undefined);
  return text ? (JSON.parse(text) as Stored).users : undefined;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ZorgSom medewerkers</title></head>
<body><main>
<h1>${escapeHtml(title)}</h1>
${body}
<p><small>Lokale aanmelding voor medewerkers (staat in voor Amazon Cognito) · Local staff sign-in (stands in for Amazon Cognito)</small></p>
</main></body></html>`;
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  type: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...headers,
  });
  res.end(body);
}

interface Flow {
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  scope: string;
  codeChallenge: string;
  expiresAt: number;
  /** Set once the password was right: the user whose TOTP code is asked next. */
  user?: LocalStaffUser;
  codeAttempts: number;
}
interface Grant {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  user: LocalStaffUser;
  expiresAt: number;
}

export interface StaffIdpOptions {
  /** The browser-facing origin, e.g. http://localhost:3000. */
  origin: string;
  /** Keeps users and key across restarts; without it they live in memory (tests). */
  dataDir?: string;
  clock?: () => number;
}

export async function createStaffIdp(options: StaffIdpOptions): Promise<StaffIdp> {
  const clock = options.clock ?? Date.now;
  const stored = await loadOrCreate(options.dataDir);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = stored.privateJwk;
  const signingKey = await importJWK(stored.privateJwk, 'RS256');
  const issuer = `${options.origin}${staffIdpPrefix}`;
  const consoleRedirect = `${options.origin}/console/`;
  // The same console reached as 127.0.0.1 instead of localhost is the same registration.
  const consoleRedirects = [consoleRedirect, consoleRedirect.replace('//localhost:', '//127.0.0.1:')];
  const clients = new Map([
    [
      localConsoleClientId,
      { redirectUris: [...consoleRedirects, cliRedirectUri], logoutUris: consoleRedirects },
    ],
  ]);
  const hashes = new Map(
    stored.users.map((user) => {
      const salt = randomBytes(16);
      return [user.username, { salt, hash: scryptSync(user.password, salt, 32) }];
    }),
  );
  const flows = new Map<string, Flow>();
  const grants = new Map<string, Grant>();
  const refreshTokens = new Map<
    string,
    { user: LocalStaffUser; clientId: string; scope: string; expiresAt: number }
  >();
  const failures = new Map<string, number[]>();
  /** RFC 6238 §5.2: a code is accepted once; the last used time step per user. */
  const lastTotpCounter = new Map<string, number>();

  const budgetSpent = (username: string) => {
    const recent = (failures.get(username) ?? []).filter((at) => at > clock() - attemptWindowMs);
    failures.set(username, recent);
    return recent.length >= maxFailures;
  };
  const fail = (username: string) => failures.set(username, [...(failures.get(username) ?? []), clock()]);

  const formPage = (flowId: string, error: string | undefined, step: 'password' | 'totp') => {
    const alert = error ? `<p role="alert">${escapeHtml(error)}</p>` : '';
    if (step === 'password') {
      return page(
        'Aanmelden',
        `${alert}<form method="post" action="${staffIdpPrefix}/login">
<input type="hidden" name="flow" value="${flowId}">
<p><label for="username">Gebruikersnaam / Username</label><br><input id="username" name="username" autocomplete="username" required></p>
<p><label for="password">Wachtwoord / Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Volgende / Next</button></p></form>`,
      );
    }
    return page(
      'Tweede stap: code uit uw authenticator-app',
      `${alert}<form method="post" action="${staffIdpPrefix}/mfa">
<input type="hidden" name="flow" value="${flowId}">
<p><label for="code">Zescijferige code / Six-digit code</label><br><input id="code" name="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required></p>
<p><button type="submit">Aanmelden / Sign in</button></p></form>`,
    );
  };

  const html = (res: ServerResponse, status: number, body: string, formTarget?: string) =>
    send(res, status, body, 'text/html; charset=utf-8', {
      // No script, no style, forms only to this IdP; the redirect after the last form goes to the client.
      'content-security-policy': `default-src 'none'; form-action 'self'${formTarget ? ` ${new URL(formTarget).origin}` : ''}; frame-ancestors 'none'; base-uri 'none'`,
      'x-frame-options': 'DENY',
    });
  const json = (res: ServerResponse, status: number, body: unknown) =>
    send(res, status, JSON.stringify(body), 'application/json', { pragma: 'no-cache' });
  const oauthError = (res: ServerResponse, status: number, error: string) => json(res, status, { error });

  async function accessToken(user: LocalStaffUser, clientId: string, scope: string): Promise<string> {
    return new SignJWT({
      username: user.username,
      client_id: clientId,
      scope,
      'cognito:groups': [user.role],
      token_use: 'access',
      auth_time: Math.floor(clock() / 1000),
    })
      .setProtectedHeader({ alg: 'RS256', kid: stored.privateJwk.kid! })
      .setIssuer(issuer)
      .setSubject(user.sub)
      .setIssuedAt(Math.floor(clock() / 1000))
      .setExpirationTime(Math.floor(clock() / 1000) + tokenTtlSeconds)
      .setJti(randomUUID())
      .sign(signingKey);
  }

  async function tokenResponse(res: ServerResponse, user: LocalStaffUser, clientId: string, scope: string) {
    const refreshToken = randomBytes(32).toString('base64url');
    refreshTokens.set(refreshToken, { user, clientId, scope, expiresAt: clock() + refreshTtlMs });
    json(res, 200, {
      access_token: await accessToken(user, clientId, scope),
      refresh_token: refreshToken,
      token_type: 'Bearer',
      expires_in: tokenTtlSeconds,
    });
  }

  function authorize(res: ServerResponse, url: URL) {
    const q = url.searchParams;
    const client = clients.get(q.get('client_id') ?? '');
    const redirectUri = q.get('redirect_uri') ?? '';
    // Never redirect to an unregistered address: errors before that are shown here.
    if (!client || !client.redirectUris.includes(redirectUri)) {
      html(res, 400, page('Ongeldig aanmeldverzoek', '<p>Onbekende client of redirect-URI.</p>'));
      return;
    }
    const back = (error: string) => {
      const target = new URL(redirectUri);
      target.searchParams.set('error', error);
      if (q.get('state')) target.searchParams.set('state', q.get('state')!);
      res.writeHead(302, { location: target.href, 'cache-control': 'no-store' }).end();
    };
    const scope = q.get('scope') ?? '';
    if (q.get('response_type') !== 'code') return back('unsupported_response_type');
    if (q.get('code_challenge_method') !== 'S256' || !/^[\w-]{43,128}$/.test(q.get('code_challenge') ?? ''))
      return back('invalid_request');
    if (!scope.split(' ').includes(staffScope)) return back('invalid_scope');
    const flowId = randomBytes(24).toString('base64url');
    flows.set(flowId, {
      clientId: q.get('client_id')!,
      redirectUri,
      state: q.get('state') ?? undefined,
      scope,
      codeChallenge: q.get('code_challenge')!,
      expiresAt: clock() + flowTtlMs,
      codeAttempts: 0,
    });
    html(res, 200, formPage(flowId, undefined, 'password'));
  }

  const liveFlow = (id: string | null) => {
    const flow = id ? flows.get(id) : undefined;
    return flow && flow.expiresAt > clock() ? flow : undefined;
  };
  const expired = (res: ServerResponse) =>
    html(
      res,
      400,
      page('Aanmelding verlopen', '<p>Begin opnieuw vanuit de console. / Start again from the console.</p>'),
    );

  function login(res: ServerResponse, form: URLSearchParams) {
    const flowId = form.get('flow');
    const flow = liveFlow(flowId);
    if (!flow || !flowId) return expired(res);
    const username = (form.get('username') ?? '').trim().toLowerCase();
    const user = stored.users.find((candidate) => candidate.username === username);
    const known = hashes.get(username) ?? { salt: randomBytes(16), hash: randomBytes(32) };
    // The hash runs for unknown names too, so timing does not tell which usernames exist.
    const presented = scryptSync(form.get('password') ?? '', known.salt, 32);
    if (budgetSpent(username)) {
      return html(
        res,
        429,
        formPage(flowId, 'Te veel pogingen; probeer het over 15 minuten opnieuw.', 'password'),
      );
    }
    if (!user || !timingSafeEqual(presented, known.hash)) {
      fail(username);
      return html(res, 401, formPage(flowId, 'Onjuiste gebruikersnaam of wachtwoord.', 'password'));
    }
    flow.user = user;
    html(res, 200, formPage(flowId, undefined, 'totp'), flow.redirectUri);
  }

  function mfa(res: ServerResponse, form: URLSearchParams) {
    const flowId = form.get('flow');
    const flow = liveFlow(flowId);
    if (!flow || !flowId || !flow.user) return expired(res);
    const user = flow.user;
    if (budgetSpent(user.username) || flow.codeAttempts >= maxFailures) {
      flows.delete(flowId);
      return html(res, 429, page('Te veel pogingen', '<p>Begin opnieuw over 15 minuten.</p>'));
    }
    const totp = totpOf(user);
    const delta = totp.validate({ token: (form.get('code') ?? '').trim(), window: 1, timestamp: clock() });
    const counter = TOTP.counter({ timestamp: clock() }) + (delta ?? 0);
    if (delta === null || counter <= (lastTotpCounter.get(user.username) ?? -1)) {
      flow.codeAttempts += 1;
      fail(user.username);
      return html(
        res,
        401,
        formPage(flowId, 'Deze code is onjuist of al gebruikt.', 'totp'),
        flow.redirectUri,
      );
    }
    lastTotpCounter.set(user.username, counter);
    flows.delete(flowId);
    const code = randomBytes(32).toString('base64url');
    grants.set(code, { ...flow, user, expiresAt: clock() + codeTtlMs });
    const target = new URL(flow.redirectUri);
    target.searchParams.set('code', code);
    if (flow.state) target.searchParams.set('state', flow.state);
    res.writeHead(302, { location: target.href, 'cache-control': 'no-store' }).end();
  }

  async function token(res: ServerResponse, form: URLSearchParams) {
    const clientId = form.get('client_id') ?? '';
    if (!clients.has(clientId)) return oauthError(res, 401, 'invalid_client');
    if (form.get('grant_type') === 'refresh_token') {
      const held = refreshTokens.get(form.get('refresh_token') ?? '');
      if (!held || held.clientId !== clientId || held.expiresAt <= clock()) {
        return oauthError(res, 400, 'invalid_grant');
      }
      return json(res, 200, {
        access_token: await accessToken(held.user, clientId, held.scope),
        token_type: 'Bearer',
        expires_in: tokenTtlSeconds,
      });
    }
    if (form.get('grant_type') !== 'authorization_code')
      return oauthError(res, 400, 'unsupported_grant_type');
    const code = form.get('code') ?? '';
    const grant = grants.get(code);
    grants.delete(code); // single use, whatever happens next
    const verifier = form.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (
      !grant ||
      grant.expiresAt <= clock() ||
      grant.clientId !== clientId ||
      grant.redirectUri !== form.get('redirect_uri') ||
      !/^[\w.~-]{43,128}$/.test(verifier) ||
      challenge !== grant.codeChallenge
    ) {
      return oauthError(res, 400, 'invalid_grant');
    }
    await tokenResponse(res, grant.user, clientId, grant.scope);
  }

  function logout(res: ServerResponse, url: URL) {
    const client = clients.get(url.searchParams.get('client_id') ?? '');
    const target = url.searchParams.get('logout_uri') ?? '';
    if (!client || !client.logoutUris.includes(target)) {
      return html(res, 400, page('Afmelden mislukt', '<p>Onbekende client of afmeld-URI.</p>'));
    }
    res.writeHead(302, { location: target, 'cache-control': 'no-store' }).end();
  }

  return {
    issuer,
    jwksPath: `${staffIdpPrefix}/.well-known/jwks.json`,
    clientId: localConsoleClientId,
    users: stored.users,
    consoleConfig: () => ({
      authorizeUrl: `${issuer}/oauth2/authorize`,
      tokenUrl: `${issuer}/oauth2/token`,
      logoutUrl: `${issuer}/logout`,
      clientId: localConsoleClientId,
      redirectUri: consoleRedirect,
      scope: staffScope,
      apiBase: '/api',
    }),
    async handle(req, res, body) {
      const url = new URL(req.url ?? '/', options.origin);
      const path = url.pathname.slice(staffIdpPrefix.length);
      const method = req.method ?? 'GET';
      const form = () => new URLSearchParams(body.toString('utf8'));
      const route = `${method} ${path}`;
      switch (route) {
        case 'GET /.well-known/jwks.json':
          return json(res, 200, { keys: [publicJwk] });
        case 'GET /.well-known/openid-configuration':
          return json(res, 200, {
            issuer,
            authorization_endpoint: `${issuer}/oauth2/authorize`,
            token_endpoint: `${issuer}/oauth2/token`,
            end_session_endpoint: `${issuer}/logout`,
            jwks_uri: `${issuer}/.well-known/jwks.json`,
            code_challenge_methods_supported: ['S256'],
            response_types_supported: ['code'],
            grant_types_supported: ['authorization_code', 'refresh_token'],
            scopes_supported: ['openid', staffScope],
          });
        case 'GET /oauth2/authorize':
          return authorize(res, url);
        case 'POST /login':
          return login(res, form());
        case 'POST /mfa':
          return mfa(res, form());
        case 'POST /oauth2/token':
          return token(res, form());
        case 'GET /logout':
          return logout(res, url);
        default:
          return send(res, 404, JSON.stringify({ error: 'not_found' }), 'application/json');
      }
    },
  };
}
