import * as z from 'zod';
import type { AuditLog } from '../../adapters/audit-log.js';
import type { RequestRepository } from '../../adapters/request-repository.js';
import type { AuditEvent } from '../../domain/audit.js';
import { addMonths, type Clock } from '../../domain/dates.js';
import { policy } from '../../domain/policy.js';
import { openShards } from '../../domain/privacy-request.js';
import { ProblemError } from '../../domain/problem-error.js';

export const reportPeriodSchema = z.strictObject({
  from: z.iso.date({ message: 'invalid-format' }),
  to: z.iso.date({ message: 'invalid-format' }),
});

const finishing = new Set([
  'privacy-request.completed',
  'privacy-request.rejected',
  'privacy-request.deletion-approved',
]);

/** A purge kept the promise when it ran within the retention period after the licence ended. */
function purgedOnTime(event: AuditEvent): boolean {
  const ended = event.details.licenceEndedAt;
  if (typeof ended !== 'string') return true;
  return new Date(event.at) <= addMonths(new Date(ended), policy.retention.afterLicenceEndMonths);
}

/**
 * What happened in a period, counted from the audit trail itself, so the figures are the stored events:
 * requests received and answered (on time or late; a request the system completes itself, such as an
 * opt-out, is answered at once), requests overdue now, purges (on time against the promise), disclosures
 * by legal basis.
 */
export async function activityReport(
  deps: { audit: Pick<AuditLog, 'since'>; requests: Pick<RequestRepository, 'listShard'>; clock: Clock },
  period: z.infer<typeof reportPeriodSchema>,
) {
  const from = new Date(`${period.from}T00:00:00Z`);
  const to = new Date(`${period.to}T23:59:59.999Z`);
  if (to < from) throw new ProblemError(400, 'invalid-input', [{ field: 'to', code: 'invalid-format' }]);
  const events = (await deps.audit.since(from)).filter((event) => new Date(event.at) <= to);
  const count = (predicate: (event: AuditEvent) => boolean) => events.filter(predicate).length;
  const answered = events.filter((event) => finishing.has(event.action));
  const purges = events.filter((event) => event.action === 'retention.purged');
  const now = deps.clock();
  const open = await deps.requests.listShard(openShards.open);

  return {
    period,
    requests: {
      received: count((event) => event.action === 'privacy-request.received'),
      answered: answered.length,
      answeredOnTime: answered.filter((event) => event.details.onTime !== false).length,
      answeredLate: answered.filter((event) => event.details.onTime === false).length,
      overdueNow: open.filter((request) => new Date(request.dueAt) < now).length,
      extended: count((event) => event.action === 'privacy-request.extended'),
    },
    purges: {
      total: purges.length,
      onTime: purges.filter(purgedOnTime).length,
      late: purges.filter((event) => !purgedOnTime(event)).length,
    },
    disclosures: Object.fromEntries(
      policy.disclosureBases.map((basis) => [
        basis,
        count((event) => event.action === 'disclosure.recorded' && event.details.basis === basis),
      ]),
    ),
    staffReads: count((event) => event.action.endsWith('read-by-staff')),
  };
}
