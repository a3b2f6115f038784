import type { AuditLog } from '../../adapters/audit-log.js';
import type { LicenseeRepository } from '../../adapters/licensee-repository.js';
import type { RetentionObjects } from '../../adapters/retention-objects.js';
import type { RetentionStore } from '../../adapters/retention-store.js';
import type { Clock } from '../../domain/dates.js';

/** Metrics of the retention services (EMF, no dimensions that could identify anyone). */
export type RetentionMetric =
  | 'LicencesEnded'
  | 'LicencesRenewed'
  | 'LegalHoldsPlaced'
  | 'LegalHoldsLifted'
  | 'LicenseesPurged'
  | 'PurgedItems'
  | 'PurgedObjects'
  | 'PurgeFailures'
  | 'SweepIncomplete'
  | 'HeldPastPurgeDate'
  | 'TtlBackstopDeletions';

/** Log fields: ids, counts, codes and error classes only, never a personal value. */
export type LogFields = Record<string, string | number | boolean | string[]>;

/** Licence end, renewal and holds: what the self-service, staff and sweeper functions share. */
export interface LicenceDeps {
  repo: Pick<LicenseeRepository, 'profileTransactItem' | 'transact'>;
  store: RetentionStore;
  audit: Pick<AuditLog, 'transactItem' | 'record' | 'forLicensee'>;
  clock: Clock;
  metric: (name: RetentionMetric, value?: number) => void;
}

/** The purge also deletes objects in S3 and reports what it skipped. */
export interface PurgeDeps extends LicenceDeps {
  objects: RetentionObjects;
  log: (message: string, fields: LogFields) => void;
}
