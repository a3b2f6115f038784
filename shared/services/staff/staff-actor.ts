import type { AuditActor } from '../../domain/audit.js';
import { ProblemError } from '../../domain/problem-error.js';
import { roleAllows, type StaffRole } from '../../domain/staff-roles.js';
import type { StaffIdentity, StaffTokenVerifier } from '../../adapters/staff-token-verifier.js';

export interface StaffCaller {
  identity: StaffIdentity;
  actor: AuditActor;
}

export const staffActorOf = (identity: StaffIdentity): AuditActor => ({
  kind: 'staff',
  id: identity.sub,
  username: identity.username,
});

/**
 * The staff member behind a call, allowed the route's minimum role. API Gateway's JWT authorizer has already
 * refused calls without a valid token carrying the staff scope; the function verifies the token again (so a
 * misrouted call never acts without a named actor) and checks the role, which the authorizer cannot.
 */
export async function requireStaff(
  verify: StaffTokenVerifier,
  token: string | undefined,
  needed: StaffRole,
): Promise<StaffCaller> {
  const verdict = await verify(token);
  if (!verdict.ok) {
    throw verdict.reason === 'missing' || verdict.reason === 'invalid'
      ? new ProblemError(401, 'staff-unauthorised')
      : new ProblemError(403, 'staff-forbidden');
  }
  if (!roleAllows(verdict.identity.role, needed)) throw new ProblemError(403, 'staff-forbidden');
  return { identity: verdict.identity, actor: staffActorOf(verdict.identity) };
}
