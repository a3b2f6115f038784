import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

/** `/console/config.json`: where staff sign in (Cognito managed login, or the local staff-idp). */
export interface ConsoleConfig {
  authorizeUrl: string;
  tokenUrl: string;
  logoutUrl: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  apiBase: string;
}

export interface StaffTokens {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  token_type: string;
}

export class SignInError extends Error {
  override name = 'SignInError';
}

export async function fetchConsoleConfig(origin: string): Promise<ConsoleConfig> {
  const url = `${origin}/console/config.json`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    throw new SignInError(`Could not reach ${url} (is the system running there?)`);
  }
  if (!response.ok) throw new SignInError(`${url} answered HTTP ${response.status}`);
  const config = (await response.json()) as ConsoleConfig;
  // URLs may be relative to the console's origin (the token endpoint is same-origin behind CloudFront).
  const absolute = (value: string) => new URL(value, origin).href;
  return {
    ...config,
    authorizeUrl: absolute(config.authorizeUrl),
    tokenUrl: absolute(config.tokenUrl),
    logoutUrl: absolute(config.logoutUrl),
    redirectUri: absolute(config.redirectUri),
  };
}

/** RFC 7636 PKCE: a random verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrlOf(
  config: ConsoleConfig,
  redirectUri: string,
  challenge: string,
  state: string,
): string {
  const url = new URL(config.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri,
    scope: `openid ${config.scope}`,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.href;
}

export async function exchangeCode(
  config: ConsoleConfig,
  code: string,
  redirectUri: string,
  verifier: string,
): Promise<StaffTokens> {
  const response = await fetch(config.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }),
  });
  const body = (await response.json()) as StaffTokens & { error?: string };
  if (!response.ok)
    throw new SignInError(`The token endpoint refused the code (${body.error ?? response.status})`);
  return body;
}

const flowOf = (html: string) => /name="flow" value="([^"]+)"/.exec(html)?.[1];

/**
 * Signs in to the local staff-idp the way a browser does: the authorize page, the password form, the TOTP
 * form, the redirect with the code, the token exchange with the PKCE verifier. Tests and
 * `npm run admin -- login --as ROLE` use it; against Cognito the browser does these steps.
 */
export async function signInToLocalIdp(
  config: ConsoleConfig,
  user: { username: string; password: string },
  totpCode: () => string,
  redirectUri = config.redirectUri,
): Promise<StaffTokens> {
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(16).toString('base64url');
  const idpOrigin = new URL(config.authorizeUrl).origin;
  const base = config.authorizeUrl.replace(/\/oauth2\/authorize$/, '');
  const started = await fetch(authorizeUrlOf(config, redirectUri, challenge, state), { redirect: 'manual' });
  const flow = flowOf(await started.text());
  if (!started.ok || !flow) throw new SignInError(`The sign-in page refused the request (${started.status})`);
  const post = (path: string, form: Record<string, string>) =>
    fetch(`${idpOrigin}${new URL(base).pathname}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
      redirect: 'manual',
    });
  const password = await post('/login', { flow, ...user });
  if (password.status !== 200) throw new SignInError(`Wrong username or password (${password.status})`);
  const mfa = await post('/mfa', { flow, code: totpCode() });
  const location = mfa.headers.get('location');
  if (mfa.status !== 302 || !location) throw new SignInError(`The second factor was refused (${mfa.status})`);
  const back = new URL(location);
  if (back.searchParams.get('state') !== state) throw new SignInError('The sign-in answered another state');
  const code = back.searchParams.get('code');
  if (!code) throw new SignInError(`Sign-in failed: ${back.searchParams.get('error') ?? 'no code'}`);
  return exchangeCode(config, code, redirectUri, verifier);
}

/**
 * RFC 8252 sign-in for a person at a terminal: prints the authorize URL (Cognito managed login, with the
 * second factor), waits for the browser's redirect to the loopback address and exchanges the code.
 */
export async function signInWithBrowser(
  config: ConsoleConfig,
  redirectUri: string,
  print: (line: string) => void,
): Promise<StaffTokens> {
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(16).toString('base64url');
  const redirect = new URL(redirectUri);
  const code = await new Promise<string>((resolve, reject) => {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', redirectUri);
      if (url.pathname !== redirect.pathname) return void res.writeHead(404).end();
      const got = url.searchParams.get('code');
      const ok = got && url.searchParams.get('state') === state;
      res
        .writeHead(ok ? 200 : 400, { 'content-type': 'text/plain; charset=utf-8' })
        .end(
          ok
            ? 'Aangemeld; u kunt dit venster sluiten. / Signed in; you can close this window.'
            : 'Sign-in failed.',
        );
      server.close();
      if (ok) resolve(got);
      else reject(new SignInError(`Sign-in failed: ${url.searchParams.get('error') ?? 'state mismatch'}`));
    });
    server.once('error', reject);
    server.listen(Number(redirect.port), '127.0.0.1', () =>
      print(
        `Open this address in your browser and sign in:\n\n  ${authorizeUrlOf(config, redirectUri, challenge, state)}\n`,
      ),
    );
  });
  return exchangeCode(config, code, redirectUri, verifier);
}
