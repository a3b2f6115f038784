import { addMinutes, epochSeconds } from '../domain/dates.js';
import { policy } from '../domain/policy.js';
import { ProblemError } from '../domain/problem-error.js';
import { newSessionToken, parseSessionToken } from '../domain/session-token.js';
import type { ServiceDeps } from './deps.js';

/**
 * A licensee's sessions: started (after a sign-in or a confirmed signup), checked on every signed-in route,
 * ended. No mail and no code here: a function whose routes only need the signed-in licensee (self-service,
 * privacy requests, budget reviews) imports this file, not session.ts with the sign-in flows and their mails,
 * so its bundle reads none of those at cold init (an esbuild bundle splits by file).
 */

export interface SessionGrant {
  token: string;
  expiresAt: string;
}

/** A session record for `licenseeId`, and the token only its holder will ever see. */
export function newSession(deps: Pick<ServiceDeps, 'clock'>, licenseeId: string) {
  const now = deps.clock();
  const expiresAt = addMinutes(now, policy.signIn.sessionTtlMinutes);
  const { token, secretHash } = newSessionToken(licenseeId);
  return {
    grant: { token, expiresAt: expiresAt.toISOString() },
    record: { licenseeId, secretHash, createdAt: now.toISOString(), expiresAt: epochSeconds(expiresAt) },
  };
}

export async function startSession(
  deps: Pick<ServiceDeps, 'repo' | 'clock'>,
  licenseeId: string,
): Promise<SessionGrant> {
  const { grant, record } = newSession(deps, licenseeId);
  await deps.repo.putSession(record);
  return grant;
}

/** The session a bearer token opens, or undefined when it is malformed, unknown or expired. */
export async function authenticateSession(
  deps: Pick<ServiceDeps, 'repo'>,
  token: string,
): Promise<{ licenseeId: string; secretHash: string } | undefined> {
  const parsed = parseSessionToken(token);
  if (!parsed) return undefined;
  const session = await deps.repo.getSession(parsed.licenseeId, parsed.secretHash);
  return session && { licenseeId: session.licenseeId, secretHash: session.secretHash };
}

/** The licensee a bearer token belongs to, or undefined when it is malformed, unknown or expired. */
export async function authenticate(
  deps: Pick<ServiceDeps, 'repo'>,
  token: string,
): Promise<string | undefined> {
  return (await authenticateSession(deps, token))?.licenseeId;
}

export async function signOut(deps: Pick<ServiceDeps, 'repo'>, token: string): Promise<void> {
  const parsed = parseSessionToken(token);
  if (parsed) await deps.repo.deleteSession(parsed.licenseeId, parsed.secretHash);
}

/** One answer for wrong, expired, used-up and unknown: the caller learns nothing about which it was. */
export function invalidCode(deps: Pick<ServiceDeps, 'count'>): ProblemError {
  deps.count('FailedCodes');
  return new ProblemError(400, 'invalid-code', [{ field: 'code', code: 'invalid-code' }]);
}

/** The signed-in session, or a 401 for a missing, malformed, unknown or expired token. */
export async function requireSession(
  deps: Pick<ServiceDeps, 'repo'>,
  token: string | undefined,
): Promise<{ licenseeId: string; secretHash: string }> {
  const session = token === undefined ? undefined : await authenticateSession(deps, token);
  if (!session) throw new ProblemError(401, 'unauthorised');
  return session;
}

/** The signed-in licensee, or a 401 for a missing, malformed, unknown or expired token. */
export async function requireLicensee(
  deps: Pick<ServiceDeps, 'repo'>,
  token: string | undefined,
): Promise<string> {
  const licenseeId = token === undefined ? undefined : await authenticate(deps, token);
  if (!licenseeId) throw new ProblemError(401, 'unauthorised');
  return licenseeId;
}
