import {
  claimsOf,
  parseConfig,
  pkceChallenge,
  randomToken,
  roleOf,
  type ConsoleConfig,
  type Role,
} from '../logic.js';
import { readTabValue as read, readUnexpired, writeTabValue as write } from '../../shared/tab-storage.js';

/**
 * Staff sign-in: OAuth 2.0 authorization code with PKCE (S256) against Cognito's managed login (locally the
 * stack's staff IdP under /staff-idp/, same endpoints). The access token lives in sessionStorage only: gone
 * with the tab, never in localStorage, a cookie or a URL. The code arrives in the query and is removed from
 * the address bar at once.
 */
const sessionKey = 'zorgsom.console.session';
const pendingKey = 'zorgsom.console.pending';
/** Set while the browser is away at the IdP's logout, so the console says "signed out" when it is back. */
const signedOutKey = 'zorgsom.console.signed-out';

export interface StaffSession {
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  username: string;
  role: Role | undefined;
}

let config: ConsoleConfig | undefined;

export async function loadConfig(): Promise<ConsoleConfig | undefined> {
  if (config) return config;
  try {
    const response = await fetch('/console/config.json', { cache: 'no-store', credentials: 'omit' });
    if (!response.ok) return undefined;
    config = parseConfig(await response.json(), window.location.origin);
  } catch {
    config = undefined;
  }
  return config;
}

export const apiBase = (): string => config?.apiBase ?? '/api';

export const currentSession = (): StaffSession | undefined =>
  readUnexpired<StaffSession>(sessionKey, (session) =>
    typeof session.accessToken === 'string' && typeof session.expiresAt === 'number'
      ? session.expiresAt
      : undefined,
  );

export function endSession(): void {
  write(sessionKey, null);
}

/** True once after the IdP's logout sent the browser back here. */
export function returnedFromSignOut(): boolean {
  const returned = read(signedOutKey) === '1';
  write(signedOutKey, null);
  return returned;
}

/** Step 1: off to the sign-in page with a fresh verifier and state (kept in this tab only). */
export async function beginSignIn(returnTo: string): Promise<void> {
  const settings = await loadConfig();
  if (!settings) throw new Error('no-config');
  const verifier = randomToken();
  const state = randomToken();
  write(pendingKey, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL(settings.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: settings.redirectUri,
    scope: settings.scope,
    state,
    code_challenge: await pkceChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.href);
}

export type CallbackResult = { kind: 'none' } | { kind: 'signed-in'; returnTo: string } | { kind: 'failed' };

/** Step 2: back with `?code&state`: checks the state, trades the code (with the verifier) for tokens. */
export async function completeSignIn(): Promise<CallbackResult> {
  const query = new URLSearchParams(window.location.search);
  const code = query.get('code');
  const state = query.get('state');
  if (!code && !query.has('error')) return { kind: 'none' };
  // The code must not stay in the address bar, the history or a bookmark.
  window.history.replaceState(null, '', window.location.pathname + window.location.hash);
  const pendingRaw = read(pendingKey);
  write(pendingKey, null);
  const settings = await loadConfig();
  if (!code || !state || !pendingRaw || !settings) return { kind: 'failed' };
  let pending: { verifier: string; state: string; returnTo: string };
  try {
    pending = JSON.parse(pendingRaw) as typeof pending;
  } catch {
    return { kind: 'failed' };
  }
  if (pending.state !== state) return { kind: 'failed' };
  try {
    const response = await fetch(settings.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: settings.clientId,
        code,
        redirect_uri: settings.redirectUri,
        code_verifier: pending.verifier,
      }).toString(),
      credentials: 'omit',
      cache: 'no-store',
    });
    if (!response.ok) return { kind: 'failed' };
    const tokens = (await response.json()) as { access_token?: unknown; expires_in?: unknown };
    if (typeof tokens.access_token !== 'string') return { kind: 'failed' };
    startSession(tokens.access_token, typeof tokens.expires_in === 'number' ? tokens.expires_in : undefined);
    return { kind: 'signed-in', returnTo: pending.returnTo };
  } catch {
    return { kind: 'failed' };
  }
}

export function startSession(accessToken: string, expiresIn?: number): void {
  const claims = claimsOf(accessToken);
  const expiresAt = Math.min(
    claims ? claims.exp * 1000 : Number.POSITIVE_INFINITY,
    expiresIn ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY,
  );
  const session: StaffSession = {
    accessToken,
    expiresAt: Number.isFinite(expiresAt) ? expiresAt : Date.now() + 3_600_000,
    username: claims?.username ?? '',
    role: roleOf(claims?.groups ?? []),
  };
  write(sessionKey, JSON.stringify(session));
}

/** Forgets the token here, then ends the sign-in session at the IdP, which sends the browser back. */
export async function signOut(): Promise<void> {
  endSession();
  const settings = await loadConfig();
  if (!settings) return;
  write(signedOutKey, '1');
  const url = new URL(settings.logoutUrl);
  url.search = new URLSearchParams({
    client_id: settings.clientId,
    logout_uri: settings.redirectUri,
  }).toString();
  window.location.assign(url.href);
}
