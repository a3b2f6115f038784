import * as z from 'zod/mini';
import { addDays } from '../../domain/dates.js';
import { openShards } from '../../domain/privacy-request.js';
import { policy } from '../../domain/policy.js';
import { periodBounds, summariseActivity, type ActivityReport, type ReportDeps } from './report.js';
import { schema } from '../../domain/schema.js';

export const dashboardQuerySchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    /** How many calendar months, this one included (default 12). */
    months: z.optional(
      z.number().check(z.int(), z.gte(1, { message: 'invalid-format' }), z.lte(36, { message: 'too-long' })),
    ),
  }),
);

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

/** The calendar months (UTC) ending with the current one, each up to its last day or today. */
export function monthPeriods(now: Date, months: number) {
  return Array.from({ length: months }, (_, index) => {
    const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1 - index), 1));
    const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0));
    return { from: isoDate(first), to: isoDate(last < now ? last : now) };
  });
}

/**
 * The console's dashboard: the queue as it stands (on time, due within the deadline-watch window, overdue)
 * and the activity report of every month, counted by the same function as `npm run admin -- report`, so the
 * current month's figures are the report's.
 */
export async function dashboard(deps: ReportDeps, query: z.infer<typeof dashboardQuerySchema>) {
  const now = deps.clock();
  const periods = monthPeriods(now, query.months ?? 12);
  const open = await deps.requests.listShard(openShards.open);
  const events = await deps.audit.since(periodBounds(periods[0]!).from);
  const warnFrom = addDays(now, policy.deadlineWatch.warnDaysBefore);
  const due = (request: { dueAt: string }) => new Date(request.dueAt);
  const months: ActivityReport[] = periods.map((period) => {
    const { from, to } = periodBounds(period);
    const inPeriod = events.filter((event) => new Date(event.at) >= from && new Date(event.at) <= to);
    return summariseActivity(period, inPeriod, open, now);
  });
  return {
    at: now.toISOString(),
    queue: {
      open: open.length,
      onTime: open.filter((request) => due(request) > warnFrom).length,
      dueWithinDays: policy.deadlineWatch.warnDaysBefore,
      dueSoon: open.filter((request) => due(request) >= now && due(request) <= warnFrom).length,
      overdue: open.filter((request) => due(request) < now).length,
    },
    months,
  };
}

const csvColumns: [string, (month: ActivityReport) => string | number][] = [
  ['month', (m) => m.period.from.slice(0, 7)],
  ['from', (m) => m.period.from],
  ['to', (m) => m.period.to],
  ['requests_received', (m) => m.requests.received],
  ['requests_answered', (m) => m.requests.answered],
  ['requests_answered_on_time', (m) => m.requests.answeredOnTime],
  ['requests_answered_late', (m) => m.requests.answeredLate],
  ['requests_extended', (m) => m.requests.extended],
  ['purges', (m) => m.purges.total],
  ['purges_on_time', (m) => m.purges.onTime],
  ['purges_late', (m) => m.purges.late],
  ...policy.disclosureBases.map(
    (basis) =>
      [`disclosures_${basis.replaceAll('-', '_')}`, (m: ActivityReport) => m.disclosures[basis]] as [
        string,
        (month: ActivityReport) => number,
      ],
  ),
  ['breaches_recorded', (m) => m.breaches.recorded],
  ['breaches_reported_to_ap', (m) => m.breaches.reportedToAuthority],
  ['breaches_not_reported', (m) => m.breaches.notReported],
  ['breaches_decided_late', (m) => m.breaches.decidedLate],
  ['staff_reads', (m) => m.staffReads],
];

/** The dashboard's months as CSV (RFC 4180, CRLF), one row per month: figures only, never a personal value. */
export function dashboardCsv(months: readonly ActivityReport[]): string {
  const rows = [
    csvColumns.map(([name]) => name),
    ...months.map((m) => csvColumns.map(([, of]) => String(of(m)))),
  ];
  return `${rows.map((row) => row.join(',')).join('\r\n')}\r\n`;
}
