import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The header CloudFront adds to every request it forwards to the HTTP API (infra/constructs/web.ts), with a
 * secret only CloudFront and the functions know. A request without it reached the API some other way (its
 * execute-api or its own regional domain, both public DNS names) and never went through the WAF.
 */
export const originVerifyHeader = 'x-zorgsom-origin-verify';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether a request came through CloudFront. Without a secret (the local stack, which has no CloudFront) every
 * request passes; in AWS the stack always sets one (template test). Compared in constant time.
 */
export function originVerifier(
  secret: string | undefined,
): (headers: Readonly<Record<string, string | undefined>>) => boolean {
  if (!secret) return () => true;
  const expected = digest(secret);
  return (headers) => {
    const given = headers[originVerifyHeader];
    return given !== undefined && timingSafeEqual(digest(given), expected);
  };
}
