import { timingSafeEqual } from 'node:crypto';
import { addDays, epochSeconds } from '../domain/dates.js';
import { ulidPattern } from '../domain/ids.js';
import { policy } from '../domain/policy.js';
import { ProblemError } from '../domain/problem-error.js';
import type { CodeMac } from './ports.js';
import type { ServiceDeps } from './deps.js';

/**
 * "This was not me": the link in the notice mailed to the previous address after an email change. Opening
 * it shows a button (a GET changes nothing: link scanners follow GETs); pressing it ends every session of
 * the licence and opens a request for staff, who restore the address after checking.
 */
export const notMePath = '/api/account/not-me';

const salt = (licenseeId: string) => `not-me:${licenseeId}`;

/** `<licenseeId>.<issued epoch seconds>.<KMS HMAC>`: no personal value, valid `policy.signIn.notMeLinkDays`. */
export async function notMeToken(mac: CodeMac, licenseeId: string, issuedAt: Date): Promise<string> {
  const at = String(epochSeconds(issuedAt));
  return `${licenseeId}.${at}.${await mac.of(salt(licenseeId), at)}`;
}

export const notMeUrl = async (mac: CodeMac, portalUrl: string, licenseeId: string, issuedAt: Date) =>
  `${portalUrl}${notMePath}?token=${await notMeToken(mac, licenseeId, issuedAt)}`;

/** The licensee a valid, unexpired link was made for; 400 `invalid-code` for anything else. */
export async function notMeLicensee(deps: Pick<ServiceDeps, 'codeMac' | 'clock'>, token: string) {
  const [licenseeId = '', at = '', signature = '', ...rest] = token.split('.');
  const refused = new ProblemError(400, 'invalid-code');
  if (rest.length > 0 || !ulidPattern.test(licenseeId) || !/^[0-9]{1,12}$/.test(at) || signature.length > 64)
    throw refused;
  const expected = Buffer.from(await deps.codeMac.of(salt(licenseeId), at));
  const actual = Buffer.from(signature);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw refused;
  const validUntil = addDays(new Date(Number(at) * 1000), policy.signIn.notMeLinkDays);
  if (validUntil <= deps.clock()) throw refused;
  return licenseeId;
}
