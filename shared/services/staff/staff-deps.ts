import type { AuditLog } from '../../adapters/audit-log.js';
import type { KmsMac } from '../../adapters/kms-mac.js';
import type { StaffRepository } from '../../adapters/staff-repository.js';
import type { ServiceDeps } from '../deps.js';

/** What staff operations need beyond the licensee services: the audit trail, staff queries, token MACs. */
export interface StaffDeps extends ServiceDeps {
  audit: AuditLog;
  staffRepo: StaffRepository;
  mac: KmsMac;
}
