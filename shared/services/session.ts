import { timingSafeEqual } from 'node:crypto';
import { addMinutes, epochSeconds } from '../domain/dates.js';
import { absentLicenseeId } from '../domain/ids.js';
import { codeRateWindowMinutes, issueCode } from '../domain/one-time-code.js';
import { policy } from '../domain/policy.js';
import { newSignInLinkToken, parseSignInLinkToken } from '../domain/session-token.js';
import { isDeviceOf, newDeviceCookie } from '../domain/device-cookie.js';
import type { ServiceDeps } from './deps.js';

/** Signing in never decrypts: the session function holds no key that could. */
export type SessionDeps = Omit<ServiceDeps, 'envelope'>;
import { signInMails } from './mail-templates.js';
import { languageOf } from '../domain/records.js';
import { ConcurrentUpdateError } from '../domain/problem-error.js';
import { judgeGuess } from './code-guard.js';
import { confirmPendingSignup, resendSignupCode } from './signup.js';
import { invalidCode, newSession, type SessionGrant } from './sessions.js';

/**
 * Signing in: codes and links by mail, the device cookie, the sign-in itself. Starting, checking and ending
 * a session is in sessions.ts, which every signed-in route needs without any of this (no mails, no codes).
 */
export {
  authenticate,
  authenticateSession,
  invalidCode,
  requireLicensee,
  requireSession,
  signOut,
  startSession,
  type SessionGrant,
} from './sessions.js';

/** A sign-in's session, and the device cookie (a Set-Cookie value) that marks this browser as the owner's. */
export type SignedIn = SessionGrant & { deviceCookie: string };

const signInSalt = (emailIndex: string) => `sign-in:${emailIndex}`;

/**
 * Mails a sign-in code for an address. Every address costs the same: the code record (and its hourly
 * budget) is kept per address, registered or not, and exactly one mail leaves per issued code: the code to
 * a licensee, a note on how to register to anyone else. The answer is always the same 202.
 *
 * Once the address's common budget is spent (`maxCodesPerHour`, the day's mail budget), only a request from a
 * browser holding the owner's device cookie gets a code, paid from the owner's reserve: a stranger can spend
 * the common budget but not the owner's way in. With or without a cookie the work up to there is the same.
 */
export async function requestSignInCode(
  deps: SessionDeps,
  email: string,
  deviceCookie?: string,
): Promise<void> {
  const emailIndex = await deps.blindIndex.of(email);
  const owner = await deps.repo.findEmailOwner(emailIndex);
  const profile = await deps.repo.getProfile(owner?.licenseeId ?? absentLicenseeId);
  const previous = await deps.repo.getSignInCode(emailIndex);
  // One MAC whether a cookie came or not (isDeviceOf), so a cookie changes nothing a stranger can time.
  const ownersDevice = await isDeviceOf(deps.codeMac, emailIndex, deviceCookie);
  // A signup never confirmed: a fresh confirmation code instead (the same MAC and one conditional write),
  // so a lost code is no dead end.
  if (profile?.status === 'pending') return resendSignupCode(deps, profile, email);
  const address = { email, emailIndex, licenseeId: owner?.licenseeId, profile };
  if (await issueSignInCode(deps, address, previous, 'day')) {
    deps.count('SignInCodesSent');
    return;
  }
  if (ownersDevice && profile) {
    // Re-read: the record may have moved on under a parallel request since the first read.
    const latest = await deps.repo.getSignInCode(emailIndex);
    if (await issueSignInCode(deps, address, latest, 'owner-reserve')) {
      deps.count('SignInCodesFromReserve');
      return;
    }
  }
  deps.count('CodesRateLimited');
}

/**
 * Issues a code (with its link) and writes it with its mail and that mail's unit of `budget` in one
 * transaction. False, with nothing written, when the hourly code limit (not for the reserve), the budget or a
 * parallel request got there first: the previous code and its link stand.
 */
