import { errors, jwtVerify } from 'jose';
import * as z from 'zod/mini';
import { createRemoteKeySet } from './remote-key-set.js';
import { roleOfGroups, staffScope, type StaffRole } from '../domain/staff-roles.js';
import { nonEmptyText, schema } from '../domain/schema.js';

/** Who a valid staff access token names: the Cognito `sub`, the username and the strongest role. */
export interface StaffIdentity {
  sub: string;
  username: string;
  role: StaffRole;
}

export interface StaffTokenSettings {
  /** Cognito: `https://cognito-idp.<region>.amazonaws.com/<poolId>`; locally the staff-idp's issuer. */
  issuer: string;
  /** App clients whose access tokens are accepted (the console's, the CLI's). */
  clientIds: readonly string[];
  /** Default `<issuer>/.well-known/jwks.json`, where Cognito publishes its keys. */
  jwksUrl?: string;
}

/** The claims of a Cognito access token this system reads; anything else in the token is ignored. */
const accessClaimsSchema = /* @__PURE__ */ schema(() =>
  z.object({
    sub: nonEmptyText,
    username: nonEmptyText,
    client_id: nonEmptyText,
    token_use: z.literal('access'),
    scope: z.string(),
    'cognito:groups': z._default(z.array(z.string()), []),
  }),
);

export type StaffTokenVerdict =
  | { ok: true; identity: StaffIdentity }
  /** missing/invalid: 401. no-scope, no-role: 403 (a real token, but not for staff routes). */
  | { ok: false; reason: 'missing' | 'invalid' | 'no-scope' | 'no-role' };

export type StaffTokenVerifier = (token: string | undefined) => Promise<StaffTokenVerdict>;

/**
 * Verifies a staff access token: RS256 signature against the issuer's JWKS (fetched once, re-fetched on an
 * unknown key id), issuer, expiry, `token_use: access`, an accepted client, the staff scope and a role group.
 * A JWKS that cannot be fetched throws (the caller answers 5xx): an outage is not a wrong token.
 */
export function createStaffTokenVerifier(settings: StaffTokenSettings): StaffTokenVerifier {
  const jwks = createRemoteKeySet(new URL(settings.jwksUrl ?? `${settings.issuer}/.well-known/jwks.json`), {
    cooldownMs: 30_000,
  });
  return async (token) => {
    if (!token) return { ok: false, reason: 'missing' };
    let payload;
    try {
      ({ payload } = await jwtVerify(token, jwks, { issuer: settings.issuer, algorithms: ['RS256'] }));
    } catch (error) {
      if (error instanceof errors.JOSEError && !(error instanceof errors.JWKSTimeout)) {
        return { ok: false, reason: 'invalid' };
      }
      throw error;
    }
    const claims = accessClaimsSchema.safeParse(payload);
    if (!claims.success || !settings.clientIds.includes(claims.data.client_id)) {
      return { ok: false, reason: 'invalid' };
    }
    if (!claims.data.scope.split(' ').includes(staffScope)) return { ok: false, reason: 'no-scope' };
    const role = roleOfGroups(claims.data['cognito:groups']);
    if (!role) return { ok: false, reason: 'no-role' };
    return { ok: true, identity: { sub: claims.data.sub, username: claims.data.username, role } };
  };
}
