import type { AuditActor } from '../../domain/audit.js';
import { getProfileView, type ProfileView } from '../self-service.js';
import type { StaffDeps } from './staff-deps.js';

/**
 * The only way staff see a licensee's personal data. The read is audited before the plaintext is
 * produced: if the audit write fails, nothing is shown.
 */
export async function showLicenseeToStaff(
  deps: StaffDeps,
  actor: AuditActor,
  licenseeId: string,
): Promise<ProfileView> {
  await deps.audit.record({ actor, action: 'licensee.read-by-staff', licenseeId });
  return getProfileView(deps, licenseeId);
}
