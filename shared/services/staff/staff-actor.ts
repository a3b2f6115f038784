import type { AuditActor } from '../../domain/audit.js';
import { ProblemError } from '../../domain/problem-error.js';

/**
 * The staff member behind a request. API Gateway already refuses unsigned calls to staff routes (AWS_IAM);
 * this check keeps a misrouted call from ever acting without a named actor.
 */
export function requireStaff(principal: string | undefined): AuditActor {
  if (!principal) throw new ProblemError(401, 'unauthorised');
  return { kind: 'staff', id: principal };
}
