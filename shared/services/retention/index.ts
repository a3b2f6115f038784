/** The retention services other functions call (staff admin routes, CLI, privacy requests, self-service). */
export type { LicenceDeps, PurgeDeps, RetentionMetric } from './deps.js';
export {
  endLicence,
  liftHold,
  licenceStateOf,
  placeHold,
  renewLicence,
  type LicenceState,
} from './licence.js';
export {
  endLicenceAndPurgeNow,
  purgeLicensee,
  sweep,
  sweeperActor,
  type PurgeNowResult,
  type SweepReport,
} from './sweeper.js';
export { recordTtlDeletions, type TtlAuditReport } from './ttl-audit.js';
