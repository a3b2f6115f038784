import type { AuditLog } from '../../adapters/audit-log.js';
import type { InboxRepository } from '../../adapters/inbox-repository.js';
import type { RawMailStore } from '../../adapters/raw-mail-store.js';
import type { RequestRepository } from '../../adapters/request-repository.js';
import type { ServiceDeps } from '../deps.js';

/** The privacy-request workflow: the licensee services plus the request store and the audit trail. */
export interface RequestDeps extends ServiceDeps {
  requests: RequestRepository;
  audit: AuditLog;
}

/** Mail intake additionally reads (and, for patient data, deletes) raw mail. */
export interface MailIntakeDeps extends RequestDeps {
  rawMail: RawMailStore;
  /** General mail for staff. */
  inbox: InboxRepository;
}
