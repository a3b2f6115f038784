import { createAuditLog } from '../adapters/audit-log.js';
import { createKmsMac } from '../adapters/kms-mac.js';
import { createStaffRepository } from '../adapters/staff-repository.js';
import type { Config } from '../config.js';
import { systemClock, type Clock } from '../domain/dates.js';
import type { Observability } from '../observability.js';
import type { StaffDeps } from '../services/staff/staff-deps.js';
import { createAwsClients, type AwsClients } from './base.js';
import { createServiceDeps } from './encrypting.js';

/** Dependencies of the staff function: the licensee services plus audit trail, staff queries and MACs. */
export function createStaffDeps(
  config: Config,
  observability: Pick<Observability, 'count'>,
  { clock = systemClock, clients = createAwsClients(config) }: { clock?: Clock; clients?: AwsClients } = {},
): StaffDeps {
  const deps = createServiceDeps(config, observability, { clock, clients });
  return {
    ...deps,
    audit: createAuditLog({
      client: clients.dynamodb,
      tableName: config.TABLE_NAME,
      clock,
      newId: deps.newId,
    }),
    staffRepo: createStaffRepository({ client: clients.dynamodb, tableName: config.TABLE_NAME }),
    mac: createKmsMac({ kms: clients.kms, keyId: config.HMAC_KEY_ID }),
  };
}
