import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { CodeMac } from './code-mac.js';
import { policy } from './policy.js';

/**
 * The device cookie (OWASP's "device cookies" against lockout): set by a successful sign-in, it marks this
 * browser as one the owner of an address signed in from, so that its code requests may draw from the owner's
 * reserve (policy.signIn.ownerReserveCodesPerDay) once a stranger spent the address's common code budget.
 *
 * Its value is `<id>.<mac>`: 128 random bits and the KMS HMAC (the code MAC, in a salt of its own) over the
 * address's blind index and that id. Nothing personal is in it, nothing is stored for it, and without the key
 * in KMS nobody can make one for an address, nor move one to another address.
 *
 * `__Host-` makes the browser refuse it unless Secure, on Path=/ and without Domain: no subdomain or plain-HTTP
 * page can set or overwrite it. HttpOnly keeps it from scripts, SameSite=Strict from other sites' requests.
 */
export const deviceCookieName = '__Host-zorgsom-device';

const salt = (emailIndex: string) => `device:${emailIndex}`;
const valuePattern = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
/** MACed when a request carries no well-formed cookie, so every code request costs the same KMS call. */
const absentId = 'A'.repeat(22);

/** A fresh device cookie for the address with blind index `emailIndex`, as a Set-Cookie header value. */
export async function newDeviceCookie(mac: CodeMac, emailIndex: string): Promise<string> {
  const id = randomBytes(16).toString('base64url');
  const value = `${id}.${await mac.of(salt(emailIndex), id)}`;
  const maxAge = policy.signIn.deviceCookieDays * 24 * 60 * 60;
  return `${deviceCookieName}=${value}; Max-Age=${maxAge}; Path=/; Secure; HttpOnly; SameSite=Strict`;
}

/**
 * Whether `value` (the cookie as the browser sent it, if at all) was made by `newDeviceCookie` for this very
 * address. One MAC whatever it holds: a missing, malformed, tampered or other address's cookie costs the same.
 */
export async function isDeviceOf(
  mac: CodeMac,
  emailIndex: string,
  value: string | undefined,
): Promise<boolean> {
  const parsed = value === undefined ? null : valuePattern.exec(value);
  const expected = await mac.of(salt(emailIndex), parsed?.[1] ?? absentId);
  const given = parsed?.[2];
  return (
    given !== undefined &&
    given.length === expected.length &&
    timingSafeEqual(Buffer.from(given), Buffer.from(expected))
  );
}
