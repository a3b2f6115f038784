import { createHash, randomBytes } from 'node:crypto';

/**
 * An opaque bearer token `<licenseeId>.<secret>`. Only a hash of the secret is stored, so a table read
 * never yields a usable session; the licensee id lets the session live in the licensee's partition,
 * where the retention purge finds it.
 */
export function newSessionToken(licenseeId: string): { token: string; secretHash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${licenseeId}.${secret}`, secretHash: hashSecret(secret) };
}

/**
 * A sign-in link's token has the same shape (`<licenseeId>.<secret>`, only the hash stored): the id finds the
 * licensee, whose address's sign-in record holds the hash.
 */
export const newSignInLinkToken = newSessionToken;
export const parseSignInLinkToken = (token: string) => parseSessionToken(token);

export function parseSessionToken(token: string): { licenseeId: string; secretHash: string } | undefined {
  const match = /^([0-9A-HJKMNP-TV-Z]{26})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match?.[1] || !match[2]) return undefined;
  return { licenseeId: match[1], secretHash: hashSecret(match[2]) };
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
