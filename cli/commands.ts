import { details, table } from './format.js';

export type Flags = Record<string, string | boolean | undefined>;

export interface Command {
  /** Words after `admin`, e.g. `licensee show`. */
  words: string[];
  usage: string;
  method: 'GET' | 'POST';
  path: string;
  body?: (args: string[], flags: Flags) => unknown;
  render: (result: unknown) => string;
  /**
   * The command started a job: its id, which `admin` follows (polling `jobs show`, progress on stderr) until
   * the job is finished, unless `--detach`.
   */
  follow?: (result: unknown) => string | undefined;
  /** Writes binary output to a file instead of the terminal. */
  /** Writes the result to a file: bytes it carries, or bytes fetched from a (presigned) URL it names. */
  save?: (result: unknown, flags: Flags) => { file: string; bytes: Buffer } | { file: string; url: string };
}

export class UsageError extends Error {
  override name = 'UsageError';
}

function required(value: string | boolean | undefined, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`missing --${name}`);
  return value;
}
function arg(args: string[], index: number, name: string): string {
  const value = args[index];
  if (!value) throw new UsageError(`missing ${name}`);
  return value;
}
const list = (value: string) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

/** The report's period: the flags given, else the current calendar month (UTC) up to today. */
export function currentMonthUnlessGiven(flags: Flags, now = new Date()): { from: string; to: string } {
  const today = now.toISOString().slice(0, 10);
  return {
    from: typeof flags.from === 'string' ? flags.from : `${today.slice(0, 7)}-01`,
    to: typeof flags.to === 'string' ? flags.to : today,
  };
}

function jobIdOf(result: unknown): string | undefined {
  const jobId = (result as { jobId?: unknown } | undefined)?.jobId;
  return typeof jobId === 'string' ? jobId : undefined;
}

/** One line of a running job's progress, e.g. `running: sent 120, skipped 3 (audience 500)`. */
export function progressLine(job: { status: string; progress: Record<string, number> }): string {
  const counters = Object.entries(job.progress)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  return `${job.status}${counters ? `: ${counters}` : ''}`;
}

