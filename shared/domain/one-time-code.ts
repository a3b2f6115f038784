import { randomInt, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { policy } from './policy.js';
import { addMinutes } from './dates.js';
import type { CodeMac } from './code-mac.js';
import { isoTimestamp, itemVersion, schema, wholeCount, wholeNumber } from './schema.js';

/**
 * A mailed six-digit code (signup confirmation, sign-in, email change, privacy-request confirmation).
 * Stored only as a keyed MAC (KMS HMAC) over what it is for and the code, so a code for one purpose or
 * licensee never works for another, and a table dump alone cannot be searched for live codes.
 *
 * Guessing is limited by an attempt counter that is spent *before* a guess is judged (`spendAttempt`,
 * written with a condition by the caller), so N parallel guesses can never get more than
 * `policy.signIn.maxCodeAttempts` judgements.
 */
export const oneTimeCodeSchema = /* @__PURE__ */ schema(() =>
  z.object({
    codeHash: z.string(),
    expiresAt: isoTimestamp,
    attempts: wholeCount,
    windowStartedAt: isoTimestamp,
    issuedInWindow: wholeCount,
  }),
);
export type OneTimeCode = z.infer<typeof oneTimeCodeSchema>;

export type { CodeMac } from './code-mac.js';

export const codeRateWindowMinutes = 60;

export type IssueResult =
  { issued: true; code: string; state: OneTimeCode } | { issued: false; reason: 'rate-limited' };

/**
 * A fresh code, unless `policy.signIn.maxCodesPerHour` were already issued in the current window.
 * `beyondHourlyLimit`: a sign-in code paid from the owner's reserve (its own per-day limit, spent in the same
 * transaction), issued whatever the window says and counted in it like any other.
 */
export async function issueCode(
  mac: CodeMac,
  previous: OneTimeCode | undefined,
  salt: string,
  now: Date,
  { beyondHourlyLimit = false }: { beyondHourlyLimit?: boolean } = {},
): Promise<IssueResult> {
  const windowOpen = previous && addMinutes(new Date(previous.windowStartedAt), codeRateWindowMinutes) > now;
  const issuedInWindow = windowOpen ? previous.issuedInWindow : 0;
  if (issuedInWindow >= policy.signIn.maxCodesPerHour && !beyondHourlyLimit)
    return { issued: false, reason: 'rate-limited' };
  const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
  return {
    issued: true,
    code,
    state: {
      codeHash: await mac.of(salt, code),
      expiresAt: addMinutes(now, policy.signIn.codeTtlMinutes).toISOString(),
      attempts: 0,
      windowStartedAt: windowOpen ? previous.windowStartedAt : now.toISOString(),
      issuedInWindow: issuedInWindow + 1,
    },
  };
}

export type SpendResult =
  { spent: true; state: OneTimeCode } | { spent: false; reason: 'expired' | 'exhausted' };

/** Step one of a guess: the state with one more attempt used, to be written conditionally before judging. */
export function spendAttempt(state: OneTimeCode, now: Date): SpendResult {
  if (state.attempts >= policy.signIn.maxCodeAttempts) return { spent: false, reason: 'exhausted' };
  if (new Date(state.expiresAt) <= now) return { spent: false, reason: 'expired' };
  return { spent: true, state: { ...state, attempts: state.attempts + 1 } };
}

/** Step two, only after the spent attempt is stored: does the guess match? */
export async function codeMatches(
  mac: CodeMac,
  state: Pick<OneTimeCode, 'codeHash'>,
  salt: string,
  code: string,
): Promise<boolean> {
  const expected = Buffer.from(state.codeHash);
  const actual = Buffer.from(await mac.of(salt, code));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * An hourly budget per email address for actions that mail the address (signup answers): how many were
 * used in the window that started at `windowStartedAt`.
 */
export const addressBudgetSchema = /* @__PURE__ */ schema(() =>
  z.object({
    windowStartedAt: isoTimestamp,
    usedInWindow: wholeCount,
    expiresAt: wholeNumber,
    version: itemVersion,
  }),
);
export type AddressBudget = z.infer<typeof addressBudgetSchema>;

/** The budget with one more use, or undefined when `limit` uses were made in the current window. */
export function spendAddressBudget(
  previous: AddressBudget | undefined,
  limit: number,
  now: Date,
): AddressBudget | undefined {
  const windowEnds = previous && addMinutes(new Date(previous.windowStartedAt), codeRateWindowMinutes);
  const open = windowEnds !== undefined && windowEnds > now;
  const used = open ? previous!.usedInWindow : 0;
  if (used >= limit) return undefined;
  const windowStartedAt = open ? previous!.windowStartedAt : now.toISOString();
  return {
    windowStartedAt,
    usedInWindow: used + 1,
    expiresAt: Math.floor(addMinutes(new Date(windowStartedAt), codeRateWindowMinutes).getTime() / 1000),
    version: (previous?.version ?? 0) + 1,
  };
}
