import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffRoutes, type StaffRoute } from '../../../functions/routes.js';
import { staffRoles, staffScope, type StaffRole } from '../../../shared/domain/staff-roles.js';
import { registerLicensee } from '../../support/licensees.js';
import { signInStaff, startLocalApi, type LocalApi } from '../../support/local-api.js';

/**
 * Every staff route × no token / expired token / wrong role / right role, generated from the routes table,
 * so a route added there is in this matrix without anyone remembering to add it.
 */
let api: LocalApi;
let idpTimeShift = 0;
const idpClock = () => Date.now() - idpTimeShift;
const tokens: Partial<Record<StaffRole | 'expired' | 'foreign' | 'licensee', string>> = {};

beforeAll(async () => {
  api = await startLocalApi({}, { idpClock });
  // Signed in two hours ago through the real sign-in: its one-hour token has expired.
  idpTimeShift = 2 * 3600_000;
  tokens.expired = await signInStaff(api.staffIdp, 'admin', idpClock);
  idpTimeShift = 0;
  for (const role of staffRoles) tokens[role] = await api.staffToken(role);
  // Same claims, the right issuer, but signed with a key that is not the issuer's.
  const { privateKey } = await generateKeyPair('RS256');
  tokens.foreign = await new SignJWT({
    username: 'mallory',
    client_id: api.staffIdp.clientId,
    scope: staffScope,
    'cognito:groups': ['admin'],
    token_use: 'access',
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'mallory' })
    .setIssuer(api.staffIdp.issuer)
    .setSubject('mallory')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);
  tokens.licensee = (await registerLicensee(api)).token;
});
afterAll(async () => {
  await api?.close();
});

const call = (route: StaffRoute, token: string | undefined) =>
  api.call(route.method, route.path, { token, ...(route.method === 'GET' ? {} : { body: {} }) });

/** The role just below the route's minimum; a route open to viewers has none. */
const roleBelow = (role: StaffRole): StaffRole | undefined => staffRoles[staffRoles.indexOf(role) - 1];

describe.each(staffRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
  '%s',
  (_key, route) => {
    it('refuses a call without a token', async () => {
      const response = await call(route, undefined);
      expect(response.status).toBe(401);
    });

    it('refuses an expired token, a token not signed by the issuer, and a licensee session', async () => {
      for (const token of [tokens.expired, tokens.foreign, tokens.licensee]) {
        expect((await call(route, token)).status).toBe(401);
      }
    });

    it(`refuses every role below ${route.role}`, async () => {
      const below = staffRoles.slice(0, staffRoles.indexOf(route.role));
      for (const role of below) {
        const response = await call(route, tokens[role]);
        expect(response.status, role).toBe(403);
        expect(response.body.code).toBe('staff-forbidden');
      }
      if (!roleBelow(route.role)) expect(route.role).toBe('viewer');
    });

    it(`lets ${route.role} and every role above it through to the route`, async () => {
      for (const role of staffRoles.slice(staffRoles.indexOf(route.role))) {
        const response = await call(route, tokens[role]);
        expect([401, 403], `${role}: ${response.status}`).not.toContain(response.status);
        expect(response.status, role).toBeLessThan(500);
      }
    });
  },
);

describe('the routes table and the functions agree', () => {
  it('every route of the admin function is a staff route with a role, and every admin staff route is served', async () => {
    const { createRoutes } = await import('../../../functions/admin/handler.js');
    const served = Object.keys(createRoutes({} as never)).sort();
    const listed = staffRoutes
      .filter((route) => route.fn === 'admin')
      .map((route) => `${route.method} ${route.path}`)
      .sort();
    expect(served).toEqual(listed);
  });
});
