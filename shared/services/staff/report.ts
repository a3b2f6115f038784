import * as z from 'zod/mini';
import type { AuditLog } from '../../adapters/audit-log.js';
import type { RequestRepository } from '../../adapters/request-repository.js';
import type { AuditEvent } from '../../domain/audit.js';
import { addMonths, type Clock } from '../../domain/dates.js';
import { policy } from '../../domain/policy.js';
import { openShards, type StoredPrivacyRequest } from '../../domain/privacy-request.js';
import { ProblemError } from '../../domain/problem-error.js';
import { schema } from '../../domain/schema.js';

export const reportPeriodSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    from: z.iso.date({ message: 'invalid-format' }),
    to: z.iso.date({ message: 'invalid-format' }),
  }),
);
export type ReportPeriod = z.infer<typeof reportPeriodSchema>;

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

export const periodBounds = (period: ReportPeriod) => ({
  from: new Date(`${period.from}T00:00:00Z`),
  to: new Date(`${period.to}T23:59:59.999Z`),
});

/**
 * The figures of one period from its audit events (already cut to the period) and the requests open now. Pure,
 * so the report route, the dashboard and its CSV export count the same way from the same events.
 */
export function summariseActivity(
  period: ReportPeriod,
  events: readonly AuditEvent[],
  open: readonly Pick<StoredPrivacyRequest, 'dueAt'>[],
  now: Date,
) {
  const count = (predicate: (event: AuditEvent) => boolean) => events.filter(predicate).length;
  const answered = events.filter((event) => finishing.has(event.action));
  const purges = events.filter((event) => event.action === 'retention.purged');
  const decisions = events.filter((event) => event.action === 'breach.decided');
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
    ) as Record<(typeof policy.disclosureBases)[number], number>,
    /** AVG art. 33(5): every breach recorded, and the decision on reporting it to the AP, within 72 hours or not. */
    breaches: {
      recorded: count((event) => event.action === 'breach.recorded'),
      reportedToAuthority: decisions.filter((event) => event.details.report === true).length,
      notReported: decisions.filter((event) => event.details.report === false).length,
      decidedLate: decisions.filter((event) => event.details.withinDeadline === false).length,
    },
    staffReads: count((event) => event.action.endsWith('read-by-staff')),
  };
}
export type ActivityReport = ReturnType<typeof summariseActivity>;

export type ReportDeps = {
  audit: Pick<AuditLog, 'since'>;
  requests: Pick<RequestRepository, 'listShard'>;
  clock: Clock;
};

/**
 * What happened in a period, counted from the audit trail itself, so the figures are the stored events:
 * requests received and answered (on time or late; a request the system completes itself, such as an
 * opt-out, is answered at once), requests overdue now, purges (on time against the promise), disclosures
 * by legal basis, breaches.
 */
export async function activityReport(deps: ReportDeps, period: ReportPeriod): Promise<ActivityReport> {
  const { from, to } = periodBounds(period);
  if (to < from) throw new ProblemError(400, 'invalid-input', [{ field: 'to', code: 'invalid-format' }]);
  const events = (await deps.audit.since(from)).filter((event) => new Date(event.at) <= to);
  const open = await deps.requests.listShard(openShards.open);
  return summariseActivity(period, events, open, deps.clock());
}
