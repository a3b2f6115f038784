/**
 * What self-service loads on a route's first call instead of at cold init: the profile changes (with the
 * typed-input checks, ibantools and their mails) and the licence's end (with the retention store). The
 * handler imports this file dynamically, so it is a chunk of the bundle of its own, and only what is named
 * here is in it: a dynamic import keeps every export of its target, a static one only what is used.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Config } from '../../shared/config.js';
import type { Observability } from '../../shared/observability.js';
import type { LicenceDeps } from '../../shared/services/retention/deps.js';
import { endLicence } from '../../shared/services/retention/licence.js';
import { createLicenceDeps } from '../../shared/wiring/retention.js';

export { profilePatchSchema } from '../../shared/domain/licensee-input.js';
export {
  confirmEmailChange,
  correctProfile,
  setMarketingPreference,
} from '../../shared/services/profile-changes.js';

/** The licensee's own termination, on the function's one DynamoDB client (the purge date follows from policy). */
export function licenceEnd(
  config: Pick<Config, 'TABLE_NAME'>,
  observability: Pick<Observability, 'metrics'>,
  dynamodb: DynamoDBClient,
) {
  const deps: LicenceDeps = createLicenceDeps(config, observability, { dynamodb });
  return (licenseeId: string) => endLicence(deps, licenseeId, { kind: 'licensee', id: licenseeId });
}