export const commands: Command[] = [
  {
    words: ['licensee', 'show'],
    usage: 'licensee show LICENSEE_ID            (decrypts; the read is audited with your identity)',
    method: 'POST',
    path: '/api/admin/licensees/show',
    body: (args) => ({ licenseeId: arg(args, 0, 'LICENSEE_ID') }),
    render: (result) => details(result),
  },
  {
    words: ['requests'],
    usage: 'requests                             (open requests, earliest deadline first)',
    method: 'POST',
    path: '/api/admin/requests/list',
    body: () => ({}),
    render: (result) =>
      table((result as { requests: Record<string, unknown>[] }).requests, [
        'reference',
        'type',
        'status',
        'channel',
        'dueAt',
        'daysLeft',
        'licenseeId',
      ]),
  },
  {
    words: ['request', 'show'],
    usage: 'request show REFERENCE               (with the request text; reading it is audited)',
    method: 'POST',
    path: '/api/admin/requests/show',
    body: (args) => ({ reference: arg(args, 0, 'REFERENCE') }),
    render: (result) => details(result),
  },
  {
    words: ['request', 'extend'],
    usage:
      'request extend REFERENCE --months 1|2 --reason TEXT   (at most 2 months in all; the licensee is told why)',
    method: 'POST',
    path: '/api/admin/requests/extend',
    body: (args, flags) => ({
      reference: arg(args, 0, 'REFERENCE'),
      months: Number(required(flags.months, 'months')),
      reason: required(flags.reason, 'reason'),
    }),
    render: (result) => `Deadline extended.\n${details(result)}`,
  },
  {
    words: ['request', 'close'],
    usage: 'request close REFERENCE --response TEXT   (answers and closes; the response is mailed)',
    method: 'POST',
    path: '/api/admin/requests/close',
    body: (args, flags) => ({
      reference: arg(args, 0, 'REFERENCE'),
      response: required(flags.response, 'response'),
    }),
    render: (result) => `Request answered and closed.\n${details(result)}`,
  },
  {
    words: ['request', 'reject'],
    usage:
      'request reject REFERENCE --reason TEXT   (the licensee gets the reason and their right to complain to the AP)',
    method: 'POST',
    path: '/api/admin/requests/reject',
    body: (args, flags) => ({
      reference: arg(args, 0, 'REFERENCE'),
      reason: required(flags.reason, 'reason'),
    }),
    render: (result) => `Request refused.\n${details(result)}`,
  },
  {
    words: ['request', 'approve-deletion'],
    usage:
      'request approve-deletion REFERENCE   (ends the licence; the purge runs as a job, followed until done)',
    method: 'POST',
    path: '/api/admin/requests/approve-deletion',
    body: (args) => ({ reference: arg(args, 0, 'REFERENCE') }),
    render: (result) => details(result),
    follow: jobIdOf,
  },
  {
    words: ['licence', 'end'],
    usage: 'licence end LICENSEE_ID              (sets the purge date from the policy file)',
    method: 'POST',
    path: '/api/admin/licences/end',
    body: (args) => ({ licenseeId: arg(args, 0, 'LICENSEE_ID') }),
    render: (result) => `Licence ended.\n${details(result)}`,
  },
  {
    words: ['hold', 'place'],
    usage:
      'hold place LICENSEE_ID --reason fraud-investigation|legal-claim --case CASE-REF --until YYYY-MM-DD',
    method: 'POST',
    path: '/api/admin/holds/place',
    body: (args, flags) => ({
      licenseeId: arg(args, 0, 'LICENSEE_ID'),
      reason: required(flags.reason, 'reason'),
      caseReference: required(flags.case, 'case'),
      until: required(flags.until, 'until'),
    }),
    render: (result) => `Legal hold placed.\n${details(result)}`,
  },
  {
    words: ['hold', 'lift'],
    usage: 'hold lift LICENSEE_ID',
    method: 'POST',
    path: '/api/admin/holds/lift',
    body: (args) => ({ licenseeId: arg(args, 0, 'LICENSEE_ID') }),
    render: (result) => `Legal hold lifted.\n${details(result)}`,
  },
  {
    words: ['report'],
    usage:
      'report [--from YYYY-MM-DD] [--to YYYY-MM-DD]   (requests, purges, disclosures, from the audit trail; default this month)',
    method: 'POST',
    path: '/api/admin/reports/activity',
    body: (_args, flags) => currentMonthUnlessGiven(flags),
    render: (result) => details(result),
  },
  {
    words: ['disclosure', 'record'],
    usage:
      'disclosure record LICENSEE_ID --recipient NAME --basis legal-obligation|business-necessity|fraud --categories name,address,email,iban --reference REF',
    method: 'POST',
    path: '/api/admin/disclosures/record',
    body: (args, flags) => ({
      licenseeId: arg(args, 0, 'LICENSEE_ID'),
      recipient: required(flags.recipient, 'recipient'),
      basis: required(flags.basis, 'basis'),
      categories: list(required(flags.categories, 'categories')),
      reference: required(flags.reference, 'reference'),
    }),
    render: (result) => `Disclosure recorded.\n${details(result)}`,
  },
  {
    words: ['audit'],
    usage: 'audit --licensee LICENSEE_ID | --since YYYY-MM-DD',
    method: 'POST',
    path: '/api/admin/audit',
    body: (_args, flags) => {
      if (typeof flags.licensee === 'string') return { licenseeId: flags.licensee };
      if (typeof flags.since === 'string') return { since: flags.since };
      throw new UsageError('give --licensee or --since');
    },
    render: (result) => {
      const { events } = result as {
        events: {
          at: string;
          actor: { kind: string; id: string; username?: string };
          action: string;
          licenseeId?: string;
          subjectId?: string;
          details: object;
        }[];
      };
      return table(
        events.map((event) => ({
          at: event.at,
          actor: `${event.actor.kind}:${event.actor.username ?? event.actor.id}`,
          action: event.action,
          licensee: event.licenseeId,
          subject: event.subjectId,
          details: Object.entries(event.details)
            .map(([k, v]) => `${k}=${v}`)
            .join(' '),
        })),
      );
    },
  },
  {
    words: ['budget-review', 'request'],
    usage: 'budget-review request LICENSEE_ID --reason TEXT   (the licensee decides in the portal)',
    method: 'POST',
    path: '/api/admin/budget-reviews/request',
    body: (args, flags) => ({
      licenseeId: arg(args, 0, 'LICENSEE_ID'),
      reason: required(flags.reason, 'reason'),
    }),
    render: (result) => `Budget review requested; the licensee has been mailed.\n${details(result)}`,
  },
  {
    words: ['budget-review', 'read'],
    usage:
      'budget-review read LICENSEE_ID REVIEW_ID --out FILE   (downloads the upload; audited before the link exists)',
    method: 'POST',
    path: '/api/admin/budget-reviews/read',
    body: (args, flags) => {
      required(flags.out, 'out');
      return { licenseeId: arg(args, 0, 'LICENSEE_ID'), reviewId: arg(args, 1, 'REVIEW_ID') };
    },
    render: (result) => {
      const { contentType } = result as { contentType: string };
      return `Upload (${contentType}) downloaded.`;
    },
    // A presigned S3 GET valid for a minute: the file never passes through the API.
    save: (result, flags) => ({ file: String(flags.out), url: (result as { url: string }).url }),
  },
  {
    words: ['budget-review', 'close'],
    usage: `budget-review close LICENSEE_ID REVIEW_ID   (the upload is destroyed a fixed number of days later)`,
    method: 'POST',
    path: '/api/admin/budget-reviews/close',
    body: (args) => ({ licenseeId: arg(args, 0, 'LICENSEE_ID'), reviewId: arg(args, 1, 'REVIEW_ID') }),
    render: (result) => `Review closed.\n${details(result)}`,
  },
  {
    words: ['report', 'processing-register'],
    usage: 'report processing-register           (AVG art. 30 register, from the policy file)',
    method: 'GET',
    path: '/api/admin/reports/processing-register',
    render: (result) => details(result),
  },
  {
    words: ['marketing', 'audience'],
    usage: 'marketing audience                   (how many licensees may receive marketing)',
    method: 'POST',
    path: '/api/admin/marketing/audience',
    body: () => ({}),
    render: (result) => `Recipients: ${(result as { recipients: number }).recipients}`,
  },
  {
    words: ['marketing', 'send'],
    usage: 'marketing send --template product-update|training-invitation',
    method: 'POST',
    path: '/api/admin/marketing/send',
    body: (_args, flags) => ({ template: required(flags.template, 'template') }),
    render: (result) => `Marketing send started as job ${jobIdOf(result)}.`,
    follow: jobIdOf,
  },
  {
    words: ['statement', 'notify'],
    usage:
      'statement notify                     (mail the current privacy statement version to every licensee, once per version)',
    method: 'POST',
    path: '/api/admin/statement/notify',
    body: () => ({}),
    render: (result) =>
      (result as { started: boolean }).started
        ? `Statement notice started as job ${jobIdOf(result)}.`
        : `This version's notice is job ${jobIdOf(result)} (started before; nothing new sent).`,
    follow: jobIdOf,
  },
  {
    words: ['jobs', 'show'],
    usage:
      'jobs show JOB_ID                     (a marketing send, statement notice, purge or re-purge: status, progress, result)',
    method: 'POST',
    path: '/api/admin/jobs/show',
    body: (args) => ({ jobId: arg(args, 0, 'JOB_ID') }),
    render: (result) => details(result),
  },
  {
    words: ['repurge'],
    usage:
      'repurge --since YYYY-MM-DD            (after a restore: purges again everyone purged since then, per the audit trail)',
    method: 'POST',
    path: '/api/admin/retention/repurge',
    body: (_args, flags) => ({ since: required(flags.since, 'since') }),
    render: (result) => `Re-purge started as job ${jobIdOf(result)}.`,
    follow: jobIdOf,
  },
];

/** The command whose words start the positionals, longest match first. */
export function findCommand(positionals: string[]): { command: Command; args: string[] } | undefined {
  const sorted = [...commands].sort((a, b) => b.words.length - a.words.length);
  for (const command of sorted) {
    if (command.words.every((word, i) => positionals[i] === word))
      return { command, args: positionals.slice(command.words.length) };
  }
  return undefined;
}
