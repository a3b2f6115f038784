import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { policy } from './policy.js';
import { addMinutes } from './dates.js';

/**
 * A mailed six-digit code (signup confirmation, sign-in, email change). Stored only as a hash salted with
 * what it is for, so a code for one purpose or licensee never works for another.
 */
export const oneTimeCodeSchema = z.object({
  codeHash: z.string(),
  expiresAt: z.iso.datetime(),
  attempts: z.number().int().min(0),
  windowStartedAt: z.iso.datetime(),
  issuedInWindow: z.number().int().min(0),
});
export type OneTimeCode = z.infer<typeof oneTimeCodeSchema>;

const rateWindowMinutes = 60;

function hashCode(salt: string, code: string): string {
  return createHash('sha256').update(`${salt}\u0000${code}`).digest('base64url');
}

export type IssueResult =
  { issued: true; code: string; state: OneTimeCode } | { issued: false; reason: 'rate-limited' };

export function issueCode(previous: OneTimeCode | undefined, salt: string, now: Date): IssueResult {
  const windowOpen = previous && addMinutes(new Date(previous.windowStartedAt), rateWindowMinutes) > now;
  const issuedInWindow = windowOpen ? previous.issuedInWindow : 0;
  if (issuedInWindow >= policy.signIn.maxCodesPerHour) return { issued: false, reason: 'rate-limited' };
  const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
  return {
    issued: true,
    code,
    state: {
      codeHash: hashCode(salt, code),
      expiresAt: addMinutes(now, policy.signIn.codeTtlMinutes).toISOString(),
      attempts: 0,
      windowStartedAt: windowOpen ? previous.windowStartedAt : now.toISOString(),
      issuedInWindow: issuedInWindow + 1,
    },
  };
}

export type VerifyResult =
  | { outcome: 'accepted' }
  | { outcome: 'rejected'; reason: 'wrong' | 'expired' | 'exhausted'; state: OneTimeCode };

/** A wrong guess costs an attempt; once attempts are used up even the right code is refused. */
export function verifyCode(state: OneTimeCode, salt: string, code: string, now: Date): VerifyResult {
  if (state.attempts >= policy.signIn.maxCodeAttempts)
    return { outcome: 'rejected', reason: 'exhausted', state };
  if (new Date(state.expiresAt) <= now) return { outcome: 'rejected', reason: 'expired', state };
  const expected = Buffer.from(state.codeHash);
  const actual = Buffer.from(hashCode(salt, code));
  if (expected.length === actual.length && timingSafeEqual(expected, actual)) return { outcome: 'accepted' };
  return { outcome: 'rejected', reason: 'wrong', state: { ...state, attempts: state.attempts + 1 } };
}
