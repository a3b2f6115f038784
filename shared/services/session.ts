import { addMinutes, epochSeconds } from '../domain/dates.js';
import { issueCode, verifyCode } from '../domain/one-time-code.js';
import { policy } from '../domain/policy.js';
import { newSessionToken, parseSessionToken } from '../domain/session-token.js';
import type { ServiceDeps } from './deps.js';

/** Signing in never decrypts: the session function holds no key that could. */
export type SessionDeps = Omit<ServiceDeps, 'envelope'>;
import { mails } from './mail-templates.js';
import { confirmSignup, resendSignupCode } from './signup.js';
import { ProblemError } from '../domain/problem-error.js';

export interface SessionGrant {
  token: string;
  expiresAt: string;
}

const signInSalt = (licenseeId: string) => `sign-in:${licenseeId}`;

export async function startSession(
  deps: Pick<ServiceDeps, 'repo' | 'clock'>,
  licenseeId: string,
): Promise<SessionGrant> {
  const now = deps.clock();
  const expiresAt = addMinutes(now, policy.signIn.sessionTtlMinutes);
  const { token, secretHash } = newSessionToken(licenseeId);
  await deps.repo.putSession({
    licenseeId,
    secretHash,
    createdAt: now.toISOString(),
    expiresAt: epochSeconds(expiresAt),
  });
  return { token, expiresAt: expiresAt.toISOString() };
}

/**
 * Mails a sign-in code to a licensee's registered address. Unknown, pending and rate-limited addresses
 * get the same silent success, so the endpoint cannot be used to find out who is a licensee.
 */
export async function requestSignInCode(deps: SessionDeps, email: string): Promise<void> {
  const now = deps.clock();
  const owner = await deps.repo.findEmailOwner(await deps.blindIndex.of(email));
  const profile = owner && (await deps.repo.getProfile(owner.licenseeId));
  if (!profile) return;
  // A signup never confirmed: a fresh confirmation code instead, so a lost code is no dead end.
  if (profile.status === 'pending') return resendSignupCode(deps, profile, email);

  const previous = await deps.repo.getSignInCode(profile.licenseeId);
  const issued = issueCode(previous?.code, signInSalt(profile.licenseeId), now);
  if (!issued.issued) {
    deps.count('CodesRateLimited');
    return;
  }
  await deps.repo.putSignInCode({
    licenseeId: profile.licenseeId,
    code: issued.state,
    // The record outlives the code so the hourly rate window survives an expired code.
    expiresAt: epochSeconds(addMinutes(now, 60)),
  });
  // The address typed matches the registered one (same blind index), so no decryption is needed to reply.
  await deps.mailer.send(mails.signInCode(email, issued.code));
  deps.count('SignInCodesSent');
}

export async function signIn(
  deps: SessionDeps,
  input: { email: string; code: string },
): Promise<SessionGrant> {
  const now = deps.clock();
  const owner = await deps.repo.findEmailOwner(await deps.blindIndex.of(input.email));
  const record = owner && (await deps.repo.getSignInCode(owner.licenseeId));
  if (!record) {
    // A pending signup signs in with the confirmation code it was sent (see requestSignInCode).
    if (owner && (await deps.repo.getProfile(owner.licenseeId))?.status === 'pending') {
      return confirmSignup(deps, input);
    }
    throw invalidCode(deps);
  }

  const verdict = verifyCode(record.code, signInSalt(record.licenseeId), input.code, now);
  if (verdict.outcome === 'rejected') {
    await deps.repo.putSignInCode({ ...record, code: verdict.state });
    throw invalidCode(deps);
  }
  await deps.repo.deleteSignInCode(record.licenseeId);
  deps.count('SignIns');
  return startSession(deps, record.licenseeId);
}

/** The licensee a bearer token belongs to, or undefined when it is malformed, unknown or expired. */
export async function authenticate(
  deps: Pick<ServiceDeps, 'repo'>,
  token: string,
): Promise<string | undefined> {
  const parsed = parseSessionToken(token);
  if (!parsed) return undefined;
  const session = await deps.repo.getSession(parsed.licenseeId, parsed.secretHash);
  return session?.licenseeId;
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

/** The signed-in licensee, or a 401 for a missing, malformed, unknown or expired token. */
export async function requireLicensee(
  deps: Pick<ServiceDeps, 'repo'>,
  token: string | undefined,
): Promise<string> {
  const licenseeId = token === undefined ? undefined : await authenticate(deps, token);
  if (!licenseeId) throw new ProblemError(401, 'unauthorised');
  return licenseeId;
}
