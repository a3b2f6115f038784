import type { RequestRepository } from '../../adapters/request-repository.js';
import { addDays } from '../../domain/dates.js';
import { openShards, type StoredPrivacyRequest } from '../../domain/privacy-request.js';
import { policy } from '../../domain/policy.js';
import type { ServiceDeps } from '../deps.js';
import type { OutgoingMail } from '../ports.js';

export interface DeadlineReport {
  overdue: number;
  dueSoon: number;
  /** The current privacy statement version has not been mailed to licensees yet. */
  statementNoticePending: boolean;
  mailed: boolean;
}

const daysLeft = (request: StoredPrivacyRequest, now: Date) =>
  Math.floor((new Date(request.dueAt).getTime() - now.getTime()) / 86_400_000);

/** The staff mail: references, types, deadlines; never a licensee's personal data. */
function staffDigest(
  to: string,
  overdue: StoredPrivacyRequest[],
  dueSoon: StoredPrivacyRequest[],
  statementNoticePending: boolean,
  now: Date,
): OutgoingMail {
  const statementLines = statementNoticePending
    ? [
        `The privacy statement's version ${policy.statement.version} has not been mailed to licensees yet.`,
        'Once it is published, send it with `npm run admin -- statement notify` (once per version).',
        '',
      ]
    : [];
  const line = (request: StoredPrivacyRequest) =>
    `  ${request.reference}  ${request.type.padEnd(18)} ${request.status.padEnd(24)} due ${request.dueAt.slice(0, 10)} (${daysLeft(request, now)} days)`;
  return {
    to,
    subject:
      `Privacy requests: ${overdue.length} overdue, ${dueSoon.length} due within ${policy.deadlineWatch.warnDaysBefore} days` +
      (statementNoticePending ? `; statement ${policy.statement.version} not yet mailed` : ''),
    text: [
      ...statementLines,
      overdue.length > 0
        ? `OVERDUE: the legal deadline has passed\n${overdue.map(line).join('\n')}`
        : 'Nothing overdue.',
      '',
      dueSoon.length > 0
        ? `Due within ${policy.deadlineWatch.warnDaysBefore} days\n${dueSoon.map(line).join('\n')}`
        : 'Nothing due soon.',
      '',
      'Act with `npm run admin -- requests` and `npm run admin -- request show REFERENCE`.',
    ].join('\n'),
  };
}

/**
 * Daily: one mail to the staff mailbox when any open request is near or past its deadline, or while the
 * current privacy statement version has not been mailed to licensees.
 */
export async function runDeadlineWatch(
  deps: Pick<ServiceDeps, 'clock' | 'mailer'> & {
    requests: RequestRepository;
    staffMailbox: string;
    countOverdue: (n: number, dueSoon: number) => void;
    statementNoticeMissing: () => Promise<boolean>;
  },
): Promise<DeadlineReport> {
  const now = deps.clock();
  const warnFrom = addDays(now, policy.deadlineWatch.warnDaysBefore);
  const open = await deps.requests.listShard(openShards.open);
  const overdue = open.filter((request) => new Date(request.dueAt) < now);
  const dueSoon = open.filter(
    (request) => new Date(request.dueAt) >= now && new Date(request.dueAt) <= warnFrom,
  );
  deps.countOverdue(overdue.length, dueSoon.length);
  const statementNoticePending = await deps.statementNoticeMissing();
  const mailed = overdue.length + dueSoon.length > 0 || statementNoticePending;
  if (mailed)
    await deps.mailer.send(staffDigest(deps.staffMailbox, overdue, dueSoon, statementNoticePending, now));
  return { overdue: overdue.length, dueSoon: dueSoon.length, statementNoticePending, mailed };
}