async function issueSignInCode(
  deps: SessionDeps,
  address: {
    email: string;
    emailIndex: string;
    licenseeId: string | undefined;
    profile: Awaited<ReturnType<SessionDeps['repo']['getProfile']>>;
  },
  previous: Awaited<ReturnType<SessionDeps['repo']['getSignInCode']>>,
  budget: 'day' | 'owner-reserve',
): Promise<boolean> {
  const now = deps.clock();
  const { email, emailIndex, profile } = address;
  const issued = await issueCode(deps.codeMac, previous?.code, signInSalt(emailIndex), now, {
    beyondHourlyLimit: budget === 'owner-reserve',
  });
  if (!issued.issued) return false;
  // A link for every address (the same work); only a licensee's mail carries it, and only its id opens it.
  const link = newSignInLinkToken(address.licenseeId ?? absentLicenseeId);
  const linkExpiresAt = addMinutes(now, policy.signIn.linkValidMinutes);
  // The address typed has the blind index of the registered one, so no decryption is needed to reply. The
  // mail and its unit of the budget are written with the code record in one transaction: no code without
  // its mail, the same work for a registered address and a free one.
  const mail = await deps.mailer.budgetedOutboxItems(
    profile
      ? signInMails(languageOf(profile)).signInCode(
          email,
          issued.code,
          `${deps.portalUrl}/sign-in.html#link=${link.token}`,
        )
      : // No licence: we cannot know the language of the address.
        signInMails('nl+en').signInNoLicence(email, deps.portalUrl),
    emailIndex,
    budget,
  );
  try {
    await deps.repo.saveSignInCode(
      emailIndex,
      {
        code: issued.state,
        link: { secretHash: link.secretHash, expiresAt: linkExpiresAt.toISOString() },
        // The record outlives code and link so the hourly budget survives an expired code.
        expiresAt: epochSeconds(
          addMinutes(now, Math.max(codeRateWindowMinutes, policy.signIn.linkValidMinutes)),
        ),
        version: (previous?.version ?? 0) + 1,
      },
      previous?.version,
      mail,
    );
  } catch (error) {
    // A parallel request issued a code a moment ago, or the budget for today is spent.
    if (!(error instanceof ConcurrentUpdateError)) throw error;
    return false;
  }
  return true;
}

/**
 * Signs in with a mailed code. The attempt is spent before the guess is judged (see `judgeGuess`), and
 * a right guess uses the code and opens the session in one transaction: one session per code.
 */
export async function signIn(deps: SessionDeps, input: { email: string; code: string }): Promise<SignedIn> {
  const emailIndex = await deps.blindIndex.of(input.email);
  const owner = await deps.repo.findEmailOwner(emailIndex);
  const profile = await deps.repo.getProfile(owner?.licenseeId ?? absentLicenseeId);
  // A pending signup signs in with the confirmation code it was sent (see requestSignInCode).
  if (profile?.status === 'pending') {
    const grant = await confirmPendingSignup(deps, profile.licenseeId, input.code);
    return { ...grant, deviceCookie: await newDeviceCookie(deps.codeMac, emailIndex) };
  }
  const salt = signInSalt(emailIndex);
  const spent = await judgeGuess(deps, input.code, {
    load: async () => {
      const record = await deps.repo.getSignInCode(emailIndex);
      return record && { record, code: record.code, salt };
    },
    saveSpent: async (record, code) => {
      const next = { ...record, code, version: record.version + 1 };
      await deps.repo.saveSignInCode(emailIndex, next, record.version);
      return next;
    },
  });
  if (!spent || !owner) throw invalidCode(deps);
  const session = newSession(deps, owner.licenseeId);
  try {
    await deps.repo.consumeSignInCode(emailIndex, spent.code.codeHash, session.record);
  } catch (error) {
    // A parallel right guess used the code first.
    if (error instanceof ConcurrentUpdateError) throw invalidCode(deps);
    throw error;
  }
  deps.count('SignIns');
  return { ...session.grant, deviceCookie: await newDeviceCookie(deps.codeMac, emailIndex) };
}

/**
 * Signs in with the link of the latest sign-in mail: valid `policy.signIn.linkValidMinutes`, once, and
 * only while no newer code replaced it. It has no attempt counter (its secret is 256 random bits), so
 * neither spent code requests nor wrong guesses at the code keep the owner out. Any failure is the same
 * 400 `invalid-code` as a wrong code.
 */
export async function signInWithLink(deps: SessionDeps, token: string): Promise<SignedIn> {
  const parsed = parseSignInLinkToken(token);
  const profile = await deps.repo.getProfile(parsed?.licenseeId ?? absentLicenseeId);
  const record = await deps.repo.getSignInCode(profile?.emailIndex ?? absentLicenseeId);
  const link = record?.link;
  const valid =
    parsed !== undefined &&
    profile !== undefined &&
    profile.status !== 'pending' &&
    link !== undefined &&
    new Date(link.expiresAt) > deps.clock() &&
    sameHash(link.secretHash, parsed.secretHash);
  if (!valid) throw invalidCode(deps);
  const session = newSession(deps, profile.licenseeId);
  try {
    await deps.repo.consumeSignInLink(profile.emailIndex, link.secretHash, session.record);
  } catch (error) {
    // Used a moment ago by a parallel request, or replaced by a newer code.
    if (error instanceof ConcurrentUpdateError) throw invalidCode(deps);
    throw error;
  }
  deps.count('SignIns');
  return { ...session.grant, deviceCookie: await newDeviceCookie(deps.codeMac, profile.emailIndex) };
}

const sameHash = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
